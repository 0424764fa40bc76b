"""What Sentry and the logs would receive holds no secret and no personal data.

Sentry is initialized through `bot.telemetry.init_sentry` (a fake DSN, a capture transport:
nothing leaves the process) with every default integration, as in production. The bot is
the real one: `bot.app.build_dispatcher` and `create_bot`, whose requests are real aiohttp
requests to the fake Bot API — with the token in every URL, which aiohttp's Sentry
integration records in spans and breadcrumbs. Cases:

1. handlers fail while processing updates from a user with a name, a username and a phone
   number in the text (the error message even quotes them, as database errors do);
2. a successful update: its transaction (SentryMiddleware, traces_sample_rate=1.0) and spans;
3. a webhook request (the real aiohttp app of `bot.runmodes.webhook`) with the secret header and a JSON
   body full of personal data, whose handling fails.

Every serialized envelope must be free of the token, its secret part, the webhook secret, the
first and last name, the username and the phone number; and the leak paths were really
taken (spans and breadcrumbs carry the scrubbed URLs, events and transactions were sent).
"""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import time as _time

import aiohttp
import pytest
import sentry_sdk
from aiogram.types import Update
from aiohttp.test_utils import TestServer
from sentry_sdk.transport import Transport

from bot import telemetry
from bot.app import build_dispatcher, create_bot
from bot.logs import RedactingFormatter, secrets_of
from bot.runmodes.webhook import build_web_app
from models import ROLE_DRIVER, trips, users
from tests.conftest import TOKEN

DSN = "https://key@sentry.invalid/1"
SECRET = "s3cret-webhook-token-0123456789abcdef"
TOKEN_SECRET_PART = TOKEN.split(":", 1)[1]
FIRST, LAST, USERNAME = "Wilhelmina", "Oyelaran-Strzelecka", "mina_o_1990"
PHONE = "+49 170 5550123"
PHONE_DIGITS = "491705550123"
FORBIDDEN = (TOKEN, TOKEN_SECRET_PART, SECRET, FIRST, LAST, USERNAME, PHONE, PHONE_DIGITS, "5550123")
UID = 777_001


class Capture(Transport):
    """Keeps what would be sent."""

    def __init__(self):
        super().__init__({})
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)

    def serialized(self) -> str:
        return "\n".join(e.serialize().decode("utf-8", "replace") for e in self.envelopes)

    def items(self, kind: str) -> list[dict]:
        return [i.payload.json for e in self.envelopes for i in e.items if i.type == kind]


@pytest.fixture
def capture():
    transport = Capture()
    yield transport
    client = sentry_sdk.get_client()
    client.close()
    for scope in (sentry_sdk.get_global_scope(), sentry_sdk.get_isolation_scope(), sentry_sdk.get_current_scope()):
        scope.set_client(None)
        scope.clear()


@pytest.fixture
def sentry_settings(settings, tg):
    return dataclasses.replace(settings, sentry_dsn=DSN, sentry_traces_sample_rate=1.0,
                               telegram_api_url=tg.base_url, webhook_secret=SECRET)


