"""Ride requests and alerts (issue #21): asking, going on one's own, withdrawing and changing
(the requester only), the drivers' one batched message, requests closed by joining, players
told of new trips, free requests without an event, and the notices' event button."""

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest

from dialogs.notifications import NoticeButton, Obsolete
from models import (
    NOTIFY_SENT, ROLE_DRIVER, ROLE_PASSENGER, Conflict, Notification, NotFound, PermissionDenied, RideAlert,
    RideRequest, ValidationError, events, outbox, queries, requests, rides, trips, users,
)
from models.tables import REQUEST_OPEN, REQUEST_OWN, REQUEST_SEATED, REQUEST_WITHDRAWN
from tests.notices import buttons, render_row, texts_for

UTC = ZoneInfo("UTC")
ADMINS = frozenset({100})


def player(tid, name, role=ROLE_PASSENGER):
    users.register_user(tid, name)
    return users.set_role(tid, role)


@pytest.fixture
def game(database):
    player(100, "Ada Admin")
    player(1, "Dee Driver", ROLE_DRIVER)
    player(2, "Dan Driver", ROLE_DRIVER)
    for tid, name in ((11, "Ann Rider"), (12, "Bob Rider"), (13, "Cat Rider")):
        player(tid, name)
    return events.create_event(100, events.EventDraft(
        "game", "Away game", "Riverside Arena", trips.local_today(UTC) + timedelta(days=3), time(18)), UTC, ADMINS)


def trip_to(event, driver_tid, seats=3, dest=None):
    return trips.create_trip(driver_tid, trips.TripDraft(
        destination=dest or f"{event.title} · {event.venue}", departure_date=event.date, seats=seats,
        pickups=[trips.PickupDraft("Station", time(17))]), UTC, event_id=event.id)


def first_point(trip):
    return queries.pickup_points(trip.id)[0].id


def rows(kind, chat_id=None):
    where = Notification.kind == kind
    if chat_id is not None:
        where &= Notification.chat_id == chat_id
    return list(Notification.select().where(where).order_by(Notification.id))


def test_asking_again_reopens_the_one_row(game):
    first = requests.request_ride(11, game.id, "  Oak   Street ")
    assert (first.status, first.area) == (REQUEST_OPEN, "Oak Street")
    assert requests.going_alone(11, game.id).id == first.id
    assert RideRequest.get_by_id(first.id).status == REQUEST_OWN
    assert queries.event_summary(game.id).need_ride == 0
    again = requests.request_ride(11, game.id)
    assert (again.id, again.status, again.area) == (first.id, REQUEST_OPEN, "")
    requests.withdraw_request(11, first.id)
    assert RideRequest.get_by_id(first.id).status == REQUEST_WITHDRAWN
    assert requests.request_ride(11, game.id, "Elm").id == first.id
    assert RideRequest.select().count() == 1


def test_only_the_requester_changes_or_withdraws(game):
    mine = requests.request_ride(11, game.id)
    for act in (lambda: requests.withdraw_request(12, mine.id), lambda: requests.change_area(12, mine.id, "Elm")):
        with pytest.raises(PermissionDenied) as refused:
            act()
        assert refused.value.key == "error-request-not-yours"
    with pytest.raises(PermissionDenied):
        queries.my_request(12, mine.id)
    for forged in (10**30, 999999):
        with pytest.raises(NotFound):
            requests.withdraw_request(11, forged)
    assert requests.change_area(11, mine.id, "Elm Street").area == "Elm Street"
    with pytest.raises(ValidationError) as too_long:
        requests.change_area(11, mine.id, "x" * 61)
    assert too_long.value.key == "error-area-length"
    requests.withdraw_request(11, mine.id)
    with pytest.raises(Conflict) as closed:
        requests.change_area(11, mine.id, "Oak")
    assert closed.value.key == "error-request-closed"
    assert queries.my_request(11, mine.id).status == REQUEST_WITHDRAWN


def test_a_player_with_a_seat_or_a_car_does_not_ask(game):
    trip = trip_to(game, 1)
    rides.join_trip(11, trip.id, first_point(trip))
    with pytest.raises(Conflict) as seated:
        requests.request_ride(11, game.id)
    assert seated.value.key == "error-request-seated"
    with pytest.raises(Conflict) as driving:
        requests.request_ride(1, game.id)
    assert driving.value.key == "error-request-driving"
    with pytest.raises(Conflict):
        requests.going_alone(11, game.id)
    with pytest.raises(NotFound):
        requests.request_ride(11, 10**30)


