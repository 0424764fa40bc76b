"""Anyone can send any callback_data: forged presses through the real dispatcher change
nothing in the database and never end in an unhandled error.

A forged press is a button of the attacker's own screen (their own dialog intent, so it
gets past aiogram-dialog's intent check) whose item id or widget id has been rewritten:
another driver's trip or template, a pickup point of another trip, a hidden button
(Edit, Cancel trip, Leave), an out-of-range seat count; or a button of someone else's
screen pressed in one's own chat; or a press by someone the bot does not know.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiogram.types import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator

from bot.app import build_dispatcher
from bot.infra.storage import PeeweeStorage
from models import (
    ROLE_DRIVER, ROLE_PASSENGER, TRIP_DONE, FsmRecord, Notification, Participant, PickupPoint, SentReminder,
    TemplatePickupPoint, Trip, TripTemplate, User, queries, rides, templates, trips, users,
)
from tests.harness import DialogEnv, Player
from tests.steps import open_my_trip, taps

UTC = ZoneInfo("UTC")
SEP = "\x1d"  # aiogram-dialog: "<intent id>\x1d<widget id>[:<item id>]"
TABLES = (User, Trip, PickupPoint, Participant, TripTemplate, TemplatePickupPoint, Notification, SentReminder)


class StoredEnv(DialogEnv):
    """The dialogs on the bot's own storage (fsm_record), as in production."""

    def __init__(self, settings):
        super().__init__(settings)
        self.app = build_dispatcher(settings, storage=PeeweeStorage(), message_manager=self.mm)
        self.dp = self.app.dispatcher


def snapshot() -> dict:
    return {m.__name__: list(m.select().order_by(m._meta.primary_key).tuples()) for m in TABLES}


def make_trip(driver: int, dest: str, days: int = 2, at: time = time(18)) -> Trip:
    return trips.create_trip(driver, trips.TripDraft(
        destination=dest, departure_date=trips.local_today(UTC) + timedelta(days=days), seats=3,
        pickups=[trips.PickupDraft(f"{dest} stop", at), trips.PickupDraft(f"{dest} corner", time(at.hour, 30))]), UTC)


def point_ids(trip: Trip) -> list[int]:
    return [p.id for p in queries.pickup_points(trip.id)]


def template(driver: int, name: str) -> TripTemplate:
    return templates.save_template(driver, templates.TemplateDraft(
        name=name, destination=f"{name} hall", seats=3, pickups=[("Square", time(9))]))


@pytest.fixture
def world(database, settings, caplog):
    """Dee and Eve drive; Ann and Bob ride. Eve's things are what Dee and Ann try to touch."""
    for tid, name, role in ((1, "Dee", ROLE_DRIVER), (4, "Eve", ROLE_DRIVER), (2, "Ann", ROLE_PASSENGER),
                            (3, "Bob", ROLE_PASSENGER)):
        users.register_user(tid, name)
        users.set_role(tid, role)
    w = {
        "dee_trip": make_trip(1, "Gym"),
        "eve_trip": make_trip(4, "Arena", days=3),
        "eve_past": make_trip(4, "Old cup", days=4),
        "dee_tpl": template(1, "Tuesday"),
        "eve_tpl": template(4, "Saturday"),
    }
    rides.join_trip(2, w["dee_trip"].id, point_ids(w["dee_trip"])[0])
    rides.join_trip(3, w["eve_trip"].id, point_ids(w["eve_trip"])[0])
    rides.join_trip(3, w["eve_past"].id, point_ids(w["eve_past"])[0])
    t = datetime(2024, 3, 1, 18)
    Trip.update(status=TRIP_DONE, departs_at=t, ends_at=t).where(Trip.id == w["eve_past"].id).execute()
    env = StoredEnv(settings)
    w["env"] = env
    caplog.set_level(logging.INFO)
    return w


def own_button(message: Message, widget_prefix: str) -> str:
    """The callback data of a button of this screen (its widget id starts the data)."""
    for row in message.reply_markup.inline_keyboard:
        for b in row:
            if b.callback_data and b.callback_data.split(SEP, 1)[1].startswith(widget_prefix):
                return b.callback_data
    raise AssertionError(f"no {widget_prefix!r} button on {message.text!r}")


def intent_of(message: Message) -> str:
    return message.reply_markup.inline_keyboard[0][0].callback_data.split(SEP, 1)[0]


