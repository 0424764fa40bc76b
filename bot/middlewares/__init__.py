"""Middlewares every update passes, in the order `bot.app.build_dispatcher` registers them on
`dp.update.outer_middleware` (so aiogram-dialog's background updates see them too):
the update deadline (`retry`), the access gates (`access`), the in-flight count (`inflight`),
the health record of each update's outcome (`outcomes`), de-duplication (`dedupe`), Sentry
(`bot.telemetry`) and the player (`user`). The outage guard (`bot.infra.resilience`) is put
outside all of them. `retry` also holds the Bot API session's request middlewares."""