def test_drivers_get_one_batched_message_listing_the_requests_when_sent(game):
    trip_to(game, 1)
    trip_to(game, 2)
    requests.request_ride(11, game.id, "Oak Street")
    requests.request_ride(12, game.id)
    requests.request_ride(13, game.id)
    assert len(rows("ride_requests", 1)) == 1 and len(rows("ride_requests", 2)) == 1
    requests.withdraw_request(13, RideRequest.get(RideRequest.passenger == users.get_user(13).id).id)
    (message,) = [render_row(r) for r in rows("ride_requests", 1)]
    assert message.text == (f"🙋 2 players still need a ride to <b>Away game</b> ({game.date:%a %d %b}, 18:00):\n"
                            "• Ann, from Oak Street\n• Bob")
    assert buttons(message) == ["🏐 Open event"]
    assert message.reply_markup.inline_keyboard[0][0].callback_data == f"nt:event:{game.id}"
    # once sent, the next request writes the next message
    (row,) = rows("ride_requests", 1)
    Notification.update(state=NOTIFY_SENT).where(Notification.id == row.id).execute()
    requests.request_ride(13, game.id)
    assert len(rows("ride_requests", 1)) == 2 and len(rows("ride_requests", 2)) == 1


def test_the_batched_message_lapses_when_nobody_needs_a_ride_any_more(game):
    trip = trip_to(game, 1)
    requests.request_ride(11, game.id)
    rides.join_trip(11, trip.id, first_point(trip))
    (row,) = rows("ride_requests", 1)
    with pytest.raises(Obsolete):
        render_row(row)


def test_joining_closes_the_request_and_new_trips_tell_who_asked_and_who_watches(game):
    ann = requests.request_ride(11, game.id, "Oak Street")
    requests.add_alert(12, event_id=game.id)
    requests.add_alert(13, destination="riverside")
    requests.add_alert(13, destination="Riverside")  # the same alert: not twice
    assert RideAlert.select().count() == 2
    trip = trip_to(game, 1)
    assert [n.kind for n in Notification.select().where(Notification.chat_id == 11)] == ["event_new_trip"]
    assert [n.kind for n in Notification.select().where(Notification.chat_id == 12)] == ["alert_new_trip"]
    assert [n.kind for n in Notification.select().where(Notification.chat_id == 13)] == ["alert_new_trip"]
    (told,) = texts_for(11)
    assert told.startswith(f"🚗 A new car is going to <b>Away game</b> on {game.date:%a %d %b}: ")
    assert told.endswith("first pickup 17:00 at Station. 3 seats left.")
    rides.join_trip(11, trip.id, first_point(trip))
    closed = RideRequest.get_by_id(ann.id)
    assert (closed.status, closed.trip_id) == (REQUEST_SEATED, trip.id)
    with pytest.raises(Obsolete):  # no longer looking: the notice lapses if it had not gone out
        render_row(rows("event_new_trip", 11)[0])
    assert queries.my_requests(11) == []


def test_a_weekly_events_alert_follows_its_series(game):
    weekly = events.create_event(100, events.EventDraft(
        "training", "Training", "Club gym", trips.local_today(UTC) + timedelta(days=1), time(19), weekly=True),
        UTC, ADMINS)
    requests.add_alert(11, event_id=weekly.id)
    events.roll_weekly(weekly.starts_at + timedelta(minutes=5), UTC)
    nxt = queries.next_in_series(weekly.id, weekly.starts_at + timedelta(minutes=5))
    assert nxt is not None and queries.has_alert(11, nxt.id)
    trip_to(nxt, 1)
    assert [n.kind for n in Notification.select().where(Notification.chat_id == 11)] == ["alert_new_trip"]
    (alert,) = queries.my_alerts(11)
    assert (alert.event_id, alert.title) == (weekly.id, "Training")
    with pytest.raises(PermissionDenied):
        requests.remove_alert(12, alert.id)
    requests.remove_alert(11, alert.id)
    with pytest.raises(NotFound):
        requests.remove_alert(11, alert.id)


def test_free_requests_match_date_and_destination(game):
    day = trips.local_today(UTC) + timedelta(days=2)
    free = requests.request_free(11, day, "Lake beach", "Oak Street", tz=UTC)
    assert requests.request_free(11, day, "Lake beach", "Elm", tz=UTC).id == free.id
    with pytest.raises(ValidationError):
        requests.request_free(11, day - timedelta(days=5), "Lake beach", tz=UTC)
    other_day = trips.create_trip(1, trips.TripDraft("Lake beach", day + timedelta(days=1), 3,
                                                     [trips.PickupDraft("Station", time(9))]), UTC)
    assert rows("event_new_trip", 11) == []
    trip = trips.create_trip(1, trips.TripDraft("The lake beach, north", day, 3,
                                                [trips.PickupDraft("Station", time(9))]), UTC)
    assert len(rows("event_new_trip", 11)) == 1
    assert outbox.params_of(rows("event_new_trip", 11)[0])["event"] is None
    assert render_row(rows("event_new_trip", 11)[0]).text.startswith(
        "🚗 A new car is going to <b>The lake beach, north</b>")
    [row] = queries.my_requests(11)
    assert (row.destination, row.area, row.event_id) == ("Lake beach", "Elm", None)
    rides.join_trip(11, other_day.id, first_point(other_day))  # another day: still open
    assert RideRequest.get_by_id(free.id).status == REQUEST_OPEN
    rides.join_trip(11, trip.id, first_point(trip))
    assert RideRequest.get_by_id(free.id).status == REQUEST_SEATED


