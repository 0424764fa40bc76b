# Trip templates (dialogs/templates): saving one, the /templates list, a template's card.
# Saving; $max: the longest name (a number), $name: the name taken.
templates-save-ask = 💾 Schick einen <b>Namen</b> für diese Vorlage (1–{ $max } Zeichen), z. B. <i>Training am Dienstag</i>.
templates-save-clash = Du hast schon eine Vorlage „{ $name }“. Ersetzen oder einen anderen Namen schicken?
templates-save-other = ✏️ Anderer Name
templates-save-replace = ♻️ Ersetzen
templates-saved = 💾 Als Vorlage „{ $name }“ gespeichert. Du findest sie unter /templates.
# The list; $count of at most $max.
templates-list-title = 📋 <b>Deine Vorlagen</b> ({ $count }/{ $max })
templates-list-empty = Noch keine Vorlagen. Speichere eine aus einer Fahrtkarte oder leg hier eine an.
templates-list-full = Mehr geht nicht: lösch eine, um eine neue anzulegen.
templates-new = ➕ Neue Vorlage
# A template's card; $pickups: the numbered list of points, "1. <b>17:45</b> — Bahnhof".
templates-card-seats = 💺 { $seats ->
        [one] { $seats } Platz
       *[other] { $seats } Plätze
    }
templates-card-pickups =
    📍 Abholpunkte:
    { $pickups }
templates-use = 🚗 Nutzen: Datum wählen
templates-rename = ✏️ Umbenennen
templates-delete = 🗑 Löschen
templates-rename-ask = ✏️ Schick den neuen Namen für „{ $name }“ (1–{ $max } Zeichen).
templates-delete-ask = 🗑 Vorlage „{ $name }“ löschen? Fahrten, die daraus entstanden sind, bleiben, wie sie sind.
templates-delete-yes = 🗑 Ja, löschen
templates-deleted = Vorlage gelöscht.

# A template of a weekly club event (issue #21): $title, $day: its next occurrence ("Tue 08 Dec").
templates-card-event = 🏐 Zu { $title }, jede Woche: nächster Termin { $day }
templates-use-event = 🚗 Nutzen: { $day }
