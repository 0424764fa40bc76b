"""Webhook mode: Telegram posts updates to WEBHOOK_URL; this process serves them over HTTP.

- `POST WEBHOOK_PATH` with the right `X-Telegram-Bot-Api-Secret-Token` is handled;
  without it (or with a wrong one) the answer is 401 and nothing is processed.
- Updates are handled before the answer (not in the background): if the process dies
  mid-update, Telegram delivers it again instead of it being lost (the dispatcher
  de-duplicates repeated update ids). While PostgreSQL or Redis is unreachable the answer
  is 503, and Telegram delivers the update again (bot/infra/resilience.py).
- `GET /healthz` answers 200 `{"status": "ok"}` while this process is healthy (the
  database takes a write and most recent updates did not fail: bot/infra/healthstate.py),
  503 `{"status": "unhealthy", "reason": ...}` otherwise.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import setup_application
from aiohttp import web

from ..infra.healthstate import HealthState
from ..infra.resilience import OutageAwareRequestHandler

log = logging.getLogger(__name__)


HEALTH = web.AppKey("health", HealthState)
PROBE_MAX_AGE = 1.0  # a write probe per request at most once a second, however often it is asked


async def healthz(request: web.Request) -> web.Response:
    health = request.app[HEALTH]
    health.probe(max_age=PROBE_MAX_AGE)
    healthy, reason = health.status()
    if healthy:
        return web.json_response({"status": "ok"})
    return web.json_response({"status": "unhealthy", "reason": reason}, status=503)


def build_web_app(dp: Dispatcher, bot: Bot, *, path: str, secret: str, **kwargs) -> web.Application:
    """The aiohttp application: the webhook endpoint, /healthz, and the dispatcher's
    startup/shutdown hooks tied to the application's lifecycle."""
    web_app = web.Application()
    OutageAwareRequestHandler(dispatcher=dp, bot=bot, secret_token=secret, handle_in_background=False,
                              **kwargs).register(web_app, path=path)
    web_app[HEALTH] = dp.get("health_state") or HealthState()
    web_app.router.add_get("/healthz", healthz)
    setup_application(web_app, dp, bot=bot)
    return web_app


async def serve(web_app: web.Application, host: str, port: int, stop: asyncio.Event | None = None) -> None:
    """Serve until SIGTERM/SIGINT (or `stop` is set), then shut down cleanly."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread (tests) or Windows
            pass
    runner = web.AppRunner(web_app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    log.info("Webhook server listening on %s:%s", host, port)
    try:
        await stop.wait()
        log.info("Stopping the webhook server")
    finally:
        await runner.cleanup()  # runs the dispatcher's shutdown hooks (drain, notifier, …)
