"""How the process runs: `runner` (long polling or webhook, heartbeat, workers, shutdown),
`webhook` (the aiohttp app, `/healthz`) and `startup` (making Telegram's webhook state ours)."""