def update_dict(update_id: int, text: str, uid: int = UID) -> dict:
    person = {"id": uid, "first_name": FIRST, "last_name": LAST, "username": USERNAME}
    message = {
        "message_id": update_id, "date": int(_time.time()), "text": text,
        "chat": {**person, "type": "private"}, "from": {**person, "is_bot": False},
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": message}


def assert_nothing_leaks(capture: Capture) -> str:
    sentry_sdk.flush()
    sent = capture.serialized()
    for secret in FORBIDDEN:
        assert secret not in sent, f"{secret!r} would be sent to Sentry: …{_around(sent, secret)}…"
    return sent


def _around(text: str, needle: str) -> str:
    at = text.find(needle)
    return text[max(0, at - 200): at + 200]


def _fail_register(*args, **kwargs):
    first, last, username = args[1], args[2], args[3]
    raise RuntimeError(f"UNIQUE constraint failed for ({first}, {last}, @{username})")


def _fail_destination(raw: str) -> str:
    raise RuntimeError(f"could not parse destination {raw!r}")


async def test_errors_in_handlers_and_transactions_leak_nothing(database, sentry_settings, tg, capture, monkeypatch):
    monkeypatch.setattr(trips, "validate_destination", _fail_destination)  # before the dialogs are built
    assert telemetry.init_sentry(sentry_settings, transport=capture)
    bot = create_bot(sentry_settings)
    app = build_dispatcher(sentry_settings)
    tg.user(UID, first_name=FIRST, last_name=LAST, username=USERNAME)
    users.register_user(UID, FIRST, LAST, USERNAME)
    users.set_role(UID, ROLE_DRIVER)
    try:
        # (2) successful updates: a transaction per update, spans of real requests to the API
        await app.dispatcher.feed_update(bot, Update.model_validate(update_dict(1, "/start"), context={"bot": bot}))
        await app.dispatcher.feed_update(bot, Update.model_validate(update_dict(2, "/newtrip"), context={"bot": bot}))
        # (1) a handler fails on text with a phone number; the error message quotes it
        await app.dispatcher.feed_update(bot, Update.model_validate(
            update_dict(3, f"Call me on {PHONE}, {FIRST}"), context={"bot": bot}))
        # (1) another fails with the user's names in the error message
        monkeypatch.setattr(users, "register_user", _fail_register)
        await app.dispatcher.feed_update(bot, Update.model_validate(
            update_dict(4, f"/start {PHONE}"), context={"bot": bot}))
    finally:
        await bot.session.close()
    sent = assert_nothing_leaks(capture)

    events = capture.items("event")
    assert [e["exception"]["values"][-1]["type"] for e in events] == ["RuntimeError", "RuntimeError"]
    assert all("[Filtered]" in e["exception"]["values"][-1]["value"] for e in events)
    transactions = capture.items("transaction")
    assert len(transactions) == 4 and all(t["contexts"]["trace"]["op"] == "aiogram.update" for t in transactions)
    assert "[Filtered]" not in " ".join(t["transaction"] for t in transactions)  # names stay useful
    api_spans = [s for t in transactions for s in t.get("spans", []) if s["op"] == "http.client"]
    assert api_spans and all("/bot[REDACTED]/" in s["description"] for s in api_spans)
    crumbs = [c for e in events for c in e["breadcrumbs"]["values"] if c.get("type") == "http"]
    assert crumbs and all("/bot[REDACTED]/" in c["data"]["url"] for c in crumbs)
    assert "Sorry, something went wrong" in json.dumps([r.params for r in tg.requests if r.method == "sendMessage"])
    assert tg.base_url.split("//")[1] in sent  # the URLs are there, only the token is not


async def test_webhook_request_leaks_nothing(database, sentry_settings, tg, capture, monkeypatch):
    assert telemetry.init_sentry(sentry_settings, transport=capture)
    bot = create_bot(sentry_settings)
    app = build_dispatcher(sentry_settings)
    tg.user(UID, first_name=FIRST, last_name=LAST, username=USERNAME)
    monkeypatch.setattr(users, "register_user", _fail_register)
    path = "/telegram/webhook"
    server = TestServer(build_web_app(app.dispatcher, bot, path=path, secret=SECRET), host="127.0.0.1", port=0)
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as http:
            body = update_dict(10, f"/start {PHONE}")
            async with http.post(server.make_url(path), json=body,
                                 headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as response:
                assert response.status == 200
            async with http.post(server.make_url(path), json=update_dict(11, "/start"),
                                 headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}) as response:
                assert response.status == 401
    finally:
        await server.close()
        await bot.session.close()
    assert_nothing_leaks(capture)

    [event] = capture.items("event")
    assert event["request"]["url"].endswith(path)
    assert "update_id" not in json.dumps(event["request"].get("data"))  # the body is not collected
    assert event["request"]["headers"]["X-Telegram-Bot-Api-Secret-Token"] == "[Filtered]"
    # (the fake Bot API is an aiohttp app in this process too: its transactions are checked above)
    server_tx = [t for t in capture.items("transaction")
                 if t["contexts"]["trace"]["op"] == "http.server" and t["request"]["url"].endswith(path)]
    assert len(server_tx) == 2 and all(t["request"]["headers"]["X-Telegram-Bot-Api-Secret-Token"] == "[Filtered]"
                             for t in server_tx)


def test_scrubber_walks_every_part_of_an_event():
    telemetry.configure_secrets(TOKEN, SECRET)
    try:
        url = f"https://api.telegram.org/bot{TOKEN}/sendMessage"
        event = {
            "message": f"failed {url}",
            "exception": {"values": [{"type": "X", "value": f"token {TOKEN_SECRET_PART}",
                                      "stacktrace": {"frames": [{"vars": {"text": PHONE, "me": FIRST}}]}}]},
            "breadcrumbs": {"values": [{"type": "http", "data": {"url": url}, "message": url}]},
            "spans": [{"description": f"POST {url}", "data": {"url": url, "http.query": f"t={TOKEN}"}}],
            "request": {"url": url, "query_string": f"secret={SECRET}", "data": {"message": {"text": PHONE}},
                        "headers": {"X-Telegram-Bot-Api-Secret-Token": SECRET}},
            "extra": {"update": {"message": {"from": {"first_name": FIRST, "username": USERNAME}}}},
            "contexts": {"telegram": {"last_name": LAST, "phone_number": PHONE}},
            "tags": {"who": f"{url}"},
            "user": {"username": USERNAME, "id": 5},
            "sdk": {"name": "sentry.python"},
        }
        scrubbed = json.dumps(telemetry.scrub_event(event, {}))
        for secret in FORBIDDEN:
            assert secret not in scrubbed
        assert '"sentry.python"' in scrubbed  # what is not personal stays as it was
    finally:
        telemetry.configure_secrets("")


def test_personal_values_of_the_update_are_filtered_anywhere():
    update = Update.model_validate(update_dict(1, f"Pick me up, {PHONE} or 0170-5550123"))
    token = telemetry.personal_values.set(telemetry.personal_values_of(update))
    try:
        text = telemetry.scrub_text(f"{FIRST} {LAST} (@{USERNAME}) wrote {PHONE} / 0170-5550123 / +{PHONE_DIGITS}")
    finally:
        telemetry.personal_values.reset(token)
    for secret in FORBIDDEN + ("0170-5550123",):
        assert secret not in text
    assert "wrote" in text


def test_transaction_names_carry_no_user_text():
    named = telemetry.name_update(Update.model_validate(update_dict(1, f"/{PHONE_DIGITS}_{FIRST}")))
    assert named == "command" and telemetry.name_update(Update.model_validate(update_dict(1, "/start x"))) \
        == "command /start"


async def test_logs_redact_the_token_of_an_aiohttp_error(tg):
    """aiohttp's ClientResponseError quotes the URL, token included."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter(secrets=secrets_of(TOKEN, SECRET)))
    log = logging.getLogger("tests.telemetry_privacy")
    log.addHandler(handler)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{tg.base_url}/bot{TOKEN}/noSuchMethod") as response:
                try:
                    response.raise_for_status()
                except aiohttp.ClientResponseError as exc:
                    assert TOKEN in str(exc)  # the leak is real
                    log.error("Request failed: %s (%r)", exc, exc.request_info.url, exc_info=exc)
        log.error("Secret part alone: %s; url-encoded: %s", TOKEN_SECRET_PART, TOKEN.replace(":", "%3A"))
    finally:
        log.removeHandler(handler)
    written = stream.getvalue()
    assert "noSuchMethod" in written and "Traceback" in written
    assert TOKEN not in written and TOKEN_SECRET_PART not in written
