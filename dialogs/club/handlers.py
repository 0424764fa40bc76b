"""The bot in the club's group chat, and sharing trips from any chat (issue #20).

Group etiquette: in a group the bot answers only its own commands (`GROUP_COMMANDS`: /board,
/trips, /help), with privacy mode on; it names people by first name only, and everything
personal stays in the private chat. Any other message in a group is left alone (and never
starts a dialog: the dialogs only see private chats, bot/app.py).

`my_chat_member` in the club chat: added, promoted, demoted or removed — recorded
(`models.club.chat_status`); losing the chat stops posting, is logged, and whoever had
configured the bot is told in private.

Inline mode (`@bot riverside` in any chat): upcoming trips, the player's own first, filtered
by destination or day; a chosen result posts the trip's card with its Join button.
"""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.enums import ChatMemberStatus, ParseMode
from aiogram.filters import Command
from aiogram.types import (
    ChatMemberUpdated, ChosenInlineResult, InlineQuery, InlineQueryResultArticle, InputTextMessageContent, Message,
)

from models import DomainError, club, queries
from models.logids import tg
from models.outbox import now_precise

from ..common import error_text
from ..i18n import Tr, tr_for
from .render import NO_PREVIEW, board, board_events, board_rows, local_time, trip_post

log = logging.getLogger(__name__)

GROUP_TYPES = ("group", "supergroup")
GROUP_COMMANDS = ("board", "trips", "help")
INLINE_MAX = 20  # results per inline answer (Telegram allows 50)
INLINE_CACHE = 30  # seconds Telegram may reuse an answer for this user


def _group_tr(data: dict) -> Tr:
    """A group has many readers: the club's language."""
    settings = data.get("settings")
    return tr_for(settings.default_language if settings is not None else "en")


def _tz(data: dict):
    from zoneinfo import ZoneInfo

    settings = data.get("settings")
    return settings.timezone if settings is not None else ZoneInfo("UTC")


async def _username(bot: Bot) -> str:
    return (await bot.me()).username or ""


# --- commands in the group ------------------------------------------------------------------


async def cmd_board(message: Message, bot: Bot, **data) -> None:
    """Post the board anew at the bottom (the poster sends it; at most every few minutes)."""
    try:
        club.request_board(message.chat.id, now_precise())
    except DomainError as exc:
        await message.reply(error_text(exc, _group_tr(data)))
        return
    notifier = data.get("notifier")
    if notifier is not None:
        notifier.wake()


async def cmd_trips(message: Message, bot: Bot, **data) -> None:
    """The week's rides as a reply (the board's text, not kept up to date)."""
    now = now_precise()
    tz = _tz(data)
    post = board(board_rows(now, tz), _group_tr(data), await _username(bot), local_time(now, tz),
                 board_events(now, tz))
    await message.reply(post.text, parse_mode=ParseMode.HTML, reply_markup=post.reply_markup,
                        link_preview_options=NO_PREVIEW)


async def cmd_group_help(message: Message, bot: Bot, **data) -> None:
    tr = _group_tr(data)
    await message.reply(tr("club-group-help", bot=await _username(bot)), parse_mode=ParseMode.HTML)


# --- the bot's standing in the club chat ---------------------------------------------------------


async def on_bot_membership(event: ChatMemberUpdated, **data) -> None:
    settings = data.get("settings")
    if settings is None or settings.club_chat_id != event.chat.id:
        log.info("The bot's status in chat %s (not the club's) is now %s", tg(event.chat.id),
                 event.new_chat_member.status)
        return
    member = event.new_chat_member
    status = member.status.value if hasattr(member.status, "value") else str(member.status)
    can_pin = status == ChatMemberStatus.CREATOR or bool(getattr(member, "can_pin_messages", False))
    change = club.chat_status(event.chat.id, status, can_pin=can_pin, by=event.from_user.id if event.from_user else None)
    if change.active:
        log.info("The bot is %s in the club chat %s (pin: %s): posting", status, tg(event.chat.id), change.can_pin)
        notifier = data.get("notifier")
        if notifier is not None:
            notifier.wake()
        return
    log.warning("The bot is %s in the club chat %s: posting stopped%s", status, tg(event.chat.id),
                f"; {tg(change.configured_by)} is told" if change.was_active and change.configured_by else "")
    notifier = data.get("notifier")
    if notifier is not None:
        notifier.wake()


# --- inline mode --------------------------------------------------------------------------------


def _matches(row: queries.TripRow, text: str, tr: Tr) -> bool:
    """The query names the trip: its id (a Share button sends `trip_<id>`), part of its
    destination, or its day ("sat", "сб", "03")."""
    if not text:
        return True
    if text.startswith("trip_"):
        return text == f"trip_{row.id}"
    day = f"{tr.day(row.departure_date)} {tr.weekday_name(row.departure_date)}"
    return text in row.destination.casefold() or text in day.casefold()


async def on_inline_query(query: InlineQuery, bot: Bot, **data) -> None:
    tr = tr_for(data.get("locale") or "en")
    rows, _ = queries.list_upcoming(0, 50, viewer=query.from_user.id)
    text = query.query.strip().casefold()
    rows = sorted((r for r in rows if _matches(r, text, tr)), key=lambda r: not (r.driving or r.riding))
    username = await _username(bot)
    now = now_precise()
    results = []
    for row in rows[:INLINE_MAX]:
        post = trip_post(queries.trip_card(row.id, None), tr, username, now)
        seats = tr("club-board-full") if row.full else tr("club-board-seats", n=row.seats_left)
        results.append(InlineQueryResultArticle(
            id=f"trip_{row.id}", title=row.destination[:100],
            description=f"{tr.day(row.departure_date)} {tr.time(row.first_pickup)} · {seats}",
            input_message_content=InputTextMessageContent(message_text=post.text, parse_mode=ParseMode.HTML,
                                                          link_preview_options=NO_PREVIEW),
            reply_markup=post.reply_markup,
        ))
    await query.answer(results, cache_time=INLINE_CACHE, is_personal=True)


async def on_chosen_inline_result(chosen: ChosenInlineResult) -> None:
    log.info("Trip card %s shared by %s", chosen.result_id, tg(chosen.from_user.id))


def build_group_router() -> Router:
    """Group messages (the club's commands only), the bot's membership in groups, inline mode."""
    router = Router(name="club")
    router.message.filter(F.chat.type.in_(GROUP_TYPES))
    router.message.register(cmd_board, Command("board"))
    router.message.register(cmd_trips, Command("trips"))
    router.message.register(cmd_group_help, Command("help", "start"))
    router.my_chat_member.register(on_bot_membership, F.chat.type.in_(GROUP_TYPES))
    router.inline_query.register(on_inline_query)
    router.chosen_inline_result.register(on_chosen_inline_result)
    return router
