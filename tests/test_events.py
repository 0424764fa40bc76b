"""Club events at the operation level (issue #21): who may manage them, validation,
edits and cancellations told to whoever is concerned, weekly series, trips to events,
and what the event list and card read."""

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playhouse.test_utils import count_queries

from models import (
    ROLE_DRIVER, ROLE_PASSENGER, Conflict, Notification, NotFound, PermissionDenied, Trip, ValidationError, events,
    outbox, queries, requests, rides, templates, trips, users, utcnow,
)
from models.tables import EVENT_CANCELLED, REQUEST_OPEN, REQUEST_SEATED, Event, RideRequest

UTC = ZoneInfo("UTC")
ADMIN = 100
ADMINS = frozenset({ADMIN})


def player(tid, name, role=ROLE_PASSENGER):
    users.register_user(tid, name)
    return users.set_role(tid, role)


def today():
    return trips.local_today(UTC)


def draft(days=3, title="Away game", venue="Riverside Arena", at=time(18), kind="game", weekly=False):
    return events.EventDraft(kind, title, venue, today() + timedelta(days=days), at, weekly)


def make_event(**kw) -> Event:
    return events.create_event(ADMIN, draft(**kw), UTC, ADMINS)


def trip_to(event: Event, driver_tid: int, seats=3, points=(("Station", time(17)), ("Oak St", time(17, 15)))):
    return trips.create_trip(driver_tid, trips.TripDraft(
        destination=f"{event.title} · {event.venue}", departure_date=event.date, seats=seats,
        pickups=[trips.PickupDraft(a, t) for a, t in points]), UTC, event_id=event.id)


def kinds_for(tid):
    return [n.kind for n in Notification.select().where(Notification.chat_id == tid).order_by(Notification.id)]


@pytest.fixture
def club(database):
    player(ADMIN, "Ada Admin")
    player(1, "Dee Driver", ROLE_DRIVER)
    player(2, "Dan Driver", ROLE_DRIVER)
    for tid, name in ((11, "Ann Rider"), (12, "Bob Rider"), (13, "Cat Rider")):
        player(tid, name)


def test_only_admins_manage_events(club):
    with pytest.raises(PermissionDenied) as refused:
        events.create_event(1, draft(), UTC, ADMINS)
    assert refused.value.key == "error-not-admin"
    event = make_event()
    with pytest.raises(PermissionDenied):
        events.edit_event(11, event.id, draft(title="Home game"), UTC, ADMINS)
    with pytest.raises(PermissionDenied):
        events.cancel_event(11, event.id, "rain", admins=ADMINS)
    with pytest.raises(PermissionDenied):  # nobody is an admin without the set
        events.cancel_event(ADMIN, event.id, "rain")
    assert Event.get_by_id(event.id).status == "open"


def test_validation_refuses_with_catalog_keys(club):
    cases = [
        (draft(title="x"), "error-event-title-length"),
        (draft(title="T" * 61), "error-event-title-length"),
        (draft(venue=" "), "error-event-venue-length"),
        (draft(kind="party"), "error-event-kind"),
        (draft(days=-1), "error-date-past"),
    ]
    for bad, key in cases:
        with pytest.raises(ValidationError) as refused:
            events.create_event(ADMIN, bad, UTC, ADMINS)
        assert refused.value.key == key
    assert events.validate_title("  Thursday   training ") == "Thursday training"
    assert Event.select().count() == 0


def test_create_is_idempotent_with_a_key_and_stores_local_and_utc_times(club):
    tz = ZoneInfo("Europe/Berlin")
    first = events.create_event(ADMIN, draft(days=10, at=time(19, 30)), tz, ADMINS, key="k1")
    again = events.create_event(ADMIN, draft(days=10, at=time(19, 30)), tz, ADMINS, key="k1")
    assert first.id == again.id and Event.select().count() == 1
    assert first.start_time == time(19, 30)
    assert first.starts_at == trips.to_utc(first.date, time(19, 30), tz)
    assert first.series_id is None and not first.weekly


