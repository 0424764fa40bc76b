"""Peewee tables. A change here needs a migration in `migrations/` (a test checks drift).

Times: every `DateTimeField` holds naive UTC. A trip's date and its pickup times are
what the driver typed, in the club's time zone; `Trip.departs_at` / `Trip.ends_at`
are the first and last pickup in UTC, kept in step by the operations, so lists and
the scheduler can use an index instead of computing local times row by row.
"""

from __future__ import annotations

import peewee as pw

from .base import BaseModel, utcnow

ROLE_DRIVER = "driver"
ROLE_PASSENGER = "passenger"
ROLES = (ROLE_DRIVER, ROLE_PASSENGER)

LANGUAGES = ("en", "ru", "de")  # the languages the bot speaks (dialogs/locales/<language>/)

TRIP_OPEN = "open"
TRIP_CANCELLED = "cancelled"
TRIP_DONE = "done"
TRIP_STATUSES = (TRIP_OPEN, TRIP_CANCELLED, TRIP_DONE)

NOTIFY_PENDING = "pending"
NOTIFY_SENDING = "sending"  # claimed by one sender (claimed_by, claimed_at); pending again if it dies
NOTIFY_SENT = "sent"
NOTIFY_DROPPED = "dropped"  # recipient unreachable (blocked the bot, never started it)
NOTIFY_FAILED = "failed"  # Telegram refused it for good (a 400 other than a flood wait)
NOTIFY_EXPIRED = "expired"  # no longer mattered before it could go out (its trip over, or too old)
NOTIFY_STATES = (NOTIFY_PENDING, NOTIFY_SENDING, NOTIFY_SENT, NOTIFY_DROPPED, NOTIFY_FAILED, NOTIFY_EXPIRED)
NOTIFY_UNSENT = (NOTIFY_PENDING, NOTIFY_SENDING)  # the rest are final


class User(BaseModel):
    telegram_id = pw.BigIntegerField(unique=True, index=True)
    name = pw.CharField(max_length=256)
    username = pw.CharField(max_length=64, null=True)
    role = pw.CharField(max_length=16, null=True)  # None until the player picks one
    car = pw.CharField(max_length=100, default="")
    reachable = pw.BooleanField(default=True)
    unreachable_reason = pw.CharField(max_length=200, default="")
    forgotten_at = pw.DateTimeField(null=True)  # /forget_me: personal data removed, rows kept anonymous
    # "en", "ru", "de": from Telegram's language_code at registration, then the player's choice;
    # "" (players registered before languages): follow each update's language_code.
    language = pw.CharField(max_length=8, default="")
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)

    @property
    def is_driver(self) -> bool:
        return self.role == ROLE_DRIVER


EVENT_TRAINING = "training"
EVENT_GAME = "game"
EVENT_OTHER = "other"
EVENT_KINDS = (EVENT_TRAINING, EVENT_GAME, EVENT_OTHER)
EVENT_OPEN = "open"
EVENT_CANCELLED = "cancelled"
EVENT_STATUSES = (EVENT_OPEN, EVENT_CANCELLED)


class Event(BaseModel):
    """A club event (issue #21): a training, a game, anything players ride to. Created, edited
    and cancelled by club admins (`models.events`). `date` and `start_time` are local (the
    club's time zone), `starts_at` the same instant in UTC, kept in step by the operations.

    A weekly event is a series of rows, one per week: `series` points at the first occurrence
    (itself included), `weekly` on the latest occurrence says the series goes on, and the
    scheduler adds the next occurrence once the latest has started (`events.roll_weekly`;
    unique on (series, date), so two schedulers never make it twice). `series` is None for a
    one-off event."""

    kind = pw.CharField(max_length=16)  # one of EVENT_KINDS
    title = pw.CharField(max_length=60)
    venue = pw.CharField(max_length=100)  # the address players go to
    date = pw.DateField(index=True)
    start_time = pw.TimeField(formats=["%H:%M:%S", "%H:%M"])
    starts_at = pw.DateTimeField(index=True)
    weekly = pw.BooleanField(default=False)
    series = pw.ForeignKeyField("self", backref="occurrences", null=True, on_delete="SET NULL", index=True)
    status = pw.CharField(max_length=16, default=EVENT_OPEN)
    cancel_reason = pw.TextField(default="")
    created_by = pw.ForeignKeyField(User, backref="events", null=True, on_delete="SET NULL", index=True)
    creation_key = pw.CharField(max_length=32, null=True)  # the create dialog's intent id, as for Trip
    version = pw.IntegerField(default=1)
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "event"
        indexes = ((("created_by", "creation_key"), True), (("series", "date"), True))


