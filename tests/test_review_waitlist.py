"""Review of issue #22's waiting list: the club chat's post follows the seats held for the line,
the "offer ran out" notice says where the seat went, and a former club member can get out of
a line."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiogram.types import Chat
from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator

from dialogs.i18n import tr_for
from models import Notification, User, club, queries, rides, utcnow, waitlist
from models.tables import POST_TRIP, WAIT_EXPIRED, WAIT_LEFT, WAIT_OFFERED, WAIT_WAITING, GroupPost
from tests.harness import button_texts
from tests.notices import buttons, render_row
from tests.test_access import FORMER_MEMBER, club_env  # noqa: F401 (a fixture)
from tests.test_reminder_answers import Presser
from tests.test_waitlist import ANN, BOB, CAT, DRIVER, EVE, entries, first_point, full_trip, offer_message

CHAT = -100123


def _posted(trip_id: int) -> GroupPost:
    """Every post of the club chat sent as it is now; the trip's post returned."""
    GroupPost.update(sent_version=GroupPost.version, message_id=1).execute()
    return GroupPost.get((GroupPost.kind == POST_TRIP) & (GroupPost.trip == trip_id))


def _stale() -> set[str]:
    """The kinds of post the club chat shows out of date."""
    return {p.kind for p in GroupPost.select() if p.version > p.sent_version}


@pytest.fixture
def held(database):
    """Dee's one-seat trip is posted in the club chat; Ann leaves it while Bob waits: the seat is
    held for Bob, the post says FULL."""
    club.chat_status(CHAT, "member", now=utcnow())
    trip = full_trip()
    waitlist.wait_for_seat(BOB, trip.id, first_point(trip))
    rides.leave_trip(ANN, trip.id)
    assert entries(trip) == [(BOB, WAIT_OFFERED)] and queries.trip_card(trip.id, None).seats_left == 0
    _posted(trip.id)
    return trip


def test_an_offer_that_runs_out_with_nobody_waiting_frees_the_seat_in_the_club_post(held):
    expires = waitlist.WaitEntry.get().offer_expires_at
    assert waitlist.expire_offers(expires + timedelta(seconds=1)) == 1
    assert queries.trip_card(held.id, None).seats_left == 1
    assert _stale() == {"board", POST_TRIP}, "the group post still says FULL"


@pytest.mark.parametrize("step", ["pass", "leave"])
def test_passing_or_leaving_with_nobody_waiting_frees_the_seat_in_the_club_post(held, step):
    (waitlist.pass_offer if step == "pass" else waitlist.leave_line)(BOB, held.id)
    assert entries(held) == [(BOB, WAIT_LEFT)] and queries.trip_card(held.id, None).seats_left == 1
    assert _stale() == {"board", POST_TRIP}


def test_a_seat_passed_on_to_the_next_in_line_leaves_the_post_as_it_was(held):
    waitlist.wait_for_seat(CAT, held.id, first_point(held))
    _posted(held.id)
    waitlist.pass_offer(BOB, held.id)  # held for Cat now: still FULL for anyone else
    assert entries(held) == [(BOB, WAIT_LEFT), (CAT, WAIT_OFFERED)]
    assert _stale() == set()


def _expired_notice(chat_id: int):
    return render_row(Notification.get((Notification.chat_id == chat_id) & (Notification.kind == "offer_expired")))


def test_the_offer_ran_out_notice_says_the_seat_is_free_again_when_nobody_waits(held):
    expires = waitlist.WaitEntry.get().offer_expires_at
    waitlist.expire_offers(expires + timedelta(seconds=1))
    shown = _expired_notice(BOB)
    assert "next in line" not in shown.text and "free again" in shown.text, shown.text
    assert buttons(shown) == ["🚗 Open trip"]


def test_the_offer_ran_out_notice_says_it_went_to_the_next_in_line(held):
    waitlist.wait_for_seat(CAT, held.id, first_point(held))
    expires = waitlist.WaitEntry.get(waitlist.WaitEntry.status == WAIT_OFFERED).offer_expires_at
    waitlist.expire_offers(expires + timedelta(seconds=1))
    assert entries(held) == [(BOB, WAIT_EXPIRED), (CAT, WAIT_OFFERED)]
    shown = _expired_notice(BOB)
    assert "went to the next in line" in shown.text and buttons(shown) == ["🚗 Open trip"]


