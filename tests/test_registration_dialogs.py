"""Registration, main menu and role switching through the real dispatcher."""

from models import ROLE_DRIVER, ROLE_PASSENGER, User, users


async def test_new_user_picks_role_and_lands_on_menu(env):
    ann = env.player(1, "Ann")
    screen = await ann.send("/start")
    assert "Welcome" in screen.text and "Ann" in screen.text
    assert User.get(User.telegram_id == 1).role is None
    screen = await ann.click("🚗 I drive")
    assert "you are a 🚗 driver" in screen.text
    assert User.get(User.telegram_id == 1).role == ROLE_DRIVER


async def test_switch_role_confirm_and_back(env):
    bob = env.player(2, "Bob")
    await bob.send("/start")
    await bob.click("🙋 I need a ride")
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
