"""Start-up that cannot steal traffic (issue #17 item 8): a replica sets the webhook and the command
menu only when Telegram's differ, and a polling process refuses to delete a webhook that is set
unless asked to (`run --force-polling`)."""

import json
import signal
import subprocess
import urllib.request

import pytest
from aiogram import Bot
from aiogram.types import WebhookInfo

from bot.commands import MENUS, register_commands
from bot.runmodes.startup import StartupRefused, ensure_polling, ensure_webhook, webhook_mismatch
from bot.devtools.fakeapi import BENIGN_ERRORS, FakeTelegram
from bot.devtools.fakeapi.client import fake_bot
from tests.process import BotProcess, carpool_bot_command
from tests.test_locks import EXIT_REFUSED, TOKEN, carpool_bot
from tests.test_webhook import HOOK, SECRET, Hook


def make_bot(tg: FakeTelegram) -> Bot:
    return fake_bot(tg.base_url, TOKEN)


def calls(tg: FakeTelegram, method: str, start: int = 0) -> list:
    return [r for r in tg.requests[start:] if r.method == method]


def telegram_call(tg: FakeTelegram, method: str, **params) -> dict:
    """Another deployment (or the operator) calling the Bot API directly."""
    request = urllib.request.Request(f"{tg.base_url}/bot{TOKEN}/{method}", data=json.dumps(params).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["result"]


# --- in process: the decisions -----------------------------------------------------------------

async def test_webhook_is_set_only_when_telegrams_differs(tg):
    async with make_bot(tg) as bot:
        assert await ensure_webhook(bot, HOOK, secret=SECRET, allowed_updates=["message", "callback_query"])
        # Replicas starting together (or a restart) find it already there.
        for _ in range(3):
            assert not await ensure_webhook(bot, HOOK, secret=SECRET, allowed_updates=["callback_query", "message"])
        assert len(calls(tg, "setWebhook")) == 1
        # A change the bot can see is applied: other update types, another URL.
        assert await ensure_webhook(bot, HOOK, secret=SECRET, allowed_updates=["message"])
        assert await ensure_webhook(bot, HOOK + "2", secret=SECRET, allowed_updates=["message"])
        # Asked explicitly (a changed WEBHOOK_SECRET, which Telegram never shows).
        assert await ensure_webhook(bot, HOOK + "2", secret=SECRET, allowed_updates=["message"], reset=True)
    assert [r.params["url"] for r in calls(tg, "setWebhook")] == [HOOK, HOOK, HOOK + "2", HOOK + "2"]
    assert all(r.params["secret_token"] == SECRET for r in calls(tg, "setWebhook"))
    assert not tg.rejected()


def test_a_webhook_refusing_telegram_with_401_is_set_again():
    """Telegram keeps the secret it was given and never shows it: deliveries refused with 401 are how a
    changed WEBHOOK_SECRET shows, so the next start sets the webhook again."""
    same = dict(url=HOOK, has_custom_certificate=False, pending_update_count=3, allowed_updates=["message"])
    assert webhook_mismatch(WebhookInfo(**same), HOOK, ["message"]) is None
    assert webhook_mismatch(WebhookInfo(**same, last_error_date=1, last_error_message="Wrong response from the "
                                        "webhook: 502 Bad Gateway"), HOOK, ["message"]) is None
    stale = WebhookInfo(**same, last_error_date=1, last_error_message="Wrong response from the webhook: 401 Unauthorized")
    assert "401" in webhook_mismatch(stale, HOOK, ["message"])
    assert webhook_mismatch(WebhookInfo(**same), HOOK, ["message", "my_chat_member"]) is not None
    assert webhook_mismatch(WebhookInfo(**dict(same, url="")), HOOK, ["message"]) is not None


async def test_polling_leaves_a_set_webhook_alone_unless_forced(tg):
    async with make_bot(tg) as bot:
        assert not await ensure_polling(bot)  # no webhook: nothing to delete, nothing deleted
        assert calls(tg, "deleteWebhook") == []
        telegram_call(tg, "setWebhook", url=HOOK)  # another deployment takes the updates
        with pytest.raises(StartupRefused) as refused:
            await ensure_polling(bot)
        message = str(refused.value)
        assert HOOK in message and "--force-polling" in message and "WEBHOOK_URL" in message
        assert calls(tg, "deleteWebhook") == [] and (await bot.get_webhook_info()).url == HOOK
        assert await ensure_polling(bot, force=True)
        assert (await bot.get_webhook_info()).url == ""
    assert [r.params.get("drop_pending_updates") for r in calls(tg, "deleteWebhook")] == [False]


async def test_commands_are_set_only_when_telegrams_differ(tg):
    async with make_bot(tg) as bot:
        assert await register_commands(bot)
        assert not await register_commands(bot)
        assert not await register_commands(bot)
        telegram_call(tg, "setMyCommands", commands=[{"command": "start", "description": "Old menu"}],
                      scope={"type": "all_private_chats"})
        assert await register_commands(bot)  # changed by hand (or an older version): put back
    menus = len(MENUS) * 2  # each language's menu, for private chats and for groups
    # the first run sets every menu; only the menu changed by hand is set again; the test's own call
    assert len(calls(tg, "setMyCommands")) == menus + 1 + 1
    assert len(calls(tg, "getMyCommands")) == 4 * menus


# --- the real process --------------------------------------------------------------------------

def test_a_restarted_webhook_replica_leaves_webhook_and_commands_alone(tg, tmp_path):
    web = Hook()
    first = BotProcess(tg, tmp_path, **web.env)
    try:
        first.start(wait_polling=False)
        web.wait_serving(first)
        assert len(calls(tg, "setWebhook")) == 1 and len(calls(tg, "setMyCommands")) == len(MENUS) * 2
        assert first.stop()[0] == 0
    finally:
        first.kill()
    start = len(tg.requests)
    second = BotProcess(tg, tmp_path, **web.env)
    try:
        second.start(wait_polling=False)
        web.wait_serving(second)  # its start-up is over once it serves
        methods = [r.method for r in tg.requests[start:]]
        assert "getWebhookInfo" in methods and "getMyCommands" in methods
        assert "setWebhook" not in methods and "setMyCommands" not in methods and "deleteWebhook" not in methods
        assert second.stop()[0] == 0
    finally:
        second.kill()
    assert not tg.rejected(ignore=BENIGN_ERRORS)


def test_polling_refuses_to_take_over_a_webhook_unless_forced(tg, tmp_path):
    telegram_call(tg, "setWebhook", url=HOOK, secret_token=SECRET)  # the production deployment
    bot = BotProcess(tg, tmp_path)
    proc = carpool_bot(bot.env, "run", cwd=tmp_path)
    output = proc.stdout + proc.stderr
    assert proc.returncode == EXIT_REFUSED, output
    assert output.count("--force-polling") == 1 and HOOK in output and "Traceback" not in output, output
    assert calls(tg, "deleteWebhook") == [] and tg.polls_started == 0
    assert telegram_call(tg, "getWebhookInfo")["url"] == HOOK  # the webhook keeps its traffic

    # Asked to: the webhook goes, this process polls.
    log = open(tmp_path / "forced.log", "wb")
    forced = subprocess.Popen(carpool_bot_command() + ["run", "--force-polling"], cwd=tmp_path, env=bot.env,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        tg.wait_polling(timeout=60)
        assert [r.params.get("drop_pending_updates") for r in calls(tg, "deleteWebhook")] == [False]
        ann = tg.user(1001, "Ann")
        ann.send("/start")
        ann.wait_screen("Welcome")
        forced.send_signal(signal.SIGTERM)
        assert forced.wait(30) == 0
    finally:
        if forced.poll() is None:
            forced.kill()
            forced.wait()
        log.close()
    assert telegram_call(tg, "getWebhookInfo")["url"] == ""
    assert not tg.rejected(ignore=BENIGN_ERRORS)
