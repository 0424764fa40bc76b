"""/forget_me: the operation (each effect, the exact notifications, one transaction) and the
dialog (confirm, back out), on the real dispatcher with the bot's own database storage."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import build_dispatcher
from bot.infra.storage import PeeweeStorage
from models import (
    NOTIFY_PENDING, NOTIFY_SENT, ROLE_DRIVER, ROLE_PASSENGER, TRIP_CANCELLED, TRIP_DONE, FsmRecord, NotFound,
    Notification, Participant, TemplatePickupPoint, Trip, TripTemplate, User, manage, outbox, privacy, queries, rides,
    templates, trips, users,
)
from dialogs.common import contact_link
from tests.harness import DialogEnv
from tests.notices import rendered, texts_for

UTC = ZoneInfo("UTC")


def person(tid, name, role, username=None):
    users.register_user(tid, name, username=username)
    users.set_role(tid, role)


def make_trip(driver, dest, days=1, seats=3):
    return trips.create_trip(driver, trips.TripDraft(
        destination=dest, departure_date=trips.local_today(UTC) + timedelta(days=days), seats=seats,
        pickups=[trips.PickupDraft("Station", time(18)), trips.PickupDraft("Oak St", time(18, 15))]), UTC)


def join(tid, trip, point=0):
    rides.join_trip(tid, trip.id, queries.pickup_points(trip.id)[point].id)


def make_past(trip, status=TRIP_DONE):
    t = datetime(2024, 3, 1, 18)
    Trip.update(status=status, departs_at=t, ends_at=t).where(Trip.id == trip.id).execute()


def notes(tid):
    return texts_for(tid)  # as the notifier renders them when it sends them


def when(trip, hhmm="18:00"):
    return f"{trip.departure_date:%a %d %b} at {hhmm}"


def fsm_row(key):
    FsmRecord.create(key=key, state=None, data='{"x": 1}')


@pytest.fixture
def club(database):
    return build_club()


def build_club():
    """Dee and Eve drive; Ann and Bob ride. Returns the trips by name."""
    person(1, "Dee Driver", ROLE_DRIVER, "dee")
    person(4, "Eve Wheeler", ROLE_DRIVER)
    person(2, "Ann Smith", ROLE_PASSENGER, "ann")
    person(3, "Bob Jones", ROLE_PASSENGER)
    t = {
        "gym": make_trip(1, "Gym"),  # Dee's, Ann at Station, Bob at Oak St
        "solo": make_trip(1, "Solo run", days=2),  # Dee's, nobody in it
        "cup": make_trip(4, "Cup", days=3),  # Eve's, Ann in it
        "past": make_trip(1, "Old game"),  # Dee's, Ann rode: history
        "called_off": make_trip(4, "Called off", days=4),  # Eve's, cancelled, Ann's seat kept
    }
    join(2, t["gym"])
    join(3, t["gym"], 1)
    join(2, t["cup"])
    join(2, t["past"])
    join(2, t["called_off"])
    make_past(t["past"])
    manage.cancel_trip(4, t["called_off"].id, "rain")
    Notification.update(state=NOTIFY_SENT).execute()
    return t


def test_passenger_forgotten_seats_released_drivers_told_history_kept(club):
    outbox.enqueue(User.get(User.telegram_id == 2), "a pending note for Ann", kind="test")
    for key in ("fsm:2:2:aiogd:stack:", "fsm:2:2:aiogd:context:Ab3", "fsm:2:2:default",
                "fsm:12:12:aiogd:stack:", "fsm:22:22:default", "fsm:3:3:aiogd:context:2"):
        fsm_row(key)
    ann_id = User.get(User.telegram_id == 2).id
    assert privacy.forget_plan(2) == privacy.Forgetting(seats=2, trips=0, templates=0)
    Notification.delete().where(Notification.chat_id != 2).execute()

    done = privacy.forget_user(2)

    assert done == privacy.Forgetting(seats=2, trips=0, templates=0, told=[1, 4], redacted=0)  # named by id
    assert notes(1) == [f"🚶 Former player left your trip to <b>Gym</b> on "
                        f"{when(club['gym'])} (left the club bot). 2 seats left."]
    assert notes(4) == [f"🚶 Former player left your trip to <b>Cup</b> on "
                        f"{when(club['cup'])} (left the club bot). 3 seats left."]
    assert notes(3) == [] and Notification.select().where(Notification.recipient == ann_id).count() == 0
    assert {(s.trip_id, s.passenger_id) for s in Participant.select().where(Participant.passenger == ann_id)} == {
        (club["past"].id, ann_id), (club["called_off"].id, ann_id)}  # history keeps the anonymous seats
    assert Participant.select().where(Participant.trip == club["gym"].id).count() == 1  # Bob's
    assert sorted(r.key for r in FsmRecord.select()) == ["fsm:12:12:aiogd:stack:", "fsm:22:22:default",
                                                         "fsm:3:3:aiogd:context:2"]
    ann = User.get_by_id(ann_id)
    assert (ann.name, ann.username, ann.car, ann.role, ann.telegram_id, ann.reachable) == (
        "Former player", None, "", None, -ann_id, False)
    assert ann.forgotten_at is not None
    assert users.get_user(2) is None
    again, created = users.register_user(2, "Ann", username="ann")  # the same account: a new player
    assert created and again.id != ann_id and again.role is None
    assert [r.trip_id for r in queries.my_rides(2)] == [] and queries.driven_trips(2) == []


def test_driver_forgotten_trips_cancelled_passengers_told_templates_gone(club):
    users.set_role(1, ROLE_DRIVER)
    join(1, club["cup"], 1)  # Dee rides in Eve's trip too
    for name in ("Tuesday", "Saturday"):
        templates.save_template(1, templates.TemplateDraft(name=name, destination="Gym", seats=3,
                                                           pickups=[("Station", time(18))]))
    templates.save_template(4, templates.TemplateDraft(name="Eve's", destination="Cup", seats=2,
                                                       pickups=[("Square", time(9))]))
    dee_id = User.get(User.telegram_id == 1).id
    assert privacy.forget_plan(1) == privacy.Forgetting(seats=1, trips=2, templates=2)
    Notification.delete().execute()

    done = privacy.forget_user(1)

    assert done == privacy.Forgetting(seats=1, trips=2, templates=2, told=[2, 3, 4], redacted=0)
    cancelled = (f"❌ The trip to <b>Gym</b> on {club['gym'].departure_date:%a %d %b %Y} is cancelled.\n"
                 "Reason: the driver left the club bot\nFind another ride with /trips.")
    assert notes(2) == [cancelled] and notes(3) == [cancelled]
    assert notes(4) == [f"🚶 Former player left your trip to <b>Cup</b> on "
                        f"{when(club['cup'], '18:15')} (left the club bot). 2 seats left."]
    assert Notification.select().count() == 3
    for key in ("gym", "solo"):
        trip = Trip.get_by_id(club[key].id)
        assert (trip.status, trip.cancel_reason) == (TRIP_CANCELLED, "the driver left the club bot")
    assert Participant.select().where(Participant.trip == club["gym"].id).count() == 2  # seats of a cancelled trip stay
    past = Trip.get_by_id(club["past"].id)
    assert past.status == TRIP_DONE and past.driver_id == dee_id
    assert contact_link(User.get_by_id(dee_id)) == "Former player"  # no link to an account that is gone
    assert [t.name for t in TripTemplate.select()] == ["Eve's"] and TemplatePickupPoint.select().count() == 1
    assert User.get_by_id(dee_id).telegram_id == -dee_id


def test_unknown_or_already_forgotten(club):
    with pytest.raises(NotFound):
        privacy.forget_user(999)
    privacy.forget_user(3)
    with pytest.raises(NotFound):
        privacy.forget_user(3)
    with pytest.raises(NotFound):
        privacy.forget_plan(3)


def test_one_transaction(club, monkeypatch):
    """A failure part-way (here: cancelling the second trip) leaves everything as it was."""
    Notification.delete().execute()
    real = manage.cancel_trip
    calls = []

    def failing(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return real(*args, **kwargs)

    monkeypatch.setattr(manage, "cancel_trip", failing)
    join(1, club["cup"], 1)
    fsm_row("fsm:1:1:default")
    tables = (User, Trip, Participant, Notification, TripTemplate, FsmRecord)
    before = [list(m.select().order_by(m._meta.primary_key).tuples()) for m in tables]
    with pytest.raises(RuntimeError):
        privacy.forget_user(1)
    after = [list(m.select().order_by(m._meta.primary_key).tuples()) for m in tables]
    assert after == before and len(calls) == 2


def test_on_postgresql(pg_url):
    """The same transaction on PostgreSQL: row locks taken inside it, subquery deletes."""
    from bot.infra.db import init_database, migrate

    migrate(pg_url)
    database = init_database(pg_url)
    try:
        club = build_club()
        fsm_row("fsm:2:2:aiogd:stack:")
        fsm_row("fsm:12:12:aiogd:stack:")
        templates.save_template(1, templates.TemplateDraft(name="T", destination="Gym", seats=3,
                                                           pickups=[("Station", time(18))]))
        assert privacy.forget_user(2) == privacy.Forgetting(seats=2, told=[1, 4])
        assert privacy.forget_user(1) == privacy.Forgetting(seats=0, trips=2, templates=1, told=[3])
        assert not [t for t in rendered_texts() if "Ann Smith" in t or "t.me/dee" in t]
        assert rows_naming("Ann", "dee", "Dee") == []  # names are read when a row is sent, never stored
        deess = Notification.select().where(Notification.trip.in_([club[k].id for k in ("gym", "solo", "past")]))
        assert deess.count() and not [n.params for n in deess if "Station" in n.params or "Oak St" in n.params]
        assert [r.key for r in FsmRecord.select()] == ["fsm:12:12:aiogd:stack:"]
        assert Trip.get_by_id(club["gym"].id).status == TRIP_CANCELLED and TripTemplate.select().count() == 0
        assert sorted(u.name for u in User.select().where(User.forgotten_at.is_null(False))) == ["Former player"] * 2
    finally:
        database.close()


# --- the dialog ------------------------------------------------------------------------------


class StoredEnv(DialogEnv):
    """The dialogs on the bot's own storage (fsm_record), to see the dialog state go."""

    def __init__(self, settings):
        super().__init__(settings)
        self.app = build_dispatcher(settings, storage=PeeweeStorage(), message_manager=self.mm)
        self.dp = self.app.dispatcher