async def press(player: Player, message: Message, data: str):
    """Press a button carrying `data` on a copy of `message` in the player's own chat.
    Returns the answer to the press (exactly one is required)."""
    forged = message.model_copy(update={
        "chat": Chat(id=player.id, type="private"),
        "reply_markup": InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="x", callback_data=data)]]),
    })
    bot = player.env.bot
    before = len(bot.calls)
    callback_id = await player.client.click(forged, InlineButtonTextLocator("x"))
    answers = [c for c in bot.calls[before:] if getattr(c, "callback_query_id", None) == callback_id]
    if not answers:  # aiogram-dialog answers through its message manager
        player.env.mm.assert_answered(callback_id)
        return None
    assert len(answers) == 1
    return answers[0]


def rewrite(data: str, item: object) -> str:
    """Replace the item id of a Select button's callback data."""
    head, _, _ = data.rpartition(":")
    return f"{head}:{item}"


def no_errors(caplog) -> None:
    """A forged press is refused or ignored quietly: nothing is logged as an error (issue #16.12)."""
    bad = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert not bad, [r.getMessage() for r in bad]


async def test_my_trips_forged_to_another_drivers_trip(world, caplog):
    env, eve_trip = world["env"], world["eve_trip"]
    dee = env.player(1, "Dee")
    before = snapshot()
    mine = await dee.send("/mytrips")
    await press(dee, mine, rewrite(own_button(mine, "drive:"), eve_trip.id))
    card = dee.screen()
    assert "Arena" in card.text  # any member may look at a trip (as on /trips) ...
    assert not any(b in dee.buttons() for b in ("✏️ Edit", "❌ Cancel trip"))  # ... not manage it
    intent = intent_of(card)
    for widget in ("edit", "cancel_trip"):  # the hidden buttons, pressed anyway
        answer = await press(dee, card, f"{intent}{SEP}{widget}")
        assert answer.show_alert and answer.text == "Only the driver of this trip can change it."
    assert "tried to edit trip" in caplog.text and "tried to cancel trip" in caplog.text
    await press(dee, card, f"{intent}{SEP}save_tpl")  # "save as template" of Eve's trip: the name is refused
    await dee.send("Stolen")
    assert any("not yours" in t for t in env.bot.sent_texts(1))
    for item in (999_999, -1, 10**20):  # no such trip
        mine = await dee.send("/mytrips")
        answer = await press(dee, mine, rewrite(own_button(mine, "drive:"), item))
        assert answer.show_alert and answer.text == "That trip does not exist (any more)."
    mine = await dee.send("/mytrips")  # not an id at all: a stale-screen answer, no alert
    answer = await press(dee, mine, rewrite(own_button(mine, "drive:"), "abc"))
    assert not answer.show_alert and answer.text == "That button is out of date."
    assert snapshot() == before


async def test_templates_forged_to_another_drivers_template(world, caplog):
    env, eve_tpl = world["env"], world["eve_tpl"]
    dee = env.player(1, "Dee")
    before = snapshot()
    listing = await dee.send("/templates")
    answer = await press(dee, listing, rewrite(own_button(listing, "tpl:"), eve_tpl.id))
    assert answer.show_alert and "not yours" in answer.text
    assert "Your templates" in dee.screen().text  # still the list: no card of Eve's template
    wizard = await dee.send("/newtrip")  # the wizard's template step and its recent destinations
    answer = await press(dee, wizard, rewrite(own_button(wizard, "tpl:"), eve_tpl.id))
    assert answer.show_alert and "not yours" in answer.text
    step = await dee.click("✏️ From scratch")
    answer = await press(dee, step, rewrite(own_button(step, "recent:"), world["eve_trip"].id))
    assert answer.text and "type it instead" in answer.text
    assert snapshot() == before
    # after the refused press, the card's Delete still acts on the template the card shows
    await dee.click("📋 Tuesday", await press_refused_then_list(dee, eve_tpl))
    await dee.click("🗑 Delete")
    await dee.click("🗑 Yes, delete")
    assert [t.name for t in TripTemplate.select()] == ["Saturday"]


async def press_refused_then_list(dee: Player, eve_tpl: TripTemplate) -> Message:
    listing = await dee.send("/templates")
    answer = await press(dee, listing, rewrite(own_button(listing, "tpl:"), eve_tpl.id))
    assert answer.show_alert
    return dee.screen()