def test_my_requests_lists_open_ones_soonest_first(game):
    later = events.create_event(100, events.EventDraft(
        "training", "Training", "Club gym", game.date + timedelta(days=2), time(19)), UTC, ADMINS)
    requests.request_ride(11, later.id)
    requests.request_ride(11, game.id, "Oak")
    requests.request_free(11, game.date + timedelta(days=1), "Lake beach", tz=UTC)
    assert [(r.title or r.destination, r.area) for r in queries.my_requests(11)] == [
        ("Away game", "Oak"), ("Lake beach", ""), ("Training", "")]
    events.cancel_event(100, later.id, admins=ADMINS)
    assert [r.event_cancelled for r in queries.my_requests(11)] == [False, False, True]


def test_a_russian_player_reads_the_new_car_in_russian(game):
    users.set_language(11, "ru")
    requests.request_ride(11, game.id)
    trip_to(game, 1)
    (text,) = texts_for(11)
    assert text.startswith("🚗 Новая машина едет на <b>Away game</b>") and "Осталось 3 места." in text


def test_the_event_button_fits_and_a_stale_one_is_answered():
    assert NoticeButton(to="event", trip_id=2**63 - 1).pack() == f"nt:event:{2**63 - 1}"
    assert len(NoticeButton(to="event", trip_id=2**63 - 1).pack().encode()) <= 64


async def test_forged_event_buttons_are_answered(env, game):
    from tests.test_notifications import _locator, notice

    ann = env.player(11, "Ann")
    for data in (f"nt:event:{game.id + 1000}", "nt:event:99999999999999999999999", "nt:event:x"):
        before = len(env.bot.callback_answers())
        await ann.client.click(notice(11, data), _locator())
        answers = env.bot.callback_answers()[before:]
        assert len(answers) == 1 and answers[0].text, data


async def test_a_russian_driver_opens_the_event_from_the_batched_message(env, game):
    """The driver's "🏐 Открыть событие" opens the event's card, in Russian, with who needs a ride."""
    from tests.test_notifications import _locator, notice

    users.set_language(1, "ru")
    trip_to(game, 1)
    requests.request_ride(11, game.id, "Oak Street")
    (row,) = rows("ride_requests", 1)
    message = render_row(row)
    assert message.text.startswith("🙋 1 игроку всё ещё нужно доехать до <b>Away game</b>")
    assert buttons(message) == ["🏐 Открыть событие"]
    dee = env.player(1, "Dee")
    await dee.client.click(notice(1, message.reply_markup.inline_keyboard[0][0].callback_data), _locator())
    card = dee.screen().text
    assert "Away game" in card and "Едут машины" in card and "Ещё нужно подвезти" in card and "Ann" in card


def test_forget_me_removes_the_players_requests_and_alerts(game):
    from models import privacy

    requests.request_ride(11, game.id, "Dorothea's home, Elm 7")
    requests.request_free(11, game.date, "Lake beach", tz=UTC)
    requests.add_alert(11, destination="Lake beach")
    requests.request_ride(12, game.id)
    privacy.forget_user(11)
    assert [r.passenger.name for r in RideRequest.select()] == ["Bob Rider"]
    assert RideAlert.select().count() == 0
    assert queries.event_summary(game.id).need_ride == 1


def test_a_cancelled_car_or_a_removed_passenger_needs_a_ride_again(game):
    """Seats that vanish with the driver's decision reopen the requests they had answered, and the
    event's other drivers hear of them (F4 found the cancelled car's riders listed as seated)."""
    from models import manage

    dee, dan = trip_to(game, 1), trip_to(game, 2)
    for tid in (11, 12):
        requests.request_ride(tid, game.id)
        rides.join_trip(tid, dee.id, first_point(dee))
    assert queries.event_summary(game.id).need_ride == 0
    Notification.update(state=NOTIFY_SENT).execute()  # the earlier batches went out
    manage.remove_passenger(1, dee.id, users.get_user(12).id, "")
    assert [r.status for r in RideRequest.select().order_by(RideRequest.id)] == [REQUEST_SEATED, REQUEST_OPEN]
    assert sorted(n.chat_id for n in rows("ride_requests") if n.state != NOTIFY_SENT) == [1, 2]
    Notification.update(state=NOTIFY_SENT).execute()
    manage.cancel_trip(1, dee.id, "flat tyre")
    assert [r.status for r in RideRequest.select().order_by(RideRequest.id)] == [REQUEST_OPEN, REQUEST_OPEN]
    assert queries.event_summary(game.id).need_ride == 2
    assert [n.chat_id for n in rows("ride_requests") if n.state != NOTIFY_SENT] == [2], "Dan, the car left, is told"
    assert queries.event_card(game.id, 2).is_driving and dan.driver_id == users.get_user(2).id