@pytest.mark.parametrize("language", ["ru", "de"])
def test_the_free_again_wording_in_every_language(held, language):
    User.update(language=language).where(User.telegram_id == BOB).execute()
    expires = waitlist.WaitEntry.get().offer_expires_at
    waitlist.expire_offers(expires + timedelta(seconds=1))
    tr = tr_for(language)
    args = dict(destination="Riverside Arena", date=tr.date(held.departure_date))
    shown = _expired_notice(BOB)
    assert shown.text == tr("notice-offer-expired-free", **args) != tr("notice-offer-expired", **args)
    assert buttons(shown) == [tr("notice-open-trip")]


# --- a former club member gets out of a line (the members gate's way out) ----------------------


@pytest.fixture
def line_of_leavers(club_env):
    """Ann has the one seat of Dee's trip; Bob, Cat and Eve wait. Ann leaves it: the seat is held
    for Bob. Then Bob and Cat leave the club group."""
    env = club_env
    trip = full_trip()
    for tid in (DRIVER, ANN, BOB, CAT, EVE):
        env.bot.status[tid] = "member"
    for tid in (BOB, CAT, EVE):
        waitlist.wait_for_seat(tid, trip.id, first_point(trip))
    rides.leave_trip(ANN, trip.id)
    env.bot.status[BOB] = env.bot.status[CAT] = "left"
    env.trip = trip
    return env


async def test_a_former_member_passes_on_an_offer_but_cannot_take_it(line_of_leavers):
    env, trip = line_of_leavers, line_of_leavers.trip
    bob = Presser(env, BOB)
    answer, _, _ = await bob.press(offer_message(BOB), "✅ Take the seat")
    assert answer.text == FORMER_MEMBER and entries(trip)[0] == (BOB, WAIT_OFFERED)
    answer, shown, _ = await bob.press(offer_message(BOB), "🙅 Pass")
    assert answer.text == "OK: the seat goes to the next in line."
    assert entries(trip)[:2] == [(BOB, WAIT_LEFT), (CAT, WAIT_OFFERED)]


def _open_trip_notice(chat_id: int, of: int):
    """A notice of the trip with its 🚗 Open trip (the offer `of` got), in this player's chat."""
    return offer_message(of).model_copy(update={"chat": Chat(id=chat_id, type="private")})


async def test_a_former_member_leaves_the_line_or_passes_from_the_card(line_of_leavers):
    env, trip = line_of_leavers, line_of_leavers.trip
    env.bot.status[EVE] = "left"  # Eve, 3rd in line, left the group too
    eve = env.player(EVE)
    await eve.client.click(_open_trip_notice(EVE, of=BOB), InlineButtonTextLocator("🚗 Open trip"))
    assert "🚶 Leave the line" in button_texts(eve.screen())
    await eve.click("🚶 Leave the line")
    assert entries(trip) == [(BOB, WAIT_OFFERED), (CAT, WAIT_WAITING), (EVE, WAIT_LEFT)]

    waitlist.pass_offer(BOB, trip.id)  # the seat is held for Cat, who left the group
    cat = env.player(CAT)
    await cat.client.click(_open_trip_notice(CAT, of=CAT), InlineButtonTextLocator("🚗 Open trip"))
    assert button_texts(cat.screen()) == ["✅ Take the seat", "🙅 Pass", "⬅️ Back"]
    await cat.client.click(cat.screen(), InlineButtonTextLocator("✅ Take the seat"))  # refused
    assert any(getattr(c, "text", None) == FORMER_MEMBER for c in env.bot.calls)
    assert entries(trip)[1] == (CAT, WAIT_OFFERED)
    await cat.click("🙅 Pass")
    assert entries(trip) == [(BOB, WAIT_LEFT), (CAT, WAIT_LEFT), (EVE, WAIT_LEFT)]
    assert queries.trip_card(trip.id, None).seats_left == 1


async def test_a_former_member_opens_no_card_of_a_trip_they_are_not_in(line_of_leavers):
    env, trip = line_of_leavers, line_of_leavers.trip
    bob = env.player(BOB)
    waitlist.pass_offer(BOB, trip.id)  # out of the line: the notice's Open trip leads nowhere now
    await bob.client.click(_open_trip_notice(BOB, of=CAT), InlineButtonTextLocator("🚗 Open trip"))
    assert bob.last_screen() is None and env.bot.sent_texts(BOB) == []
