"""What the bot stands on: the database and its migrations (`db`), dialog/FSM state in it
(`storage`), riding out PostgreSQL and Redis outages (`resilience`), and this process's own
health verdict and heartbeat file (`healthstate`; `python -m bot.health` reads it)."""
