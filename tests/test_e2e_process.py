"""The real bot process against the fake Bot API, over HTTP."""

import os
import signal
import time
from pathlib import Path

import pytest

from bot.devtools.fakeapi import BENIGN_ERRORS
from tests.process import BotProcess

TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"


@pytest.fixture
def bot(tg, tmp_path):
    process = BotProcess(tg, tmp_path)
    yield process
    process.kill()


def test_starts_registers_commands_polls_and_stops_cleanly(tg, bot):
    bot.start(exec_script=True)  # the installed script itself, imports and all (others are forked)
    bot.wait_request("getMe")
    commands = {c["command"] for c in tg.commands(scope={"type": "all_private_chats"})}
    assert {"start", "newtrip", "switch_role", "cancel", "help"} <= commands
    ann = tg.user(100, "Ann")
    ann.send("/start")
    ann.wait_screen("Welcome")
    ann.press("🚗 I drive")
    ann.wait_screen("you are a 🚗 driver")
    # a slow handler is running when SIGTERM arrives: it finishes, then the bot exits 0
    tg.delay("sendMessage", 2.0)
    sends = tg.arrived("sendMessage")
    ann.send("/help")
    tg.wait_arrived("sendMessage", sends + 1)  # the /help answer is on its way, 2 s from done
    code, took = bot.stop(signal.SIGTERM)
    assert code == 0, bot.output()
    assert took < 8
    assert any("/switch_role" in (m.text or "") for m in ann.messages())
    assert not tg.rejected(ignore=BENIGN_ERRORS)
    out = bot.output()
    assert TOKEN not in out and "Traceback" not in out
    assert TOKEN not in (bot.workdir / "logs" / "carpool-bot.log").read_text()


def test_role_choice_survives_a_restart(tg, bot, tmp_path):
    bot.start()
    bea = tg.user(200, "Bea")
    bea.send("/start")
    bea.wait_screen("Welcome")
    code, _ = bot.stop(signal.SIGINT)
    assert code == 0
    restarted = BotProcess(tg, tmp_path)
    try:
        restarted.start()
        bea.press("🙋 I need a ride")  # the button of the window the first process showed
        bea.wait_screen("you are a 🙋 passenger")
        code, _ = restarted.stop()
        assert code == 0
    finally:
        restarted.kill()
    assert not tg.rejected(ignore=BENIGN_ERRORS)


def test_a_bot_that_exits_at_start_fails_the_wait_at_once(tg, tmp_path):
    """A broken start (here: a bad setting) fails the test as soon as the process is gone,
    with its output, instead of after the whole 60 s wait for polling."""
    broken = BotProcess(tg, tmp_path, TIMEZONE="Nowhere/Town")
    started = time.monotonic()
    with pytest.raises(AssertionError, match=r"bot is not polling \(the bot exited with 2\)") as failure:
        broken.start()
    assert time.monotonic() - started < 30
    assert "TIMEZONE" in str(failure.value)
    broken.kill()


def test_a_forked_bot_is_the_scripts_program_in_a_process_of_its_own(tg, bot, tmp_path):
    """tests/forkserver.py: the bot runs in its own process, adopted by the test process, with the
    test's environment and folder, and its exit status (a signal too) reaches the test."""
    from tests import forkserver

    if not forkserver.enabled():
        pytest.skip("CARPOOL_TEST_FORKSERVER=0: bots are exec'd")
    assert not {name.split(".")[0] for name in forkserver.PRELOAD} & {"bot", "dialogs", "models", "migrations"}
    bot.start()
    assert isinstance(bot.proc, forkserver.ForkedProcess), "the fork server did not start"
    pid = bot.proc.pid
    status = dict(line.split(":\t", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    assert int(status["PPid"]) == os.getpid()
    assert Path(f"/proc/{pid}/cwd").resolve() == tmp_path.resolve()
    tg.user(300, "Cy").send("/start")  # it found the fake by TELEGRAM_API_URL ...
    tg.user(300).wait_screen("Welcome")
    assert (tmp_path / "data" / "carpool.sqlite3").stat().st_size  # ... and its database by DATABASE_URL
    code, _ = bot.stop(signal.SIGKILL)
    assert code == -signal.SIGKILL
    restarted = BotProcess(tg, tmp_path).start()
    try:
        assert restarted.proc.pid != pid
        assert restarted.stop()[0] == 0
    finally:
        restarted.kill()
    assert "Traceback" not in bot.output()