class Trip(BaseModel):
    driver = pw.ForeignKeyField(User, backref="trips", on_delete="CASCADE", index=True)
    destination = pw.CharField(max_length=100)
    departure_date = pw.DateField()
    seats = pw.IntegerField()
    status = pw.CharField(max_length=16, default=TRIP_OPEN, index=True)
    comment = pw.TextField(default="")
    cancel_reason = pw.TextField(default="")
    departs_at = pw.DateTimeField(index=True)
    ends_at = pw.DateTimeField(index=True)
    version = pw.IntegerField(default=1)
    # The wizard's intent id: one confirmation makes one trip, whether Telegram delivers it
    # again after a crash or the driver presses it again (see models.trips.create_trip).
    creation_key = pw.CharField(max_length=32, null=True)
    event = pw.ForeignKeyField(Event, backref="trips", null=True, on_delete="SET NULL", index=True)  # issue #21
    # Issue #22. The driver's "Release unanswered seats at …" (UTC): seats still waiting for a
    # passenger's re-confirmation are freed then (`manage.release_unanswered`); None: never.
    release_unanswered_at = pw.DateTimeField(null=True)
    # A return leg points to its outbound trip (`trips.create_trip(outbound_id=…)`); its pickup
    # points are its drop-off points, the first one its departure place (the venue by default).
    outbound = pw.ForeignKeyField("self", backref="return_legs", null=True, on_delete="SET NULL", index=True)
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("driver", "creation_key"), True),)


class Stop(BaseModel):
    """The columns of a place and time to get in, shared by a trip's pickup point and a
    template's, so a template's point always fits a trip. Not a table (not in ALL_MODELS)."""

    address = pw.CharField(max_length=200)
    time = pw.TimeField(formats=["%H:%M:%S", "%H:%M"])
    position = pw.IntegerField(default=0)


class PickupPoint(Stop):
    trip = pw.ForeignKeyField(Trip, backref="pickup_points", on_delete="CASCADE", index=True)

    class Meta:
        table_name = "pickup_point"


RECONFIRM_NONE = ""  # nothing to confirm
RECONFIRM_ASKED = "asked"  # the driver changed the trip: "Still OK?" waits for an answer
RECONFIRM_OK = "ok"  # answered "👍 Still OK"


class Participant(BaseModel):
    trip = pw.ForeignKeyField(Trip, backref="participants", on_delete="CASCADE", index=True)
    passenger = pw.ForeignKeyField(User, backref="seats", on_delete="CASCADE", index=True)
    pickup_point = pw.ForeignKeyField(PickupPoint, backref="participants", on_delete="CASCADE", index=True)
    joined_at = pw.DateTimeField(default=utcnow)
    reconfirm = pw.CharField(max_length=8, default=RECONFIRM_NONE)  # issue #22: one of RECONFIRM_*
    asked_at = pw.DateTimeField(null=True)  # when "Still OK?" was last asked

    class Meta:
        indexes = ((("trip", "passenger"), True),)


WAIT_WAITING = "waiting"  # in line
WAIT_OFFERED = "offered"  # a freed seat is held for them until `offer_expires_at`
WAIT_TOOK = "took"  # took the seat
WAIT_LEFT = "left"  # left the line, or passed on the offer
WAIT_EXPIRED = "expired"  # let the offer run out
WAIT_CLEARED = "cleared"  # the trip was cancelled or left: the line is closed
WAIT_STATUSES = (WAIT_WAITING, WAIT_OFFERED, WAIT_TOOK, WAIT_LEFT, WAIT_EXPIRED, WAIT_CLEARED)
WAIT_ACTIVE = (WAIT_WAITING, WAIT_OFFERED)  # still in line


class WaitEntry(BaseModel):
    """A player in line for a seat in a full trip (issue #22, `models.waitlist`). The line is
    ordered by id; at most one active (waiting or offered) entry per trip and player, kept so
    by the operations under the trip's lock. The other statuses are history."""

    trip = pw.ForeignKeyField(Trip, backref="wait_entries", on_delete="CASCADE", index=True)
    passenger = pw.ForeignKeyField(User, backref="wait_entries", on_delete="CASCADE", index=True)
    # where they want to get in (None: the point was removed since; they pick one when they take the seat)
    pickup_point = pw.ForeignKeyField(PickupPoint, backref="wait_entries", null=True, on_delete="SET NULL",
                                      index=True)
    status = pw.CharField(max_length=16, default=WAIT_WAITING)
    offered_at = pw.DateTimeField(null=True)
    offer_expires_at = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "wait_entry"
        indexes = ((("trip", "status"), False), (("status", "offer_expires_at"), False))


