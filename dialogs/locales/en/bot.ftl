# What the bot's error handlers say (bot/app.py, bot/infra/resilience.py).
bot-sorry = Sorry, something went wrong on our side. It has been logged; try again or send /start.
bot-stale-button = That button is out of date.
bot-stale-screen = That screen was out of date, here is a fresh one.
bot-busy = Still busy with your previous tap: try again in a moment.
bot-unavailable = Sorry, the bot's database was unavailable for a moment and your last action may not have been saved. Please check and try again.
