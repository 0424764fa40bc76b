# Refusals at the door (bot/middlewares/access.py), said before the player is known.
access-not-member = Sorry, dieser Bot ist nur für Mitglieder der Gruppe unseres Volleyballvereins. Bitte einen Vereinsadmin, dich hinzuzufügen, und versuch es dann noch einmal.
access-former-member = Du bist nicht mehr in der Gruppe unseres Volleyballvereins, deshalb ist die Fahrgemeinschaft für dich geschlossen. Du kannst aber noch die Fahrten verlassen, in denen du einen Platz hast (/mytrips), und deine Daten löschen (/forget_me).
access-check-failed = Ich konnte deine Vereinsmitgliedschaft gerade nicht prüfen. Bitte versuch es in einer Minute noch einmal.
access-slow-down = 🐢 Etwas langsamer bitte… das ging mir zu schnell, ein paar Sachen habe ich ausgelassen.
