"""The club's group chat (issue #20): where the bot stands there, and its messages there.

Every message the bot keeps in the group is one `GroupPost` row — a trip's announcement, or
the board ("Rides this week"). A change never writes a message: it bumps the versions of the
posts that show it (`touch`, inside the change's own transaction), and the poster
(`bot.workers.poster`) renders the state at send time and sends or edits once. So a burst of
changes makes one edit per post (`DEBOUNCE` gathers them), a crash loses nothing (the row
stays pending until Telegram shows its version) and repeats at most the message it had in
flight (a new post sent but not yet recorded: one duplicate per crash, like the outbox).

Claims work as in `models.outbox`: a conditional update (unclaimed, or claimed longer ago
than the claim timeout → this poster), so two posters never both send one post.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import peewee as pw

from .base import db, utcnow
from .errors import Conflict
from . import outbox
from .tables import CHAT_ACTIVE, POST_BOARD, POST_TRIP, ClubChat, GroupPost, Trip, User

DEBOUNCE = timedelta(seconds=3)  # changes within this make one edit
BOARD_COOLDOWN = timedelta(minutes=5)  # /board posts the board anew at most this often
BOARD_DAYS = 7  # "Rides this week": the trips of the next seven days
CLAIM_TIMEOUT = timedelta(seconds=120)


@dataclass(frozen=True)
class ChatChange:
    chat_id: int
    was_active: bool
    active: bool
    can_pin: bool
    configured_by: int | None  # who added or promoted the bot (told when it is out)


def _active(status: str) -> bool:
    return status in CHAT_ACTIVE


def chat_status(chat_id: int, status: str, can_pin: bool = False, by: int | None = None,
                now: datetime | None = None) -> ChatChange:
    """Telegram told where the bot stands in a group (my_chat_member, or a check at start).
    Joining (or returning) makes the board due; leaving stops every post of that chat, and
    whoever had configured the bot is told (notification `club_chat_lost`)."""
    now = now or utcnow()
    with db.atomic():
        chat, _ = ClubChat.get_or_create(chat_id=chat_id, defaults={"status": "left"})
        was_active, out_since = _active(chat.status), chat.updated_at
        active = _active(status)
        chat.status, chat.can_pin, chat.updated_at = status, bool(can_pin and active), now
        if active and by is not None and (not was_active or status == "administrator"):
            chat.configured_by = by
        chat.save()
        if active:
            _touch_board(chat_id, now)
            if not was_active:
                _back_in(chat_id, out_since, now)
        elif was_active and chat.configured_by is not None:
            admin = User.get_or_none(User.telegram_id == chat.configured_by)
            if admin is not None:
                outbox.notify(admin, "club_chat_lost", status=status)
        return ChatChange(chat_id, was_active, active, chat.can_pin, chat.configured_by)


def _back_in(chat_id: int, out_since: datetime, now: datetime) -> None:
    """The bot is back in a chat it had left: the board is posted anew at the bottom (where the
    group sees it is back), and every post whose trip changed meanwhile may be stale — those of
    trips not over when the bot left are edited (seats, a cancellation, "over")."""
    (GroupPost.update(repost=True)
     .where((GroupPost.chat_id == chat_id) & (GroupPost.kind == POST_BOARD) & GroupPost.message_id.is_null(False))
     .execute())
    stale = (GroupPost.select(GroupPost.id).join(Trip)
             .where((GroupPost.chat_id == chat_id) & (GroupPost.kind == POST_TRIP) & (Trip.ends_at >= out_since)))
    _bump(stale, now)


def active_chats() -> list[int]:
    return [c for (c,) in ClubChat.select(ClubChat.chat_id).where(ClubChat.status.in_(CHAT_ACTIVE)).tuples()]


def chat_of(chat_id: int) -> ClubChat | None:
    return ClubChat.get_or_none(ClubChat.chat_id == chat_id)


def _bump(query: pw.ModelSelect, now: datetime) -> None:
    """One more version of these posts, due after the debounce (a post already waiting keeps
    its time, so a stream of changes cannot hold it back for ever)."""
    ids = [p.id for p in query]
    if not ids:
        return
    due = now + DEBOUNCE
    (GroupPost.update(version=GroupPost.version + 1,
                      due_at=pw.Case(None, [(GroupPost.version > GroupPost.sent_version, GroupPost.due_at)], due))
     .where(GroupPost.id.in_(ids)).execute())


def _touch_board(chat_id: int, now: datetime) -> None:
    board = GroupPost.get_or_none((GroupPost.chat_id == chat_id) & (GroupPost.kind == POST_BOARD))
    if board is None:
        GroupPost.create(chat_id=chat_id, kind=POST_BOARD, due_at=now + DEBOUNCE)
    else:
        _bump(GroupPost.select(GroupPost.id).where(GroupPost.id == board.id), now)


def announce(trip: Trip | int, now: datetime | None = None) -> None:
    """A new trip, to be posted in every group the bot is in (inside the creating
    operation's transaction)."""
    now = now or utcnow()
    trip_id = trip if isinstance(trip, int) else trip.id
    with db.atomic():
        for chat_id in active_chats():
            GroupPost.get_or_create(chat_id=chat_id, kind=POST_TRIP, trip=trip_id,
                                    defaults={"due_at": now + DEBOUNCE})
            _touch_board(chat_id, now)


def touch(trip: Trip | int, now: datetime | None = None) -> None:
    """Something a group post shows of this trip changed (seats, times, cancelled, over,
    a name): its announcement and the board are edited. Call it inside the change's own
    transaction."""
    now = now or utcnow()
    trip_id = trip if isinstance(trip, int) else trip.id
    with db.atomic():
        chats = active_chats()
        if not chats:
            return
        _bump(GroupPost.select(GroupPost.id).where((GroupPost.trip == trip_id) & GroupPost.chat_id.in_(chats)), now)
        for chat_id in chats:
            _touch_board(chat_id, now)


def touch_boards(now: datetime | None = None) -> None:
    """The board's week moves on (a trip left it by departing): redraw it."""
    now = now or utcnow()
    with db.atomic():
        for chat_id in active_chats():
            _touch_board(chat_id, now)


def request_board(chat_id: int, now: datetime | None = None) -> None:
    """`/board` in the group: the board is posted anew at the bottom (and pinned). At most once
    per BOARD_COOLDOWN: Conflict("error-board-cooldown", minutes=…) otherwise."""
    now = now or utcnow()
    with db.atomic():
        chat = ClubChat.get_or_none(ClubChat.chat_id == chat_id)
        if chat is None or not _active(chat.status):
            raise Conflict("error-board-not-here")
        if chat.board_posted_at is not None and now - chat.board_posted_at < BOARD_COOLDOWN:
            left = BOARD_COOLDOWN - (now - chat.board_posted_at)
            raise Conflict("error-board-cooldown", minutes=max(1, -(-int(left.total_seconds()) // 60)))
        chat.board_posted_at = now
        chat.save(only=[ClubChat.board_posted_at])
        _touch_board(chat_id, now)
        (GroupPost.update(repost=True, due_at=now)
         .where((GroupPost.chat_id == chat_id) & (GroupPost.kind == POST_BOARD)).execute())


# --- the poster's side ---------------------------------------------------------------------------


def due_posts(now: datetime | None = None, limit: int = 50) -> list[GroupPost]:
    """Posts whose latest version Telegram does not show yet, due now, in chats the bot is in,
    unclaimed (or claimed by a poster that died), oldest change first."""
    now = now or utcnow()
    return list(
        GroupPost.select()
        .where((GroupPost.version > GroupPost.sent_version) & (GroupPost.due_at <= now)
               & GroupPost.chat_id.in_(active_chats())
               & ((GroupPost.claimed_by == "") | (GroupPost.claimed_at < now - CLAIM_TIMEOUT)))
        .order_by(GroupPost.due_at, GroupPost.id)
        .limit(limit)
    )


def claim_post(post_id: int, owner: str, now: datetime | None = None) -> GroupPost | None:
    """Take the post for sending; None when another poster has it. The returned row's
    `version` is the one about to be rendered."""
    now = now or utcnow()
    with db.atomic():
        taken = (GroupPost.update(claimed_by=owner, claimed_at=now)
                 .where((GroupPost.id == post_id)
                        & ((GroupPost.claimed_by == "") | (GroupPost.claimed_by == owner)
                           | (GroupPost.claimed_at < now - CLAIM_TIMEOUT)))
                 .execute())
        return GroupPost.get_by_id(post_id) if taken else None


def _mine(post_id: int, owner: str) -> pw.Expression:
    return (GroupPost.id == post_id) & (GroupPost.claimed_by == owner)


def post_sent(post_id: int, owner: str, version: int, message_id: int, pinned: bool | None = None) -> None:
    """Telegram shows `version` of the post in `message_id`. A change made while it was being
    sent keeps the post pending: it is edited again."""
    values = {GroupPost.sent_version: version, GroupPost.message_id: message_id, GroupPost.repost: False, GroupPost.attempts: 0,
              GroupPost.error: "", GroupPost.claimed_by: "", GroupPost.claimed_at: None}
    if pinned is not None:
        values[GroupPost.pinned] = pinned
    with db.atomic():
        GroupPost.update(values).where(_mine(post_id, owner) & (GroupPost.sent_version < version)).execute()
        GroupPost.update(claimed_by="", claimed_at=None).where(_mine(post_id, owner)).execute()


def post_retry(post_id: int, owner: str, error: str, next_at: datetime) -> None:
    """Not sent this time (a network error, 5xx, 429): due again at `next_at`."""
    (GroupPost.update(attempts=GroupPost.attempts + 1, error=error[:500], due_at=next_at, claimed_by="",
                      claimed_at=None)
     .where(_mine(post_id, owner)).execute())


def post_gone(post_id: int, owner: str, now: datetime | None = None) -> None:
    """The message was deleted in the group (an admin, or older than Telegram lets the bot
    edit): the next send is a new message."""
    (GroupPost.update(message_id=None, pinned=False, due_at=now or utcnow(), claimed_by="", claimed_at=None)
     .where(_mine(post_id, owner)).execute())


def post_refused(post_id: int, owner: str, version: int, error: str) -> None:
    """Telegram refused this version for good (a 400 other than the above): it is not tried
    again; the next change makes a new version."""
    (GroupPost.update(sent_version=version, error=error[:500], claimed_by="", claimed_at=None)
     .where(_mine(post_id, owner)).execute())


def chat_lost(chat_id: int, now: datetime | None = None) -> ChatChange:
    """Sending there was refused (403: the bot is out, and no my_chat_member said so — it was
    removed while the bot was down, or that update was lost): posting stops until it is back,
    and whoever configured the bot is told, as `chat_status` does."""
    return chat_status(chat_id, "left", now=now)


def release_post_claims(owner: str) -> list[tuple[int, str]]:
    """Every post claimed by another poster goes back to pending: (id, owner) of each. Only for
    the sole possible poster (one process on SQLite) at its start: those posters are dead. A new
    message it had in flight is sent again (the one duplicate per crash)."""
    rows = list(GroupPost.select(GroupPost.id, GroupPost.claimed_by)
                .where((GroupPost.claimed_by != "") & (GroupPost.claimed_by != owner)).tuples())
    with db.atomic():
        for post_id, holder in rows:
            (GroupPost.update(claimed_by="", claimed_at=None)
             .where((GroupPost.id == post_id) & (GroupPost.claimed_by == holder)).execute())
    return rows


def boards_to_pin() -> list[GroupPost]:
    """Boards shown but not pinned, in chats where the bot may pin (just sent, or the bot was
    given the right since), and not about to be posted anew: the poster pins them in turn with
    its other calls."""
    pinning = ClubChat.select(ClubChat.chat_id).where(ClubChat.status.in_(CHAT_ACTIVE) & ClubChat.can_pin)
    return list(GroupPost.select()
                .where((GroupPost.kind == POST_BOARD) & GroupPost.message_id.is_null(False) & ~GroupPost.pinned
                       & ~GroupPost.repost & (GroupPost.claimed_by == "") & GroupPost.chat_id.in_(pinning)))


def board_pinned(post_id: int, message_id: int) -> None:
    GroupPost.update(pinned=True).where((GroupPost.id == post_id) & (GroupPost.message_id == message_id)).execute()


def cannot_pin(chat_id: int) -> None:
    """Telegram refused to pin (the right was taken without an update reaching the bot): the
    board stays unpinned until my_chat_member gives the right again."""
    ClubChat.update(can_pin=False).where(ClubChat.chat_id == chat_id).execute()