@pytest.fixture
def stored_env(club, settings):
    return StoredEnv(settings)


def keys_of(tid):
    return [r.key for r in FsmRecord.select() if f":{tid}:" in r.key]


async def test_forget_me_confirmed(stored_env):
    env = stored_env
    ann, dee = env.player(2, "Ann"), env.player(1, "Dee")
    await dee.send("/mytrips")  # Dee has a window open: it is redrawn when Ann leaves
    await ann.send("/start")
    assert keys_of(2)  # her dialog stack and window
    screen = await ann.send("/forget_me")
    assert "Forget me" in screen.text and "Your 2 seats will be released" in screen.text
    assert "trips you drive" not in screen.text
    await ann.click("🗑 Yes, forget me")
    assert any("I have forgotten you" in t for t in env.bot.sent_texts(2))
    assert users.get_user(2) is None and keys_of(2) == []
    assert [n.kind for n in Notification.select().where(Notification.state == NOTIFY_PENDING)] == ["left", "left"]
    screen = await ann.send("/start")  # a brand-new player
    assert "Welcome" in screen.text
    assert User.select().where(User.telegram_id == 2).count() == 1 and users.get_user(2).role is None


async def test_forget_me_backed_out(stored_env):
    env = stored_env
    ann = env.player(2, "Ann")
    await ann.send("/start")
    before = [list(m.select().order_by(m._meta.primary_key).tuples()) for m in (User, Trip, Participant)]
    await ann.send("/forget_me")
    screen = await ann.click("⬅️ No, keep me")
    assert "you are a 🙋 passenger" in screen.text
    assert [list(m.select().order_by(m._meta.primary_key).tuples()) for m in (User, Trip, Participant)] == before