def test_edit_tells_drivers_and_open_requesters_what_changed(club):
    event = make_event()
    trip_to(event, 1)
    requests.request_ride(11, event.id, "Oak Street")
    requests.going_alone(12, event.id)  # not concerned: goes on their own
    Notification.delete().execute()
    edited = events.edit_event(ADMIN, event.id, draft(days=4, venue="North Hall", at=time(19)), UTC, ADMINS)
    assert edited.version == 2 and edited.venue == "North Hall"
    assert kinds_for(1) == ["event_changed"] and kinds_for(11) == ["event_changed"] and kinds_for(12) == []
    params = outbox.params_of(Notification.get(Notification.chat_id == 1))
    assert params["changes"] == {
        "venue": ["Riverside Arena", "North Hall"],
        "date": [event.date.isoformat(), (event.date + timedelta(days=1)).isoformat()],
        "time": ["18:00:00", "19:00:00"],
    }
    # nothing changed: nothing said
    events.edit_event(ADMIN, event.id, draft(days=4, venue="North Hall", at=time(19)), UTC, ADMINS)
    assert Notification.select().count() == 2


def test_cancel_tells_the_same_people_and_keeps_the_trips(club):
    event = make_event()
    trip = trip_to(event, 1)
    requests.request_ride(11, event.id)
    Notification.delete().execute()
    events.cancel_event(ADMIN, event.id, "Pitch flooded", admins=ADMINS)
    assert Event.get_by_id(event.id).status == EVENT_CANCELLED
    assert kinds_for(1) == ["event_cancelled"] and kinds_for(11) == ["event_cancelled"]
    assert outbox.params_of(Notification.get(Notification.chat_id == 11))["reason"] == "Pitch flooded"
    assert Trip.get_by_id(trip.id).status == "open"
    with pytest.raises(Conflict) as again:
        events.cancel_event(ADMIN, event.id, admins=ADMINS)
    assert again.value.key == "error-event-cancelled"
    with pytest.raises(Conflict) as asking:
        requests.request_ride(12, event.id)
    assert asking.value.key == "error-event-cancelled-because"
    assert queries.upcoming_events() == []


def test_weekly_series_rolls_once_after_the_latest_has_started(club):
    event = make_event(days=1, weekly=True, title="Training", kind="training")
    assert event.series_id == event.id
    assert events.roll_weekly(utcnow(), UTC) == 0  # not started yet
    after = event.starts_at + timedelta(minutes=1)
    assert events.roll_weekly(after, UTC) == 1
    assert events.roll_weekly(after, UTC) == 0  # once
    nxt = Event.select().where(Event.id != event.id).get()
    assert (nxt.date, nxt.start_time, nxt.series_id, nxt.weekly) == (event.date + timedelta(days=7), time(18),
                                                                       event.id, True)
    assert queries.next_in_series(event.id, after) == nxt
    # a long stop: the next occurrence is the first week still ahead, not a past one
    much_later = nxt.starts_at + timedelta(days=15)
    assert events.roll_weekly(much_later, UTC) == 1
    latest = Event.select().order_by(Event.date.desc()).first()
    assert latest.date == nxt.date + timedelta(days=21) and latest.starts_at > much_later
    # switched off on the latest occurrence: the series ends there
    Event.update(weekly=False).where(Event.id == latest.id).execute()
    assert events.roll_weekly(latest.starts_at + timedelta(days=30), UTC) == 0


def test_a_cancelled_week_does_not_end_the_series(club):
    event = make_event(days=1, weekly=True)
    events.cancel_event(ADMIN, event.id, admins=ADMINS)
    assert events.roll_weekly(event.starts_at + timedelta(hours=1), UTC) == 1


def test_suggested_pickup_is_before_the_start(club):
    assert events.suggested_pickup(make_event(at=time(18))) == time(17, 15)
    assert events.suggested_pickup(make_event(at=time(0, 20), title="Night run")) == time(0, 0)


def test_trips_attach_to_open_events_only(club):
    event = make_event()
    trip = trip_to(event, 1)
    assert trip.event_id == event.id
    with pytest.raises(NotFound):
        trips.create_trip(1, trips.TripDraft("Xy", event.date, 3, [trips.PickupDraft("Ab", time(17))]), UTC,
                          event_id=10**30)
    events.cancel_event(ADMIN, event.id, admins=ADMINS)
    with pytest.raises(Conflict):
        trip_to(event, 2)
    assert Trip.select().count() == 1


