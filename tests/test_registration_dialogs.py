"""Registration, main menu and role switching through the real dispatcher."""

from models import ROLE_DRIVER, ROLE_PASSENGER, User, users
from tests.steps import new_driver, new_passenger


async def test_new_user_picks_role_and_lands_on_menu(env):
    ann = env.player(1, "Ann")
    screen = await ann.send("/start")
    assert "Welcome" in screen.text and "Ann" in screen.text
    assert User.get(User.telegram_id == 1).role is None
    screen = await ann.click("🚗 I drive")
    assert "you are a 🚗 driver" in screen.text
    assert User.get(User.telegram_id == 1).role == ROLE_DRIVER


async def test_switch_role_confirm_and_back(env):
    bob = await new_passenger(env, 2, "Bob")
    screen = await bob.click("🔁 Switch role")
    assert "Switch to 🚗 driver?" in screen.text
    screen = await bob.click("⬅️ Back")
    assert "you are a 🙋 passenger" in screen.text
    assert users.get_user(2).role == ROLE_PASSENGER
    await bob.click("🔁 Switch role")
    screen = await bob.click("✅ Confirm")
    assert "you are a 🚗 driver" in screen.text
    assert users.get_user(2).role == ROLE_DRIVER
    screen = await bob.send("/switch_role")
    assert "Switch to 🙋 passenger?" in screen.text


async def test_known_user_lands_on_menu_and_name_refreshes(env):
    users.register_user(3, "Old name")
    users.set_role(3, ROLE_PASSENGER)
    cat = env.player(3, "Cat")
    screen = await cat.send("/start")
    assert "<b>Cat</b>, you are a 🙋 passenger" in screen.text
    assert users.get_user(3).name == "Cat"


async def test_name_is_escaped(env):
    eve = env.player(4, "<b>Eve</b>")
    screen = await eve.send("/start")
    assert "&lt;b&gt;Eve&lt;/b&gt;" in screen.text


async def test_stale_button_is_answered_and_shows_menu(env):
    from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator

    dan = await new_driver(env, 5, "Dan")
    await dan.click("🔁 Switch role")
    old = dan.screen()
    await dan.send("/cancel")  # resets the stack: the confirmation window is gone
    callback_id = await dan.client.click(old, InlineButtonTextLocator("✅ Confirm"))
    answers = [a for a in env.bot.callback_answers() if a.callback_query_id == callback_id]
    assert answers and "out of date" in answers[0].text
    assert "you are a 🚗 driver" in dan.screen().text
    assert users.get_user(5).role == ROLE_DRIVER  # the stale Confirm changed nothing


async def test_cancel_and_help(env):
    fay = env.player(6, "Fay")
    await fay.send("/help")
    assert "/switch_role" in env.bot.sent_texts(6)[-1]
    await fay.send("/cancel")
    assert "Send /start" in env.bot.sent_texts(6)[-1]
    await fay.send("/start")
    screen = await fay.send("/cancel")
    assert "Welcome" in screen.text  # no role yet: /cancel brings back the role choice


async def test_dialog_state_survives_a_restart(database, settings):
    """The default storage keeps the dialog stack in the database: a new dispatcher
    (a restarted bot) continues the role choice that the old one showed."""
    from aiogram_dialog.test_tools import BotClient
    from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator
    from aiogram_dialog.test_tools import MockMessageManager

    from bot.app import build_dispatcher
    from tests.harness import RecordingBot

    before = MockMessageManager()
    app = build_dispatcher(settings, message_manager=before)
    client = BotClient(app.dispatcher, user_id=8, chat_id=8, bot=RecordingBot())
    await client.send("/start")
    role_window = before.last_message()

    after = MockMessageManager()
    restarted = build_dispatcher(settings, message_manager=after)
    client2 = BotClient(restarted.dispatcher, user_id=8, chat_id=8, bot=RecordingBot())
    client2.last_update_id = client.last_update_id  # Telegram's ids go on after a restart
    callback_id = await client2.click(role_window, InlineButtonTextLocator("🙋 I need a ride"))
    after.assert_answered(callback_id)
    assert "you are a 🙋 passenger" in after.last_message().text
    assert users.get_user(8).role == ROLE_PASSENGER