async def test_forget_me_for_a_stranger_stores_nothing(env):
    stranger = env.player(77, "Zed")
    await stranger.send("/forget_me")
    assert env.bot.sent_texts(77) == ["I have nothing stored about you, so there is nothing to forget."]
    assert User.select().count() == 0


# --- nothing left behind (issue #16, item 8) ----------------------------------------------------


def rows_naming(*needles):
    """Rows that hold any of `needles`, in their text or their parameters."""
    return [n.text + n.params for n in Notification.select() if any(x in n.text + n.params for x in needles)]


def rendered_texts():
    return [r.text for r in rendered()]


def test_free_text_on_kept_trips_is_blanked(club):
    """Dee's comments, pickup addresses and cancel reasons stayed on the trips that outlive her
    (a phone number in a comment, "Dorothea's home, Elm 7")."""
    Trip.update(comment="Call me: +49 170 5550123").where(Trip.driver == 1).execute()
    trips.PickupPoint.update(address="Dorothea's home, Elm 7").where(
        trips.PickupPoint.trip == club["past"].id).execute()
    manage.cancel_trip(1, club["solo"].id, "my knee, call +49 170 5550123")
    eves = [(Trip, [club["cup"].id, club["called_off"].id]),
            (trips.PickupPoint, [p.id for p in queries.pickup_points(club["cup"].id)])]

    def eves_rows():
        return [list(m.select().where(m.id.in_(ids)).order_by(m.id).tuples()) for m, ids in eves]

    eve_before = eves_rows()

    privacy.forget_user(1)

    kept = {t.id: t for t in Trip.select().where(Trip.driver == User.get(User.name == "Former player").id)}
    assert set(kept) == {club["gym"].id, club["solo"].id, club["past"].id}  # history stays
    assert {(t.comment, t.cancel_reason) for t in kept.values()} == {
        ("", privacy.DRIVER_LEFT), ("", "")}  # gym cancelled now; solo's own reason gone; past: none
    assert kept[club["gym"].id].cancel_reason == privacy.DRIVER_LEFT
    assert {p.address for p in trips.PickupPoint.select().where(trips.PickupPoint.trip.in_(list(kept)))} == {"—"}
    assert rows_naming("5550123", "Dorothea", "Elm 7") == []
    assert eves_rows() == eve_before  # Eve's trips: as they were