async def test_own_edit_dialog_forged_seats(world, caplog):
    env = world["env"]
    dee = env.player(1, "Dee")
    await open_my_trip(dee)
    seats = await taps(dee, "✏️ Edit", "💺 Seats")
    before = snapshot()
    for value in (0, 99, -3, "x"):
        answer = await press(dee, seats, rewrite(own_button(seats, "seats:"), value))
        assert answer.show_alert and "from 1 to 8" in answer.text
    await dee.send("/mytrips")
    assert snapshot() == before


async def test_passenger_forged_pickup_points_and_hidden_buttons(world, caplog):
    env, dee_trip, eve_trip = world["env"], world["dee_trip"], world["eve_trip"]
    ann = env.player(2, "Ann")
    before = snapshot()
    card = await open_my_trip(ann)
    change = await ann.click("📍 Change pickup", card)
    answer = await press(ann, change, rewrite(own_button(change, "npt:"), point_ids(eve_trip)[0]))
    assert answer.show_alert and "no longer part of this trip" in answer.text
    # Eve's trip through /trips: join, then a pickup point of Dee's trip instead of Eve's
    await ann.send("/trips")
    await ann.click(".*Arena.*")
    pick = await ann.click("🙋 Join")
    await press(ann, pick, rewrite(own_button(pick, "pt:"), point_ids(dee_trip)[1]))
    answer = await press(ann, ann.screen(), own_button(ann.screen(), "join_ok"))
    assert answer.show_alert and "no longer part of this trip" in answer.text
    # the hidden Edit / Cancel of a trip she rides in
    card = ann.screen()
    for widget in ("edit", "cancel_trip"):
        answer = await press(ann, card, f"{intent_of(card)}{SEP}{widget}")
        assert answer.show_alert and "Only the driver" in answer.text
    # a passenger's "New trip" asks first (roles are no wall, issue #18); a forged template of Eve's
    menu = await ann.send("/start")
    await press(ann, menu, f"{intent_of(menu)}{SEP}newtrip")
    assert "switch to driver?" in ann.screen().text
    menu = await ann.send("/start")
    await press(ann, menu, f"{intent_of(menu)}{SEP}tpls")
    answer = await press(ann, ann.screen(), f"{intent_of(ann.screen())}{SEP}tpl:{world['eve_tpl'].id}")
    assert answer.show_alert and "not yours" in answer.text
    assert snapshot() == before


async def test_leaving_a_finished_trip_is_refused(world, caplog):
    """History is not rewritten: the Leave of a finished trip's card is hidden, and pressed
    anyway it is refused (it used to delete the seat)."""
    env, past = world["env"], world["eve_past"]
    bob = env.player(3, "Bob")
    before = snapshot()
    await bob.send("/history")
    card = await bob.click(".*Old cup.*")
    assert "🚶 Leave" not in bob.buttons()
    await press(bob, card, f"{intent_of(card)}{SEP}leave")  # the hidden SwitchTo to "Leave this trip?"
    answer = await press(bob, bob.screen(), own_button(bob.screen(), "leave_ok"))
    assert answer.show_alert and answer.text == "This trip is over."
    assert snapshot() == before
    assert Participant.select().where(Participant.trip == past.id).count() == 1


async def test_someone_elses_screen_and_strangers(world, caplog):
    env = world["env"]
    dee, ann = env.player(1, "Dee"), env.player(2, "Ann")
    mine = await dee.send("/mytrips")
    await dee.click(".*Gym.*")
    card = dee.screen()
    before = snapshot()
    answer = await press(ann, card, own_button(card, "edit"))  # Dee's screen, pressed in Ann's chat
    assert "out of date" in answer.text and "you are a 🙋 passenger" in ann.screen().text
    answer = await press(ann, mine, rewrite(own_button(mine, "drive:"), world["eve_trip"].id))
    assert "out of date" in answer.text
    zed = env.player(77, "Zed")  # never sent /start
    await press(zed, card, own_button(card, "cancel_trip"))
    assert env.bot.sent_texts(77) == ["Send /start to begin."]
    assert snapshot() == before
    assert not [r.key for r in FsmRecord.select() if ":77:" in r.key]  # nothing stored about Zed
    assert Trip.get_by_id(world["dee_trip"].id).status == "open"


@pytest.fixture(autouse=True)
def _no_unhandled_errors(caplog):
    yield
    no_errors(caplog)
