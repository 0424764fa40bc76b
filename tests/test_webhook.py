"""Webhook mode and health, with the real process against the fake Bot API."""

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


from bot.devtools.fakeapi import BENIGN_ERRORS
from tests.process import BotProcess

TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"
SECRET = "s3cret-webhook-token-0123456789abcdef"
HOOK = "https://bot.example.org/telegram/webhook"  # the address the bot gives Telegram


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hook:
    """A bot process serving webhooks on a free port of 127.0.0.1: its settings and addresses."""

    def __init__(self) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.base}/telegram/webhook"  # where the tests post updates, as Telegram would
        self.env = dict(WEBHOOK_URL=HOOK, WEBHOOK_SECRET=SECRET, WEBHOOK_HOST="127.0.0.1",
                        WEBHOOK_PORT=str(self.port))

    def healthy(self) -> bool:
        return _get(f"{self.base}/healthz") == 200

    def wait_serving(self, bot: BotProcess, timeout: float = 60) -> None:
        """Until the process answers /healthz with 200; fails at once if it exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.healthy():
                return
            assert bot.proc.poll() is None, f"bot exited with {bot.proc.returncode}:\n{bot.output()}"
            time.sleep(0.05)
        raise AssertionError(f"webhook server not up within {timeout}s:\n{bot.output()}")


def post(url: str, body: dict, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, ConnectionError):
        return 0  # not listening (yet)


def message_update(update_id: int, user_id: int, text: str) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id, "date": int(time.time()), "text": text,
            "chat": {"id": user_id, "type": "private", "first_name": "Ann"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Ann"},
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
            if text.startswith("/") else [],
        },
    }


def wait_until(check, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def healthy(beat) -> bool:
    proc = subprocess.run([sys.executable, "-m", "bot.health", str(beat)], capture_output=True, text=True)
    return proc.returncode == 0


def test_webhook_mode_secret_health_and_clean_stop(tg, tmp_path):
    web = Hook()
    beat = tmp_path / "data" / "heartbeat"
    bot = BotProcess(tg, tmp_path, **web.env, HEARTBEAT_FILE=str(beat))
    try:
        bot.start(wait_polling=False)
        hook = bot.wait_request("setWebhook", timeout=60)
        assert hook.params["url"] == HOOK
        assert hook.params["secret_token"] == SECRET
        web.wait_serving(bot, timeout=20)
        ann = tg.user(7, "Ann")
        url = web.url
        assert post(url, message_update(1, 7, "/start"), None) == 401
        assert post(url, message_update(2, 7, "/start"), "wrong-secret-wrong-secret-wrong-secret") == 401
        time.sleep(0.3)
        assert ann.screen() is None  # neither was processed
        assert post(url, message_update(3, 7, "/start"), SECRET) == 200
        ann.wait_screen("Welcome")
        assert wait_until(lambda: healthy(beat)), "heartbeat missing in webhook mode"
        assert tg.polls_started == 0  # webhook mode never polls
        code, took = bot.stop(signal.SIGTERM)
        assert code == 0 and took < 10, bot.output()
        assert not tg.rejected(ignore=BENIGN_ERRORS)
        assert SECRET not in bot.output() and TOKEN not in bot.output()
    finally:
        bot.kill()


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except (urllib.error.URLError, ConnectionError, OSError) as exc:
        return getattr(exc, "code", 0)


def test_polling_mode_reports_healthy(tg, tmp_path):
    beat = tmp_path / "beat"
    bot = BotProcess(tg, tmp_path, HEARTBEAT_FILE=str(beat))
    try:
        bot.start()
        assert bot.wait_request("getWebhookInfo")
        assert not [r for r in tg.requests if r.method == "deleteWebhook"]  # none was set: nothing to delete
        assert wait_until(lambda: healthy(beat))
        code, _ = bot.stop()
        assert code == 0
    finally:
        bot.kill()


def test_webhook_needs_a_long_secret(tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("WEBHOOK_", "TELEGRAM_"))}
    env.update(TELEGRAM_TOKEN=TOKEN, WEBHOOK_URL="https://bot.example.org/hook", WEBHOOK_SECRET="short")
    proc = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and "WEBHOOK_SECRET" in proc.stderr and "Traceback" not in proc.stderr