def note(tid, text, state=NOTIFY_SENT, trip=None):
    n = outbox.enqueue(User.get(User.telegram_id == tid), text, kind="test", trip=trip)
    Notification.update(state=state).where(Notification.id == n.id).execute()
    return n.id


def test_notifications_naming_them_are_redacted_sent_and_pending(club):
    """Other players' rows kept Ann's name with a link to her account after /forget_me."""
    ann, bob = User.get(User.telegram_id == 2), User.get(User.telegram_id == 3)
    twin = users.register_user(9, "Ann", "Smith")[0]  # another player of the same name
    ids = {
        "sent": note(1, f"🙋 {contact_link(ann)} joined your trip to <b>Gym</b>."),
        "pending": note(4, f"🚶 {contact_link(ann)} left your trip.", state=NOTIFY_PENDING),
        "plain": note(1, "Ann Smith and @ann asked: ride with https://t.me/ann or tg://user?id=2 ?"),
        "others": note(4, f"📍 {contact_link(ann)}, {contact_link(bob)}, {contact_link(twin)}; "
                          "Ann Smithson, Annie, tg://user?id=21, t.me/anne"),
    }
    Notification.update(state=NOTIFY_SENT).where(Notification.kind != "test").execute()

    privacy.forget_user(2)

    text = {k: Notification.get_by_id(i).text for k, i in ids.items()}
    assert text["sent"] == "🙋 Former player joined your trip to <b>Gym</b>."
    assert text["pending"] == "🚶 Former player left your trip."
    assert Notification.get_by_id(ids["pending"]).state == NOTIFY_PENDING  # still delivered, redacted
    assert text["plain"] == "Former player and Former player asked: ride with Former player or Former player ?"
    assert text["others"] == (f"📍 Former player, {contact_link(bob)}, "
                              '<a href="tg://user?id=9">Ann Smith</a>; '
                              "Ann Smithson, Annie, tg://user?id=21, t.me/anne")
    # what forgetting itself wrote (the drivers told a seat is free) names nobody either
    assert notes(1)[-1].startswith("🚶 Former player left your trip to <b>Gym</b>")
    assert rows_naming("t.me/ann\"", "tg://user?id=2\"", "@ann ") == []