class TripTemplate(BaseModel):
    driver = pw.ForeignKeyField(User, backref="templates", on_delete="CASCADE", index=True)
    name = pw.CharField(max_length=40)
    destination = pw.CharField(max_length=100)
    seats = pw.IntegerField()
    comment = pw.TextField(default="")
    creation_key = pw.CharField(max_length=32, null=True)  # the save dialog's intent id, as for Trip
    # A weekly event's series (its first occurrence): using the template picks the series'
    # next occurrence (`queries.next_in_series`).
    event = pw.ForeignKeyField(Event, backref="templates", null=True, on_delete="SET NULL", index=True)
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "trip_template"
        indexes = ((("driver", "name"), True), (("driver", "creation_key"), True))


class TemplatePickupPoint(Stop):
    template = pw.ForeignKeyField(TripTemplate, backref="pickup_points", on_delete="CASCADE", index=True)

    class Meta:
        table_name = "template_pickup_point"


class FsmRecord(BaseModel):
    """aiogram FSM / aiogram-dialog state, one row per storage key (see bot/infra/storage.py)."""

    key = pw.CharField(max_length=255, primary_key=True)
    state = pw.CharField(max_length=255, null=True)
    data = pw.TextField(default="{}")
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "fsm_record"


class Notification(BaseModel):
    """The outbox: a message to one player, written in the transaction of the change it
    reports and delivered later by `bot.workers.notifier` (see `models.outbox`).

    A row holds what happened, not how it reads: its `kind` and `params` (JSON: ids, ISO
    dates, numbers, the values an edit changed), rendered into text and buttons when it is
    sent (`dialogs.notifications`), so names are read then (a forgotten player reads
    "Former player") and the text can follow the reader's language. `text` holds a finished
    text only for rows written before migration 007 and ad-hoc messages (`outbox.enqueue`)."""

    recipient = pw.ForeignKeyField(User, backref="notifications", on_delete="CASCADE", index=True)
    chat_id = pw.BigIntegerField()  # recipient.telegram_id, so the sender needs no join
    kind = pw.CharField(max_length=32)  # the message kind, e.g. "trip_cancelled": picks its renderer
    params = pw.TextField(default="{}")  # JSON object: the message's parameters
    text = pw.TextField(default="")  # finished HTML (user parts escaped), or "" to render kind + params
    trip = pw.ForeignKeyField(Trip, backref="notifications", null=True, on_delete="SET NULL", index=True)
    reply_markup = pw.TextField(default="")  # with `text`: JSON of an InlineKeyboardMarkup, "" for none
    state = pw.CharField(max_length=16, default=NOTIFY_PENDING)
    attempts = pw.IntegerField(default=0)
    error = pw.TextField(default="")  # last error, or why it was dropped
    created_at = pw.DateTimeField(default=utcnow)
    sent_at = pw.DateTimeField(null=True)
    next_attempt_at = pw.DateTimeField(null=True)  # set by a retry; None: due now
    claimed_by = pw.CharField(max_length=64, default="")  # the sender that holds it while `sending`
    claimed_at = pw.DateTimeField(null=True)  # when: a claim older than the claim timeout is released

    class Meta:
        table_name = "notification"
        indexes = ((("state", "id"), False),)


class SentReminder(BaseModel):
    """A reminder settled for one recipient of one trip at one offset (see models.lifecycle).
    Unique on (trip, recipient, offset): a scheduler that runs twice, restarts or races
    another replica never repeats one, whatever edits move the trip's time."""

    trip = pw.ForeignKeyField(Trip, backref="reminders", on_delete="CASCADE", index=True)
    recipient = pw.ForeignKeyField(User, backref="reminders", on_delete="CASCADE", index=True)
    offset_minutes = pw.IntegerField()  # one of Settings.reminders, in minutes
    due_at = pw.DateTimeField()  # pickup - offset (UTC) when it was settled
    superseded = pw.BooleanField(default=False)  # not sent: a smaller offset was due at the same time
    # The passenger's one-tap answers to this reminder, each told to the driver once.
    told_way_at = pw.DateTimeField(null=True)  # "On my way"
    told_late_at = pw.DateTimeField(null=True)  # "Running late"
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "sent_reminder"
        indexes = ((("trip", "recipient", "offset_minutes"), True),)


CHAT_ACTIVE = ("member", "administrator", "creator")  # the bot's statuses in a group where it can post


