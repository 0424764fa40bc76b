"""The running bot around `dialogs/` and `models/`.

Top level: `app` (the entry module: `build_dispatcher`), `cli` (`carpool-bot`, `python -m bot`),
`config`, `logs`, `telemetry` (Sentry), `health` (`python -m bot.health`, the Docker
HEALTHCHECK: standard library only), `commands` (the command menu), `chat_member` (blocked /
unblocked). Folders: `middlewares/`, `workers/` (notifier, scheduler, leader), `runmodes/`
(runner, webhook, startup), `infra/` (database, storage, resilience, health state),
`devtools/` (preview) and `compat/` (workarounds of library bugs).

Keep this package's `__init__` free of imports: `python -m bot.health` imports it.
"""
