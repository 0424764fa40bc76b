"""Steps many dialog stories take, on the harness's players (tests/harness.py)."""

from __future__ import annotations

from aiogram.types import Message

from tests.harness import DialogEnv, Player

DRIVES, RIDES = "🚗 I drive", "🙋 I need a ride"  # the registration dialog's role buttons


async def newcomer(env: DialogEnv, uid: int, name: str, role: str) -> Player:
    """A new player who sent /start and picked `role` in the registration dialog: on the main menu."""
    player = env.player(uid, name)
    await player.send("/start")
    await player.click(role)
    return player


async def new_driver(env: DialogEnv, uid: int = 1, name: str = "Dee") -> Player:
    return await newcomer(env, uid, name, DRIVES)


async def new_passenger(env: DialogEnv, uid: int, name: str) -> Player:
    return await newcomer(env, uid, name, RIDES)


async def taps(player: Player, *labels: str) -> Message:
    """Press these buttons one after the other; the last screen."""
    for label in labels:
        screen = await player.click(label)
    return screen


async def open_my_trip(player: Player, label: str = ".*Gym.*") -> Message:
    """/mytrips, then the trip whose button matches `label`: its card."""
    await player.send("/mytrips")
    return await player.click(label)
