"""Every text input of every dialog, fed random text (hypothesis), through the real dispatcher.

For each `TextInput` (`test_every_text_input_is_fuzzed` scans the dialogs, so a new one
cannot be forgotten) a driver reaches its window and sends a generated text: full-range
Unicode, strings up to 10,000 characters, HTML/Markdown fragments, C0/C1 control
characters, bidi and zero-width characters, emoji, and numbers out of range. Properties:

1. nothing escapes a handler: the error router's "Sorry…" never appears and nothing is
   logged at ERROR (an exception the error router does not take fails the test itself);
2. the bot refuses exactly what the validator refuses; a refusal is one message starting
   with "⚠️" and the same window stays on screen; an accepted value is stored exactly as
   the validator cleaned it (the flow is driven on until it writes);
3. no row of the database breaks a constraint (lengths, seat range, no control characters,
   no bidi overrides, no leading/trailing blanks);
4. every text the bot sent (RecordingBot), rendered (MockMessageManager) or queued (the
   outbox) is valid Telegram HTML within 4096 characters — checked by the fake Bot API's
   own parser — every inline keyboard passes its checks (callback_data ≤ 64 bytes) and
   every callback answer is ≤ 200 characters.

Each step keeps one dispatcher and event loop; every example gets a fresh copy of a
seeded database and starts from /start.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import re
import shutil
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram_dialog.widgets.input import CombinedInput, TextInput
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from bot.app import SORRY as SORRY_KEY
from dialogs.i18n import tr_for
from dialogs.notifications import Obsolete
from bot.config import Settings
from bot.infra.db import init_database
from dialogs import build_dialogs
from dialogs.states import (
    CarSG, EditTripSG, EventEditSG, EventsSG, MyTripsSG, NewTripSG, PickupSG, SaveTemplateSG, TemplatesSG, TripSG,
)
from models import (
    ROLE_DRIVER, ROLE_PASSENGER, Notification, Participant, PickupPoint, TemplatePickupPoint, Trip, TripTemplate,
    User, ValidationError, db, events, manage, queries, requests, rides, rules, templates, trips, users,
)
from models.tables import Event, RideAlert, RideRequest
from bot.devtools.fakeapi import spec as api
from tests.notices import render_row
from tests.steps import open_my_trip

SORRY = tr_for("en")(SORRY_KEY)
DRIVER, ANN, BOB, EVE = 1, 2, 3, 4
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))  # more for a deeper local run
UTC = ZoneInfo("UTC")
BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# --------------------------------------------------------------------------- the texts

FRAGMENTS = [
    "<b>", "</b>", "</i>", "<i>", "&amp;", "&", "&lt;", "&#0;", "&#x110000;", "&bogus;", "<", ">", "<>", "</>",
    "<script>alert(1)</script>", "<a href=\"javascript:x\">", "</a>", "<tg-spoiler>", "<span>", "<!--",
    "*_`[]()", "**bold**", "__", "~~", "||", "```", "[x](http://t.me)", "\\", "{destination}", "{0}", "%s",
    "\x00", "\x07", "\x1b[31m", "\r\n", "\n", "\t", "\x0b", "\x7f", "\x85", "\x9b", "\u2028", "\u2029",
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069", "\ufeff",
    "\u0301", "\u05d0\u05d1", "\u0627\u0644", "👨\u200d👩\u200d👧", "🏐", "🚗", "🇩🇪", "ﷺ", "𝕏", " ", "  ",
    # invisible, or blank with a width (issue #16): no text, however many
    "\u2060", "\u00ad", "\u3164", "\u2800", "\u115f", "\uffa0", "\u180e", "\ufe0f", "\U000e0041", "\n\n\n\n",
]
NUMBERS = [
    "0", "9", "-1", "1e9", "25:61", "99.99", "1", "2", "8", "3.0", "+3", " 3 ", "0x3", "1_0", "٣", "３",
    "24:00", "23:59", "00:00", "9.05", "18h30", "18 : 30", "99:99", "-0", "2147483648", "9" * 5000,
    "١٨:٣٠", "18:3", "1:300", "NaN", "inf",
]
_controls = st.one_of(st.characters(max_codepoint=0x1F), st.just("\x7f"),
                      st.characters(min_codepoint=0x80, max_codepoint=0x9F))
_piece = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8), _controls, st.sampled_from(NUMBERS[:20]))
TEXTS = st.one_of(
    st.text(min_size=1, max_size=300),  # the whole of Unicode but surrogates
    st.lists(_piece, min_size=1, max_size=30).map("".join),
    st.builds(lambda unit, n: (unit * n)[:10_000],  # long: up to 10,000 characters, cheap to generate
              st.one_of(st.sampled_from(FRAGMENTS), st.text(min_size=1, max_size=6)), st.integers(1, 10_000)),
    st.sampled_from(NUMBERS),
    st.integers().map(str),
    st.floats().map(str),
).filter(lambda t: t and not t.startswith("/"))  # "/…" is a command, not the input's business


# --------------------------------------------------------------------------- checks


def _visible_bad(value: str, *, multiline: bool = False) -> list[str]:
    """Control characters (C0, DEL, C1; a newline only where allowed) and bidi overrides."""
    bad = []
    for ch in value:
        if ch == "\n" and multiline:
            continue
        if unicodedata.category(ch) == "Cc" or ch in BIDI_CONTROLS:
            bad.append(repr(ch))
    return bad


def _field(value: str, what: str, lo: int, hi: int, multiline: bool = False) -> None:
    assert lo <= len(value) <= hi, f"{what}: length {len(value)} not in {lo}..{hi}: {value[:80]!r}"
    assert not _visible_bad(value, multiline=multiline), f"{what} stores {_visible_bad(value, multiline=multiline)}"
    assert value == value.strip(), f"{what} has leading/trailing blanks: {value[:80]!r}"


def assert_database_clean() -> None:
    for t in Trip.select():
        assert trips.SEATS_MIN <= t.seats <= trips.SEATS_MAX, f"trip {t.id} has {t.seats} seats"
        _field(t.destination, "trip destination", trips.DESTINATION_MIN, trips.DESTINATION_MAX)
        _field(t.comment, "trip comment", 0, trips.COMMENT_MAX, multiline=True)
        _field(t.cancel_reason or "", "cancel reason", 0, manage.REASON_MAX)
    for p in PickupPoint.select():
        _field(p.address, "pickup address", trips.ADDRESS_MIN, trips.ADDRESS_MAX)
    for tpl in TripTemplate.select():
        _field(tpl.name, "template name", 1, templates.NAME_MAX)
        _field(tpl.destination, "template destination", trips.DESTINATION_MIN, trips.DESTINATION_MAX)
        _field(tpl.comment, "template comment", 0, trips.COMMENT_MAX, multiline=True)
        assert trips.SEATS_MIN <= tpl.seats <= trips.SEATS_MAX
    for p in TemplatePickupPoint.select():
        _field(p.address, "template pickup address", trips.ADDRESS_MIN, trips.ADDRESS_MAX)
    for u in User.select():
        _field(u.car or "", "car", 0, users.CAR_MAX)
    for e in Event.select():
        _field(e.title, "event title", events.TITLE_MIN, events.TITLE_MAX)
        _field(e.venue, "event venue", events.VENUE_MIN, events.VENUE_MAX)
        _field(e.cancel_reason, "event cancel reason", 0, manage.REASON_MAX)
    for r in RideRequest.select():
        _field(r.area, "request area", 0, requests.AREA_MAX)
        _field(r.destination, "request destination", 0 if r.event_id else trips.DESTINATION_MIN, trips.DESTINATION_MAX)
    for a in RideAlert.select():
        _field(a.destination, "alert destination", 0 if a.event_id else trips.DESTINATION_MIN, trips.DESTINATION_MAX)
    for n in Notification.select().where(Notification.kind.in_(("driver_word", "removed"))):
        params = json.loads(n.params)
        _field(params.get("word", ""), "driver's word", 0, manage.WORD_MAX, multiline=True)
        _field(params.get("remove_reason", ""), "removal reason", 0, manage.REASON_MAX)


def assert_sendable_html(text: str | None, where: str) -> None:
    """What Telegram would do with this text in HTML parse mode (the fake Bot API's checker)."""
    try:
        api.render_text(text, "HTML")
    except api.ApiError as exc:
        raise AssertionError(f"{where}: Telegram would refuse it ({exc.description}): {str(text)[:300]!r}") from None


def assert_keyboard_ok(markup, where: str) -> None:
    if markup is None:
        return
    data = markup if isinstance(markup, dict) else markup.model_dump(mode="json", exclude_none=True)
    try:
        api.check_reply_markup(data, inline_only=True)
    except api.ApiError as exc:
        raise AssertionError(f"{where}: keyboard refused ({exc.description}): {data}") from None


def assert_everything_sendable(env) -> None:
    for call in env.bot.calls:
        if isinstance(call, (SendMessage, EditMessageText)):
            assert_sendable_html(call.text, type(call).__name__)
            assert_keyboard_ok(call.reply_markup, type(call).__name__)
        elif isinstance(call, AnswerCallbackQuery):
            assert len(call.text or "") <= api.MAX_CALLBACK_ANSWER, f"callback answer too long: {call.text!r}"
    for msg in env.mm.sent_messages:
        if msg.text is not None:
            assert_sendable_html(msg.text, "window")
        assert_keyboard_ok(msg.reply_markup, "window")
    for n in Notification.select():  # as the notifier renders them when it sends them
        try:
            message = render_row(n)
        except Obsolete:  # the notifier drops it unsent (Eve's asks for a ride to a cancelled event)
            continue
        assert_sendable_html(message.text, f"notification {n.kind}")
        assert_keyboard_ok(message.reply_markup, f"notification {n.kind}")


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


# --------------------------------------------------------------------------- the steps


def cleaned(validator: Callable[[str], object], text: str):
    """The validator's value, or None when it refuses."""
    try:
        return validator(text)
    except ValueError:  # ValidationError is one too
        return None


def _edit_seats(text: str) -> int:
    seats = trips.validate_seats(text)
    if seats < 2:  # Ann and Bob are booked
        raise ValidationError("below the booked seats")
    return seats


def _trip() -> Trip:
    return Trip.select().order_by(Trip.id.desc()).get()


def _station() -> PickupPoint:
    """The seeded trip's Station point (the first one created), wherever its time puts it now."""
    return PickupPoint.select().where(PickupPoint.trip == 1).order_by(PickupPoint.id).first()


@dataclass(frozen=True)
class Say:
    """A move that sends text (a plain string in a way is a button to press)."""

    text: str


TOMORROW = object()  # a move that picks tomorrow in the calendar


def way(*moves) -> Callable[..., Awaitable[None]]:
    """A way through the dialogs, move by move: a button to press (its label, or a pattern),
    `Say(text)` to send, TOMORROW to pick in the calendar, or another way to walk first."""

    async def walk(p, *_) -> None:  # a Step's `finish` is also given the accepted value
        for move in moves:
            if isinstance(move, Say):
                await p.send(move.text)
            elif move is TOMORROW:
                await p.pick_date(p.env.tomorrow)
            elif callable(move):
                await move(p)
            else:
                await p.click(move)

    return walk


# The wizard with ordinary values, step by step; a step's first move is the one a fuzzed input
# takes the place of (the typed seats for the "3" button, the typed time for "18:00").
WIZARD = {"dest": (Say("Gym"),), "date": (TOMORROW,), "seats": ("3",), "addr": (Say("Station"),),
          "time": (Say("18:00"), "✅ Done"), "comment": ("⏭ Skip",)}


def _moves(steps) -> list:
    return [move for step in steps for move in WIZARD[step]]


def _to(step: str) -> Callable[..., Awaitable[None]]:
    """/newtrip from scratch, up to the wizard's `step`."""
    steps = list(WIZARD)
    return way(Say("/newtrip"), "✏️ From scratch", *_moves(steps[:steps.index(step)]))


def _wizard_rest(after: str) -> Callable[..., Awaitable[None]]:
    """After a value typed at `after`: the rest of the wizard with ordinary values, then Confirm."""
    steps = list(WIZARD)
    return way(*WIZARD[after][1:], *_moves(steps[steps.index(after) + 1:]), "✅ Confirm")


def _edit(button: str) -> Callable[..., Awaitable[None]]:
    return way(open_my_trip, "✏️ Edit", button)


_edit_point = way(_edit("📍 Pickups"), "✏️ Change one", "✏️ 18:00 Station")
_edit_point_time = way(_edit_point, "➡️ Keep this address")
_save_tpl = way(open_my_trip, "💾 Save as template")
_clash = way(_save_tpl, Say("Away"))
_rename = way(Say("/templates"), "📋 Away", "✏️ Rename")
_cancel = way(open_my_trip, "❌ Cancel trip")


async def _confirm_edit(p, *_) -> None:
    if p.has_button("✅ Confirm"):
        await p.click("✅ Confirm")


@dataclass
class Step:
    state: object  # the window's state
    widget: str  # the TextInput's id
    reach: Callable[..., Awaitable[None]]
    validator: Callable[[str], object]
    finish: Callable[..., Awaitable[None]]  # (player, value): after an accepted value, drive on until it is written
    stored: Callable[[object], None]  # asserts the accepted value is in the database
    said: tuple[str, ...] = ()  # messages (not refusals) the bot may send on success
    setup: Callable[[], None] | None = None  # more of the world than `seed` (once, on the step's own copy)


async def _nothing(p, *_) -> None:
    return None


def _eq(get: Callable[[], object]) -> Callable[[object], None]:
    def check(value) -> None:
        assert get() == value, f"stored {get()!r}, expected {value!r}"
    return check


def _template_saved(name: str) -> None:
    if name == "Away":  # the clash window: nothing written, the old template untouched
        assert TripTemplate.select().count() == 1
    else:
        assert TripTemplate.get(TripTemplate.name == name).destination == "Gym"


STEPS: dict[str, Step] = {
    "wizard destination": Step(
        NewTripSG.destination, "dest", _to("dest"), trips.validate_destination,
        _wizard_rest("dest"), _eq(lambda: _trip().destination)),
    "wizard seats typed": Step(
        NewTripSG.seats, "seats_t", _to("seats"), trips.validate_seats,
        _wizard_rest("seats"), _eq(lambda: _trip().seats)),
    "pickup address": Step(
        PickupSG.address, "addr", _to("addr"), trips.validate_address,
        _wizard_rest("addr"), _eq(lambda: queries.pickup_points(_trip().id)[0].address)),
    "pickup time": Step(
        PickupSG.time, "time", _to("time"), trips.parse_time,
        _wizard_rest("time"), _eq(lambda: queries.pickup_points(_trip().id)[0].time)),
    "wizard comment": Step(
        NewTripSG.comment, "comment", _to("comment"), trips.validate_comment,
        _wizard_rest("comment"), _eq(lambda: _trip().comment)),
    "car description": Step(
        CarSG.edit, "car", lambda p: p.click("🚙 My car"), users.clean_car,
        _nothing, _eq(lambda: users.get_user(DRIVER).car), said=("🚙 Saved.",)),
    "template name": Step(
        SaveTemplateSG.name, "name", _save_tpl, templates.validate_name,
        _nothing, _template_saved, said=("💾 Saved as template",)),
    "template name after a clash": Step(  # the same window, asking about the clash
        SaveTemplateSG.name, "name", _clash, templates.validate_name,
        _nothing, _template_saved, said=("💾 Saved as template",)),
    "template rename": Step(
        TemplatesSG.rename, "rename", _rename, templates.validate_name,
        _nothing, _eq(lambda: TripTemplate.get().name)),
    "trip edit destination": Step(
        EditTripSG.destination, "dest", _edit("🏁 Destination"), trips.validate_destination,
        _confirm_edit, _eq(lambda: Trip.get_by_id(1).destination)),
    "trip edit seats": Step(
        EditTripSG.seats, "seats_t", _edit("💺 Seats"), _edit_seats,
        _confirm_edit, _eq(lambda: Trip.get_by_id(1).seats)),
    "trip edit comment": Step(
        EditTripSG.comment, "comment", _edit("💬 Comment"), trips.validate_comment,
        _confirm_edit, _eq(lambda: Trip.get_by_id(1).comment)),
    "trip edit pickup address": Step(
        PickupSG.address, "addr", _edit_point, trips.validate_address,
        lambda p, _: _finish_point(p, keep_time=True), _eq(lambda: _station().address)),
    "trip edit pickup time": Step(
        PickupSG.time, "time", _edit_point_time, trips.parse_time,
        lambda p, _: _finish_point(p, keep_time=False), _eq(lambda: _station().time)),
    "cancel reason": Step(
        EditTripSG.cancel, "reason", _cancel, manage.validate_reason,
        lambda p, _: p.click("❌ Yes, cancel the trip"), _eq(lambda: Trip.get_by_id(1).cancel_reason)),
}


async def _finish_point(p, *, keep_time: bool) -> None:
    if keep_time:
        await p.click("➡️ Keep 18:00")
    await p.click("✅ Done")
    await _confirm_edit(p)


# --- the club's events (issue #21): Dee is a club admin (Runner), the event is Cup final in 3 days


def _club_events() -> None:
    """Cup final at Riverside Arena in three days; Eve drives there (the askers' areas are listed
    in her notice) and Ann asks for a ride (an edit or a cancellation tells them both); Dee asks
    for a ride to Airport in two days (his "My trips")."""
    today = trips.local_today(UTC)
    event = events.create_event(DRIVER, events.EventDraft("game", "Cup final", "Riverside Arena",
                                                          today + timedelta(days=3), time(18, 30)), UTC,
                                frozenset({DRIVER}))
    users.register_user(EVE, "Eve")
    users.set_role(EVE, ROLE_DRIVER)
    trips.create_trip(EVE, trips.TripDraft(destination="Cup final · Riverside Arena", departure_date=event.date, seats=3,
                                           pickups=[trips.PickupDraft("Mill Lane", time(17, 45))]), UTC,
                      event_id=event.id)
    requests.request_ride(ANN, event.id, "Oak St")
    requests.request_free(DRIVER, today + timedelta(days=2), "Airport", "Station", UTC)


def _newest(model):
    return model.select().order_by(model.id.desc()).get()


def _cup_final() -> Event:
    return Event.get(Event.title == "Cup final")


def _dee_request(**where) -> RideRequest:
    dee = users.get_user(DRIVER)
    query = RideRequest.select().where(RideRequest.passenger == dee.id)
    for name, value in where.items():
        query = query.where(getattr(RideRequest, name) == value)
    return query.order_by(RideRequest.id.desc()).get()


_event_card = way(Say("/events"), ".*Cup final")
_new_event = way(Say("/events"), "➕ New event", "🏐 Game")
_create_event = way(TOMORROW, Say("18:30"), "1️⃣ Just once", "✅ Create event")
_free_request = way(Say("/events"), "🙋 Ride elsewhere")

# --- the way back in the wizard and the driver's tools on the card (issue #22)

_summary = way(_to("comment"), *WIZARD["comment"])  # the wizard's summary: Gym tomorrow, Station 18:00
ADD_BACK, SAME_SEATS = re.escape("↩️ Driving back too?"), re.escape("👍 3, as on the way there")
_back_from = way(_summary, ADD_BACK)
_back_time = way(_back_from, "📍 Gym")  # from the destination, one tap
_dropoff = way(Say("Oak St"), Say("22:00"), "✅ Done", "✅ Confirm")  # the drop-off, then Confirm


def _way_back() -> Trip:
    return Trip.get(Trip.outbound.is_null(False))


def _leaving(text: str) -> time:
    """The way back's time as its window takes it: a time after the way there's last pickup."""
    at = trips.parse_time(text)
    if at <= time(18):
        raise ValidationError("wizard-back-too-early")
    return at


async def _finish_leaving(p, at: time) -> None:
    await p.click(SAME_SEATS)
    await p.send("Oak St")
    if at == time(23, 59):  # no drop-off can come after it on the day: the way back cannot be finished
        await p.send("23:59")
        assert p.env.bot.sent_texts(DRIVER)[-1].startswith("⚠️"), "a drop-off at the leaving time was taken"
        return
    await p.send(f"{datetime.combine(p.env.tomorrow, at) + timedelta(minutes=1):%H:%M}")
    await p.click("✅ Done")
    await p.click("✅ Confirm")


def _left_at(at: time) -> None:
    if at == time(23, 59):
        assert Trip.select().count() == 1, "a way back with nowhere to drop anyone"
    else:
        assert queries.pickup_points(_way_back().id)[0].time == at


def _notices(kind: str, param: str) -> list:
    return [json.loads(n.params)[param] for n in Notification.select().where(Notification.kind == kind)]


def _word_sent(word: str) -> None:
    assert _notices("driver_word", "word") == [word, word]  # Ann and Bob


def _removed(reason: str) -> None:
    assert _notices("removed", "remove_reason") == [reason]
    assert Participant.select().count() == 1  # Bob stays


STEPS.update({
    "event request area": Step(
        EventsSG.request, "area", way(_event_card, "🙋 I need a ride"), requests.validate_area,
        _nothing, _eq(lambda: _dee_request(event=_cup_final().id).area), setup=_club_events),
    "free request place": Step(
        EventsSG.free_place, "free_dest", _free_request, trips.validate_destination,
        way(TOMORROW, "✅ Ask for a ride"), _eq(lambda: _dee_request(date=trips.local_today(UTC) + timedelta(days=1)
                                                                     ).destination), setup=_club_events),
    "free request area": Step(  # the same window as the event's, asking for a place and a day
        EventsSG.request, "area", way(_free_request, Say("Beach"), TOMORROW), requests.validate_area,
        _nothing, _eq(lambda: _dee_request(destination="Beach").area), setup=_club_events),
    "alert place": Step(
        EventsSG.alert_place, "alert_dest", way(Say("/events"), "🔔 My alerts", "➕ Trips to a place"),
        trips.validate_destination, way("any day"), _eq(lambda: _newest(RideAlert).destination),
        setup=_club_events),
    "event title": Step(
        EventEditSG.title, "title", _new_event, events.validate_title,
        way(Say("Riverside Arena"), _create_event), _eq(lambda: _newest(Event).title), setup=_club_events),
    "event venue": Step(
        EventEditSG.venue, "venue", way(_new_event, Say("Away game")), events.validate_venue,
        _create_event, _eq(lambda: _newest(Event).venue), setup=_club_events),
    "event time": Step(
        EventEditSG.time, "time_t", way(_new_event, Say("Away game"), Say("Riverside Arena"), TOMORROW),
        trips.parse_time, way("1️⃣ Just once", "✅ Create event"), _eq(lambda: _newest(Event).start_time),
        setup=_club_events),
    "event edit title": Step(  # the same field, from the card's Edit: Ann is told on Save
        EventEditSG.title, "title", way(_event_card, "✏️ Edit", "✏️ Title"), events.validate_title,
        way("✅ Save changes"), _eq(lambda: Event.get_by_id(1).title), setup=_club_events),
    "event cancel reason": Step(
        EventEditSG.cancel, "reason", way(_event_card, "❌ Cancel event"), manage.validate_reason,
        way("✅ Yes, cancel it"), _eq(lambda: _cup_final().cancel_reason), setup=_club_events),
    "my request area": Step(
        MyTripsSG.request, "area", way(Say("/mytrips"), ".*Airport.*"), requests.validate_area,
        _nothing, _eq(lambda: _dee_request(destination="Airport").area), setup=_club_events),
    "way back from": Step(
        NewTripSG.back_from, "bfrom", _back_from, trips.validate_address,
        way(Say("21:30"), SAME_SEATS, _dropoff), _eq(lambda: queries.pickup_points(_way_back().id)[0].address)),
    "way back time typed": Step(
        NewTripSG.back_time, "btime", _back_time, _leaving, _finish_leaving, _left_at),
    "way back seats typed": Step(
        NewTripSG.back_seats, "bseats_t", way(_back_time, Say("21:30")), trips.validate_seats,
        _dropoff, _eq(lambda: _way_back().seats)),
    "driver's word": Step(
        TripSG.word, "word", way(open_my_trip, "💬 Message passengers"), manage.validate_word,
        way("📨 Send"), _word_sent),
    "removal reason": Step(
        TripSG.remove, "why", way(open_my_trip, "🚫 Remove a passenger", "👤 18:00 Ann"), manage.validate_reason,
        way("🚫 Yes, remove"), _removed),
})


# --------------------------------------------------------------------------- the runner


def seed(tomorrow) -> None:
    """Dee drives to Gym tomorrow (Station 18:00, Oak St 18:15); Ann and Bob are booked;
    Dee has a template called Away."""
    users.register_user(DRIVER, "Dee", "Driver", "dee")
    users.set_role(DRIVER, ROLE_DRIVER)
    users.set_car(DRIVER, "red Skoda")
    for tid, name in ((ANN, "Ann"), (BOB, "Bob")):
        users.register_user(tid, name)
        users.set_role(tid, ROLE_PASSENGER)
    trip = trips.create_trip(DRIVER, trips.TripDraft(
        destination="Gym", departure_date=tomorrow, seats=3,
        pickups=[trips.PickupDraft("Station", time(18)), trips.PickupDraft("Oak St", time(18, 15))]),
        UTC)
    station, oak = queries.pickup_points(trip.id)
    rides.join_trip(ANN, trip.id, station.id)
    rides.join_trip(BOB, trip.id, oak.id)
    templates.save_template(DRIVER, templates.TemplateDraft(
        name="Away", destination="Riverside Arena", seats=3, pickups=[("Station", time(18))]))


@pytest.fixture(scope="module")
def seeded(migrated_template, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "seeded.sqlite3"
    shutil.copy(migrated_template, path)
    database = init_database(f"sqlite:///{path}")
    seed(trips.local_today(UTC) + timedelta(days=1))
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return path


class Runner:
    """One dispatcher and event loop for all the examples of a step."""

    def __init__(self, step: Step, seeded: Path, work: Path, settings: Settings):
        from tests.harness import DialogEnv

        self.step, self.seeded, self.work = step, seeded, work
        self.url = f"sqlite:///{work}"
        if step.setup is not None:  # the step's own seeded copy, with its more
            self.seeded = work.with_name("seeded.sqlite3")
            shutil.copy(seeded, self.seeded)
            database = init_database(f"sqlite:///{self.seeded}")
            step.setup()
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            database.close()
        self._fresh_db()
        self.loop = asyncio.new_event_loop()
        # conftest's settings (no throttle); Dee manages the club's events
        self.settings = dataclasses.replace(settings, database_url=self.url, club_admins=frozenset({DRIVER}))
        self.env = DialogEnv(self.settings)
        self.env.tomorrow = trips.local_today(self.settings.timezone) + timedelta(days=1)
        self.examples = {"accepted": 0, "refused": 0}

    def _fresh_db(self) -> None:
        if not db.is_closed():
            db.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.work}{suffix}").unlink(missing_ok=True)
        shutil.copy(self.seeded, self.work)
        init_database(self.url)

    def close(self) -> None:
        self.loop.close()
        db.close()

    def run(self, text: str) -> None:
        self._fresh_db()
        errors = _Errors()
        logging.getLogger().addHandler(errors)
        try:
            self.loop.run_until_complete(self.example(text))
        finally:
            logging.getLogger().removeHandler(errors)
        assert not errors.records, [r.getMessage() for r in errors.records]

    async def example(self, text: str) -> None:
        env, step = self.env, self.step
        env.bot.calls.clear()
        env.mm.reset_history()
        dee = env.player(DRIVER, "Dee")
        await dee.send("/start")
        await step.reach(dee)
        before = dee.screen()
        calls_before = len(env.bot.calls)

        expected = cleaned(step.validator, text)
        after = await dee.send(text)
        said = [c.text for c in env.bot.calls[calls_before:] if isinstance(c, SendMessage)]
        warnings = [s for s in said if s.startswith("⚠️")]
        others = [s for s in said if not s.startswith("⚠️")]
        assert all(step.said and s.startswith(step.said) for s in others), f"unexpected message(s): {others}"
        if expected is None:
            self.examples["refused"] += 1
            assert len(warnings) == 1, f"refused {text[:80]!r}: expected one ⚠️ message, got {said}"
            assert after is not None and (after.text, button_row(after)) == (before.text, button_row(before)), \
                "a refusal must leave the same window open"
        else:
            self.examples["accepted"] += 1
            assert not warnings, f"accepted {text[:80]!r} but the bot said {warnings}"
            await step.finish(dee, expected)
            step.stored(expected)
        await _settle()
        assert not any(SORRY in (getattr(c, "text", None) or "") for c in env.bot.calls)
        assert_everything_sendable(env)
        assert_database_clean()


def button_row(message) -> list[str]:
    from tests.harness import button_texts

    return button_texts(message)


async def _settle() -> None:
    """Let background redraws (passengers' windows after an edit) finish."""
    for _ in range(10):
        await asyncio.sleep(0)  # aiogram-dialog schedules them with call_soon: let them become tasks
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
        if not pending:
            return
        await asyncio.wait(pending, timeout=2)


@pytest.mark.parametrize("name", list(STEPS))
def test_text_input_survives_any_text(name, seeded, tmp_path, settings):
    runner = Runner(STEPS[name], seeded, tmp_path / "fuzz.sqlite3", settings)

    @hypothesis_settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                                HealthCheck.data_too_large])
    @given(text=TEXTS)
    def check(text: str) -> None:
        runner.run(text)

    try:
        # the ordinary and the extreme first, whatever hypothesis draws
        for text in ("Club gym", "4", "18:30", "x", "y" * 10_000, "<b>&amp;</i>", "\x00\x1f\x7f\x85\x9b",
                     "\u202eevil\u200b", "x\u200c\U0001d17a", "25:61", "\ufeff\u2060\u00ad\u3164\u2800",
                     "a" + "\n" * 450 + "b", "x\n" * 30):
            runner.run(text)
        check()
    finally:
        runner.close()
    assert runner.examples["accepted"] and runner.examples["refused"], runner.examples  # both paths ran