def test_notifications_naming_a_forgotten_driver_lose_their_car_and_trip_details(club):
    users.set_car(1, "red Skoda, AB-123")
    dee = User.get(User.telegram_id == 1)
    Trip.update(comment="Call me: 0170 5550123").where(Trip.id == club["gym"].id).execute()
    reminder = note(2, f"⏰ Reminder: your ride to <b>Gym</b>.\n📍 Be at: Station, 18:00\n"
                       f"🚗 Driver: {contact_link(dee)} · red Skoda, AB-123\n💬 Call me: 0170 5550123",
                    state=NOTIFY_PENDING, trip=club["gym"].id)
    other = note(2, "📍 Be at: Station, 09:00 (Eve's trip)", trip=club["cup"].id)

    privacy.forget_user(1)

    assert Notification.get_by_id(reminder).text == (
        "⏰ Reminder: your ride to <b>Gym</b>.\n📍 Be at: —, 18:00\n🚗 Driver: Former player\n💬 —")
    assert Notification.get_by_id(other).text == "📍 Be at: Station, 09:00 (Eve's trip)"
    assert rows_naming("Skoda", "5550123", "t.me/dee", "Dee Driver") == []


def test_redaction_is_part_of_the_one_transaction(club, monkeypatch):
    n = note(1, "🙋 <a href=\"https://t.me/ann\">Ann Smith</a> joined.")
    monkeypatch.setattr(User, "update", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        privacy.forget_user(2)
    assert "Ann Smith" in Notification.get_by_id(n).text
    assert Trip.get_by_id(club["gym"].id).status != TRIP_CANCELLED


def test_redaction_matches_links_in_any_case_and_names_as_written(club):
    users.register_user(8, None)  # no name on Telegram: "Player"
    n = note(1, "Former player, Player, player; T.ME/Ann and @ANN; Ann smith")
    m = note(4, "Former player left your trip.")
    privacy.forget_user(8)
    assert Notification.get_by_id(n).text == "Former player, Former player, player; T.ME/Ann and @ANN; Ann smith"
    privacy.forget_user(2)
    assert Notification.get_by_id(n).text == ("Former player, Former player, player; Former player and "
                                              "Former player; Ann smith")
    assert Notification.get_by_id(m).text == "Former player left your trip."


async def test_forget_me_refused_says_why_and_leaves_no_dialog(club, env):
    """Forgotten meanwhile (another device): "Yes" is answered with the reason, nothing else
    is written, and the player has no dialog left; /start makes them a new player."""
    ann = env.player(2, "Ann")
    await ann.send("/forget_me")
    privacy.forget_user(2)
    notifications = Notification.select().count()
    await ann.click("🗑 Yes, forget me")
    assert any("send /start" in (a.text or "") and a.show_alert for a in env.bot.callback_answers())
    assert not any("I have forgotten you" in t for t in env.bot.sent_texts(2))
    assert Notification.select().count() == notifications
    screen = await ann.send("/start")
    assert "Welcome" in screen.text