def test_event_list_and_card_agree(club):
    event = make_event()
    later = make_event(days=5, title="Training", kind="training")
    t1 = trip_to(event, 1, seats=3)
    trip_to(event, 2, seats=2)
    rides.join_trip(12, t1.id, queries.pickup_points(t1.id)[1].id)
    requests.request_ride(11, event.id, "Oak Street")
    requests.request_ride(13, event.id)
    rows = queries.upcoming_events()
    assert [r.id for r in rows] == [event.id, later.id]
    assert (rows[0].cars, rows[0].free_seats, rows[0].need_ride) == (2, 4, 2)
    assert (rows[1].cars, rows[1].free_seats, rows[1].need_ride) == (0, 0, 0)
    card = queries.event_card(event.id, 12)
    assert card.summary == queries.event_summary(event.id) == queries.EventSummary(2, 4, 2)
    assert [(t.driver_name, t.seats_left) for t in card.trips] == [("Dee", 2), ("Dan", 2)]
    assert [(p.address, p.riders) for p in card.trips[0].points] == [("Station", 0), ("Oak St", 1)]
    assert [(n.first_name, n.area) for n in card.needs] == [("Ann", "Oak Street"), ("Cat", "")]
    assert card.my_seat_trip_id == t1.id and card.trips[0].riding and not card.is_driving
    assert queries.event_card(event.id, 1).is_driving
    assert queries.event_card(event.id, 11).needs_ride
    assert [c.title for _, c in queries.event_choices()] == ["Away game", "Training"]
    with pytest.raises(NotFound):
        queries.event_card(10**30, 1)


def test_card_query_budget(club):
    event = make_event()
    for driver in (1, 2):
        trip_to(event, driver)
    requests.request_ride(11, event.id)
    with count_queries() as card:
        queries.event_card(event.id, 11)
    with count_queries() as listing:
        queries.upcoming_events()
    assert (card.count, listing.count) == (7, 3)  # whatever the number of trips and requests


def test_a_template_from_a_weekly_event_trip_keeps_the_series(club):
    weekly = make_event(days=1, weekly=True, title="Training")
    one_off = make_event(days=2)
    draft_w = templates.draft_from_trip(1, trip_to(weekly, 1).id, "Training run")
    draft_o = templates.draft_from_trip(1, trip_to(one_off, 1).id, "Game run")
    assert draft_w.event_id == weekly.id and draft_o.event_id is None
    saved = templates.save_template(1, draft_w)
    assert saved.event_id == weekly.id


def test_seated_requests_close_when_joining_and_stay_closed_after_leaving(club):
    event = make_event()
    trip = trip_to(event, 1)
    request = requests.request_ride(11, event.id)
    rides.join_trip(11, trip.id, queries.pickup_points(trip.id)[0].id)
    request = RideRequest.get_by_id(request.id)
    assert (request.status, request.trip_id) == (REQUEST_SEATED, trip.id)
    rides.leave_trip(11, trip.id)
    assert RideRequest.get_by_id(request.id).status == REQUEST_SEATED  # leaving does not reopen: they ask again
    assert requests.request_ride(11, event.id).status == REQUEST_OPEN


def test_a_started_event_is_not_upcoming_nor_editable(club):
    event = make_event(days=1)
    assert queries.upcoming_events(event.starts_at + timedelta(seconds=1)) == []
    Event.update(starts_at=utcnow() - timedelta(minutes=1)).where(Event.id == event.id).execute()
    with pytest.raises(Conflict) as refused:
        events.edit_event(ADMIN, event.id, draft(days=1, title="Later"), UTC, ADMINS)
    assert refused.value.key == "error-event-started"
    with pytest.raises(Conflict) as asking:
        requests.request_ride(11, event.id)
    assert asking.value.key == "error-event-started"


def test_the_scheduler_rolls_weekly_events_on_at_each_tick(club):
    from bot.workers.scheduler import Scheduler

    weekly = make_event(days=1, weekly=True, title="Training", kind="training")
    scheduler = Scheduler((), UTC, retention=None)
    assert scheduler.tick(weekly.starts_at - timedelta(minutes=1)).events == 0
    assert scheduler.tick(weekly.starts_at + timedelta(minutes=1)).events == 1
    assert scheduler.tick(weekly.starts_at + timedelta(minutes=2)).events == 0  # once
    assert [e.date for e in Event.select().order_by(Event.date)] == [weekly.date, weekly.date + timedelta(days=7)]