def test_every_text_input_is_fuzzed():
    """A new TextInput in any dialog must be added to STEPS."""
    found = set()
    for dialog in build_dialogs():
        for state, window in dialog.windows.items():
            inputs = [window.on_message] if window.on_message is not None else []
            while inputs:
                widget = inputs.pop()
                if isinstance(widget, CombinedInput):
                    inputs.extend(widget.inputs)
                elif isinstance(widget, TextInput):
                    found.add((state.state, widget.widget_id))
    covered = {(s.state.state, s.widget) for s in STEPS.values()}
    assert found - covered == set(), f"text inputs without a fuzz step: {sorted(found - covered)}"


# --------------------------------------------------------------------------- regressions
# Bugs the fuzzing found, each pinned by an ordinary test.


@pytest.mark.parametrize("validator", [
    trips.validate_destination, trips.validate_address, trips.validate_comment, templates.validate_name,
    manage.validate_reason, users.clean_car,
])
def test_c1_control_characters_are_stripped(validator):
    """C1 controls (\\x80-\\x9f: NEL, CSI…) and the Arabic letter mark were stored as typed."""
    assert validator("Gym\x85\x9b[31m\x80\u061c hall\x9f") == "Gym[31m hall"


async def test_text_ending_in_invisible_characters_is_text_not_a_button(env):
    """aiogram-dialog read trailing ZWNJ/ZWJ/soft hyphen/… as reply-keyboard callback data:
    the text vanished without an answer, or (not valid UTF-8) crashed with "Sorry"."""
    seed(trips.local_today(UTC) + timedelta(days=1))
    dee = env.player(DRIVER, "Dee")
    await dee.send("/start")
    await _to("dest")(dee)
    screen = await dee.send("\u200c\u200c")  # was: no answer at all
    assert env.bot.sent_texts(DRIVER)[-1].startswith("⚠️") and "(you sent 0)" in env.bot.sent_texts(DRIVER)[-1]
    assert "Where to?" in screen.text
    screen = await dee.send("Köln\u200c\U0001d17a")  # was: UnicodeDecodeError, "Sorry, something went wrong"
    assert "Which day?" in screen.text
    assert not any(SORRY in t for t in env.bot.sent_texts())


