"""The club chat's posts as a group outbox (issue #20, models/club.py): one row per message,
versions instead of rows per change, claims, the board's cool-down."""

from datetime import timedelta

import pytest

from models import Conflict, club, utcnow
from models.tables import POST_BOARD, POST_TRIP, GroupPost
from tests.test_rides import make_trip, player

CHAT = -100123


@pytest.fixture
def dee(database):
    return player(1, "Dee Driver", "driver")


def _pending(now):
    return {(p.kind, p.trip_id) for p in club.due_posts(now + timedelta(seconds=10))}


def test_nothing_is_posted_where_the_bot_is_not(dee):
    trip = make_trip()
    club.announce(trip)
    club.touch(trip)
    assert GroupPost.select().count() == 0


def test_joining_the_group_makes_the_board_and_a_trip_its_post(dee):
    now = utcnow()
    change = club.chat_status(CHAT, "administrator", can_pin=True, by=77, now=now)
    assert (change.was_active, change.active, change.can_pin, change.configured_by) == (False, True, True, 77)
    trip = make_trip()
    club.announce(trip, now=now)
    assert _pending(now) == {(POST_BOARD, None), (POST_TRIP, trip.id)}
    assert club.due_posts(now) == [], "changes wait for the debounce"


def test_fifty_changes_make_one_pending_version_per_post(dee):
    now = utcnow()
    club.chat_status(CHAT, "member", now=now)
    trip = make_trip()
    club.announce(trip, now=now)
    for i in range(50):
        club.touch(trip, now=now + timedelta(seconds=i))
    posts = {p.kind: p for p in GroupPost.select()}
    assert len(posts) == 2 and GroupPost.select().count() == 2
    assert posts[POST_TRIP].due_at <= now + club.DEBOUNCE, "a stream of changes does not hold a post back"


def test_claim_send_and_a_change_during_the_send(dee):
    now = utcnow()
    club.chat_status(CHAT, "member", now=now)
    trip = make_trip()
    club.announce(trip, now=now)
    later = now + timedelta(seconds=5)
    post = next(p for p in club.due_posts(later) if p.kind == POST_TRIP)
    mine = club.claim_post(post.id, "a", later)
    assert mine is not None and club.claim_post(post.id, "b", later) is None, "two posters never share a post"
    club.touch(trip, now=later)  # while it is being sent
    club.post_sent(post.id, "a", mine.version, message_id=500)
    again = GroupPost.get_by_id(post.id)
    assert again.message_id == 500 and again.version > again.sent_version, "the newer change is edited in"
    assert club.claim_post(post.id, "b", later + timedelta(seconds=10)) is not None


def test_a_dead_posters_claim_is_taken_over(dee):
    now = utcnow()
    club.chat_status(CHAT, "member", now=now)
    post = GroupPost.get()
    assert club.claim_post(post.id, "dead", now) is not None
    assert club.claim_post(post.id, "new", now + timedelta(seconds=30)) is None
    assert club.claim_post(post.id, "new", now + club.CLAIM_TIMEOUT + timedelta(seconds=1)) is not None


def test_a_deleted_post_is_sent_anew_and_a_lost_chat_stops_everything(dee):
    now = utcnow()
    club.chat_status(CHAT, "member", now=now)
    post = GroupPost.get()
    club.claim_post(post.id, "a", now)
    club.post_sent(post.id, "a", 1, message_id=10)
    club.touch_boards(now)
    club.claim_post(post.id, "a", now + timedelta(seconds=5))
    club.post_gone(post.id, "a", now + timedelta(seconds=5))
    assert GroupPost.get_by_id(post.id).message_id is None
    assert club.due_posts(now + timedelta(seconds=5))
    club.chat_lost(CHAT)
    assert club.due_posts(now + timedelta(seconds=60)) == [] and club.active_chats() == []
    change = club.chat_status(CHAT, "kicked", now=now)
    assert not change.active


def test_board_repost_has_a_cool_down(dee):
    now = utcnow()
    club.chat_status(CHAT, "member", now=now)
    club.request_board(CHAT, now)
    assert GroupPost.get(GroupPost.kind == POST_BOARD).repost
    with pytest.raises(Conflict) as refused:
        club.request_board(CHAT, now + timedelta(minutes=2))
    assert refused.value.key == "error-board-cooldown" and refused.value.params == {"minutes": 3}
    club.request_board(CHAT, now + club.BOARD_COOLDOWN)
    with pytest.raises(Conflict):
        club.request_board(-999, now)


def test_whoever_configured_the_bot_is_told_when_it_loses_the_chat(dee):
    from models import Notification

    club.chat_status(CHAT, "administrator", can_pin=True, by=1)  # Dee added it
    club.chat_status(CHAT, "member")  # demoted: still posting, nobody told
    assert Notification.select().count() == 0
    club.chat_status(CHAT, "left")
    (told,) = Notification.select()
    assert (told.kind, told.recipient_id, told.chat_id) == ("club_chat_lost", dee.id, 1)
    club.chat_status(CHAT, "left")  # no news: no second message
    assert Notification.select().count() == 1


async def test_the_club_chats_own_updates_pass_the_members_gate():
    """my_chat_member in the club chat (the bot kicked by an admin it cannot look up any more)
    and group messages there reach the handlers without a getChatMember call (issue #20)."""
    from aiogram.types import Update

    from bot.middlewares.access import ClubMembersOnly

    gate = ClubMembersOnly(CHAT)
    seen = []

    async def handler(event, data):
        seen.append(event.update_id)

    kicked = Update.model_validate({"update_id": 1, "my_chat_member": {
        "chat": {"id": CHAT, "type": "supergroup", "title": "Club"}, "from": {"id": 9, "is_bot": False, "first_name": "Ada"},
        "date": 0, "old_chat_member": {"status": "member", "user": {"id": 5, "is_bot": True, "first_name": "B"}},
        "new_chat_member": {"status": "kicked", "user": {"id": 5, "is_bot": True, "first_name": "B"}, "until_date": 0}}})
    board = Update.model_validate({"update_id": 2, "message": {
        "message_id": 3, "date": 0, "chat": {"id": CHAT, "type": "supergroup", "title": "Club"},
        "from": {"id": 9, "is_bot": False, "first_name": "Ada"}, "text": "/board"}})
    for update in (kicked, board):
        await gate(handler, update, {"event_from_user": update.event.from_user, "bot": None})
    assert seen == [1, 2]
