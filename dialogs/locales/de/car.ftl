# The driver's car description (dialogs/car/dialog.py); passengers see it once they join.
car-title = 🚙 <b>Dein Auto</b>
car-now = Jetzt: <i>{ $car }</i>
car-hint = Schick eine kurze Beschreibung, an der dich deine Mitfahrer erkennen, z. B. <i>roter Skoda, AB-123</i>.
car-remove = 🗑 Entfernen
car-saved = 🚙 Gespeichert. Deine Mitfahrer sehen es.
car-removed = Autobeschreibung entfernt.
