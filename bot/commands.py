"""The command menu (`setMyCommands`): one list, extended by each flow."""

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats

COMMANDS: list[tuple[str, str]] = [
    ("start", "Main menu"),
    ("trips", "Find a ride"),
    ("mytrips", "Your trips"),
    ("newtrip", "Offer a ride (drivers)"),
    ("templates", "Your trip templates (drivers)"),
    ("history", "Past trips"),
    ("switch_role", "Switch between driver and passenger"),
    ("forget_me", "Delete your data from this bot"),
    ("cancel", "Leave the current dialog"),
    ("help", "How this bot works"),
]


async def register_commands(bot: Bot) -> None:
    await bot.set_my_commands(
        [BotCommand(command=c, description=d) for c, d in COMMANDS],
        scope=BotCommandScopeAllPrivateChats(),
    )