async def test_refusal_from_a_handler_starts_with_the_warning_sign(env):
    """show_error's reply to typed input lacked the "⚠️" every other refusal has."""
    seed(trips.local_today(UTC) + timedelta(days=1))
    dee = env.player(DRIVER, "Dee")
    await dee.send("/start")
    await _edit("💺 Seats")(dee)
    screen = await dee.send("1")  # Ann and Bob are booked
    assert env.bot.sent_texts(DRIVER)[-1] == "⚠️ 2 passengers are booked: seats cannot go below 2."
    assert "2 booked" in screen.text


def _longest_trip():
    """A full trip where every text is as long as allowed (names as long as Telegram's)."""
    users.register_user(DRIVER, "D" * 64, "E" * 64, "dee")
    users.set_role(DRIVER, ROLE_DRIVER)
    users.set_car(DRIVER, "c" * users.CAR_MAX)
    trip = trips.create_trip(DRIVER, trips.TripDraft(
        destination="G" * trips.DESTINATION_MAX, departure_date=trips.local_today(UTC) + timedelta(days=1),
        seats=trips.SEATS_MAX, comment="z" * trips.COMMENT_MAX,
        pickups=[trips.PickupDraft(f"{i}" + "a" * (trips.ADDRESS_MAX - 1), time(8 + i))
                 for i in range(rules.PICKUPS_MAX)]), UTC)
    points = queries.pickup_points(trip.id)
    for i in range(trips.SEATS_MAX):
        users.register_user(10 + i, "P" * 64, "Q" * 64)
        users.set_role(10 + i, ROLE_PASSENGER)
        rides.join_trip(10 + i, trip.id, points[i].id)
    User.update(reachable=False).execute()  # adds "unreachable by the bot" to every passenger
    return trip, points


