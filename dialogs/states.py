"""Every StatesGroup of every dialog. State names are stored in users' dialog
stacks (and in the database): renaming one is a data migration."""

from aiogram.fsm.state import State, StatesGroup


class MainSG(StatesGroup):
    menu = State()
    language = State()  # the language the bot speaks to the player (issue #19)


class RegisterSG(StatesGroup):
    role = State()


class SwitchRoleSG(StatesGroup):
    confirm = State()


class NewTripSG(StatesGroup):
    role = State()  # a passenger is asked to switch to driver first
    template = State()
    event = State()  # the club's upcoming events first, or "Somewhere else" (issue #21)
    destination = State()
    date = State()
    seats = State()
    comment = State()
    summary = State()
    created = State()
    # the way back (issue #22), from the summary's "↩️ Driving back too?": where it leaves from,
    # when, its seats; then the pickup editor takes its drop-off points
    back_from = State()
    back_time = State()
    back_seats = State()


class PickupSG(StatesGroup):
    points = State()
    address = State()
    time = State()
    remove = State()
    change = State()


class FindSG(StatesGroup):
    list = State()


class TripSG(StatesGroup):
    card = State()
    pick = State()
    confirm = State()
    change = State()
    leave = State()
    # issue #22: the waiting list, the driver's tools, both legs of a trip with a return
    wait = State()  # the pickup point to wait at (or to take the seat offered at)
    release = State()  # the driver: release the seats still unconfirmed at a time
    word = State()  # the driver: a message to every passenger, typed, then sent
    remove_pick = State()  # the driver: which passenger to remove
    remove = State()  # the reason (optional) and the confirmation, in one window
    both_out = State()  # Join both: where they get in on the way there
    both_back = State()  # and where they get out on the way back
    both_confirm = State()


class MyTripsSG(StatesGroup):
    list = State()
    request = State()  # one of the player's ride requests: change the area, withdraw (issue #21)


class CarSG(StatesGroup):
    edit = State()


class EditTripSG(StatesGroup):
    menu = State()
    destination = State()
    date = State()
    seats = State()
    comment = State()
    remove_confirm = State()
    # the reason and the confirmation in one window; a stored stack still in the former
    # cancel_confirm meets the UnknownState handler, which shows the menu
    cancel = State()


class TemplatesSG(StatesGroup):
    list = State()
    card = State()
    rename = State()
    delete = State()


class SaveTemplateSG(StatesGroup):
    # a name already taken is asked about in the same window; a stored stack still in the former
    # `clash` state meets the UnknownState handler, which shows the menu
    name = State()


class PastSG(StatesGroup):
    list = State()


class ForgetSG(StatesGroup):
    confirm = State()


class EventsSG(StatesGroup):
    """The club's events (issue #21): the list, an event's card, asking for a ride (to an event, or
    to a free place and date), and the player's alerts of new trips."""

    list = State()
    card = State()
    request = State()  # the area (optional), then ✅ Ask for a ride
    free_place = State()  # a ride to somewhere that is no event: where
    free_date = State()  # and when; then `request`
    alerts = State()  # the player's alerts: remove one, or add one for a place and weekday
    alert_place = State()
    alert_day = State()


class EventEditSG(StatesGroup):
    """Admins create an event (kind → … → summary) or edit one (from the summary), or cancel one."""

    kind = State()
    title = State()
    venue = State()
    date = State()
    time = State()
    weekly = State()
    summary = State()
    cancel = State()


ALL_STATES_GROUPS = [
    MainSG, RegisterSG, SwitchRoleSG, NewTripSG, PickupSG, FindSG, TripSG, MyTripsSG, CarSG, EditTripSG,
    TemplatesSG, SaveTemplateSG, PastSG, ForgetSG, EventsSG, EventEditSG,
]
