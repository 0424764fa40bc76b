# What the bot's error handlers say (bot/app.py, bot/infra/resilience.py).
bot-sorry = Entschuldige, bei uns ist etwas schiefgegangen. Es wurde protokolliert; versuch es noch einmal oder sende /start.
bot-stale-button = Dieser Knopf ist veraltet.
bot-stale-screen = Dieser Bildschirm war veraltet, hier ist ein frischer.
bot-busy = Ich bin noch mit deinem letzten Tippen beschäftigt: versuch es gleich noch einmal.
bot-unavailable = Entschuldige, die Datenbank des Bots war kurz nicht erreichbar, und deine letzte Aktion wurde vielleicht nicht gespeichert. Bitte prüfe es und versuch es noch einmal.