def test_longest_trip_card_fits_in_a_message(database):
    """The driver's card of such a trip was 4322 characters: Telegram refuses the window."""
    from dialogs.trips.render import card_text

    trip, _ = _longest_trip()
    for viewer in (DRIVER, 10, 99):  # the driver, a passenger, a stranger
        assert_sendable_html(card_text(queries.trip_card(trip.id, viewer)), f"card for {viewer}")
    full = card_text(queries.trip_card(trip.id, DRIVER))
    assert "a" * 50 + "…" in full and "z" * 150 in full  # cut, not dropped


def test_ordinary_trip_card_is_not_cut(database):
    from dialogs.trips.render import card_text

    seed(trips.local_today(UTC) + timedelta(days=1))
    Trip.update(comment="x" * trips.COMMENT_MAX).execute()
    assert "x" * trips.COMMENT_MAX in card_text(queries.trip_card(1, DRIVER))


def test_edit_diff_of_every_long_point_fits_in_a_message(database):
    """Ten changed 200-character addresses made the edit window 5545 characters long."""
    from dialogs.manage.dialog import _menu_data

    trip, points = _longest_trip()
    edit = manage.TripEdit(destination="H" * trips.DESTINATION_MAX, comment="y" * trips.COMMENT_MAX,
                           pickups=[manage.PointEdit(p.id, f"{i}" + "b" * 199, p.time) for i, p in enumerate(points)])
    data = _menu_data(trip.destination, trip.departure_date.isoformat(), manage.plan_edit(DRIVER, trip.id, edit))
    assert_sendable_html(f"✏️ <b>Edit trip</b>: {data['title']}\n\n{data['diff']}", "edit diff")
    assert "b" * 90 in data["diff"] and data["diff"].count("📍") == rules.PICKUPS_MAX
