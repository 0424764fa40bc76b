"""`my_chat_member` in private chats: the user blocked or unblocked the bot.

Blocking marks the player unreachable (their pending notifications are dropped);
unblocking makes them reachable again. Strangers (never sent /start) are ignored.
"""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.enums import ChatMemberStatus
from aiogram.types import ChatMemberUpdated

from models import User, outbox
from models.logids import tg

log = logging.getLogger(__name__)

BLOCKED_REASON = "blocked the bot"


async def on_my_chat_member(event: ChatMemberUpdated, user: User | None) -> None:
    if user is None:
        return
    status = event.new_chat_member.status
    if status == ChatMemberStatus.MEMBER:
        if outbox.mark_reachable(user.telegram_id):
            log.info("User %s unblocked the bot: reachable again", tg(user.telegram_id))
    elif status == ChatMemberStatus.KICKED:
        dropped = outbox.mark_unreachable(user.id, BLOCKED_REASON)
        log.info("User %s blocked the bot: %d pending notification(s) dropped", tg(user.telegram_id), dropped)


def build_chat_member_router() -> Router:
    router = Router(name="chat_member")
    router.my_chat_member.register(on_my_chat_member, F.chat.type == "private")
    return router