class ClubChat(BaseModel):
    """The club's group chat (CLUB_CHAT_ID) as the bot last heard of it from Telegram
    (`my_chat_member`), issue #20. Posting stops while the bot is not a member."""

    chat_id = pw.BigIntegerField(unique=True)
    status = pw.CharField(max_length=16, default="member")  # the bot's: member, administrator, left, kicked
    can_pin = pw.BooleanField(default=False)  # administrator with "pin messages"
    configured_by = pw.BigIntegerField(null=True)  # Telegram id of whoever added or promoted the bot: told when it is out
    board_posted_at = pw.DateTimeField(null=True)  # the board's last new message (/board's cool-down)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "club_chat"


POST_TRIP = "trip"  # a trip's announcement
POST_BOARD = "board"  # "Rides this week", pinned when the bot may


class GroupPost(BaseModel):
    """One message of the bot in the club chat, kept up to date: a group outbox (issue #20).

    A change writes no new row: it bumps `version` in its own transaction (`models.club.touch`),
    and the poster (`bot.workers.poster`) renders the current state when it sends or edits, so
    50 changes make one edit, not 50. Pending: `version > sent_version`. Claimed like a
    notification (`claimed_by`, `claimed_at`) so two posters never both send it."""

    chat_id = pw.BigIntegerField()
    kind = pw.CharField(max_length=8)  # POST_TRIP or POST_BOARD
    trip = pw.ForeignKeyField(Trip, backref="group_posts", null=True, on_delete="CASCADE", index=True)
    message_id = pw.BigIntegerField(null=True)  # None: to be sent (first time, or the old one is gone)
    version = pw.IntegerField(default=1)  # bumped by every change the message shows
    sent_version = pw.IntegerField(default=0)  # the version Telegram shows
    due_at = pw.DateTimeField(default=utcnow)  # not before (changes in a burst make one edit)
    repost = pw.BooleanField(default=False)  # /board: the next send is a new message at the bottom
    pinned = pw.BooleanField(default=False)
    attempts = pw.IntegerField(default=0)
    error = pw.TextField(default="")
    claimed_by = pw.CharField(max_length=64, default="")
    claimed_at = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "group_post"
        indexes = ((("chat_id", "kind", "trip"), True),)


REQUEST_OPEN = "open"  # still needs a ride
REQUEST_SEATED = "seated"  # has a seat in `trip` (joined a trip to the event)
REQUEST_OWN = "own"  # goes on their own: not in the list of who needs a ride
REQUEST_WITHDRAWN = "withdrawn"
REQUEST_STATUSES = (REQUEST_OPEN, REQUEST_SEATED, REQUEST_OWN, REQUEST_WITHDRAWN)


class RideRequest(BaseModel):
    """"I need a ride" (issue #21): to an event, or without one to a free date and destination.
    At most one row per (passenger, event): asking again reopens it (`models.requests`). A
    free request has `event` None, a `date` and a `destination`; `area` is where the player
    would be picked up ("" = anywhere)."""

    passenger = pw.ForeignKeyField(User, backref="ride_requests", on_delete="CASCADE", index=True)
    event = pw.ForeignKeyField(Event, backref="requests", null=True, on_delete="CASCADE", index=True)
    date = pw.DateField(null=True)  # a free request's date (None with an event)
    destination = pw.CharField(max_length=100, default="")  # a free request's ("" with an event)
    area = pw.CharField(max_length=60, default="")
    status = pw.CharField(max_length=16, default=REQUEST_OPEN)
    trip = pw.ForeignKeyField(Trip, backref="ride_requests", null=True, on_delete="SET NULL", index=True)
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "ride_request"
        indexes = ((("passenger", "event"), True),)


class RideAlert(BaseModel):
    """"Tell me about new trips to …" (issue #21): to an event (a weekly one's series: its first
    occurrence), or without events to a destination, on one weekday (0 = Monday) or any."""

    user = pw.ForeignKeyField(User, backref="ride_alerts", on_delete="CASCADE", index=True)
    event = pw.ForeignKeyField(Event, backref="alerts", null=True, on_delete="CASCADE", index=True)
    destination = pw.CharField(max_length=100, default="")  # "" with an event
    weekday = pw.IntegerField(null=True)  # 0-6, None: any day
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "ride_alert"
        indexes = ((("user", "event"), True),)


class ProcessedUpdate(BaseModel):
    """Telegram update ids handled recently, so a redelivered update has its effects once.
    Ids are not monotonic over long gaps, so a set with a time limit, not "highest seen"."""

    update_id = pw.BigIntegerField(primary_key=True)
    seen_at = pw.DateTimeField(default=utcnow, index=True)

    class Meta:
        table_name = "processed_update"


ALL_MODELS = [
    User, Trip, PickupPoint, Participant, TripTemplate, TemplatePickupPoint, FsmRecord, Notification,
    SentReminder, ProcessedUpdate, ClubChat, GroupPost, Event, RideRequest, RideAlert, WaitEntry,
]
