"""One command table (dialogs/menu/commands.py) produces the handlers' registration, the /help
text and Telegram's command menu (issue #18): a command cannot be in one and not the others."""

from aiogram.filters import Command, CommandStart

from bot.commands import command_menu
from dialogs.i18n import tr_for
from dialogs.menu.commands import COMMANDS, build_commands_router, help_text

MENU = command_menu("en")
HELP_TEXT = help_text(tr_for("en"))


def registered() -> set[str]:
    names = set()
    for handler in build_commands_router().message.handlers:
        for flt in handler.filters:
            if isinstance(flt.callback, CommandStart):
                names.add("start")
            elif isinstance(flt.callback, Command):
                names.update(str(c) for c in flt.callback.commands)
    return names


def test_table_registration_help_and_menu_agree():
    table = {c.name for c in COMMANDS}
    aliases = {a for c in COMMANDS for a in c.aliases}
    assert registered() == table | aliases
    assert [name for name, _ in MENU] == [c.name for c in COMMANDS]
    assert [c.name for c in COMMANDS if f"/{c.name} — " not in HELP_TEXT] == []
    assert all(1 <= len(description) <= 256 for _, description in MENU)  # Telegram's limits


async def test_every_command_answers(env):
    from models import ROLE_PASSENGER, users

    users.register_user(5, "Pat")
    users.set_role(5, ROLE_PASSENGER)
    pat = env.player(5, "Pat")
    for command in COMMANDS:
        shown, said = len(env.mm.sent_messages), len(env.bot.sent_texts(5))
        await pat.send(f"/{command.name}")
        # every command answers: a window of the dialogs or a message of its own
        assert len(env.mm.sent_messages) > shown or len(env.bot.sent_texts(5)) > said, command.name
