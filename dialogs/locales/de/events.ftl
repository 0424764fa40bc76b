# Vereinstermine (dialogs/events): die Liste, die Terminkarte, Mitfahrt anfragen, Benachrichtigungen und der Termin-Editor für Admins.

## Die Art eines Termins: ihr Zeichen, und Zeichen mit Namen (Knöpfe und die Übersicht des Editors)
events-mark = { $kind ->
    [training] 🏃
    [game] 🏐
   *[other] 📌
  }
events-kind = { $kind ->
    [training] 🏃 Training
    [game] 🏐 Spiel
   *[other] 📌 Sonstiges
  }
events-weekly-mark = 🔁
events-summary = 🚗 { $cars ->
    [0] noch keine Autos
    [one] { $cars } Auto
   *[other] { $cars } Autos
  } · 💺 { $seats ->
    [one] { $seats } freier Platz
   *[other] { $seats } freie Plätze
  } · 🙋 { $need ->
    [0] niemand wartet
    [one] { $need } braucht noch eine Mitfahrt
   *[other] { $need } brauchen noch eine Mitfahrt
  }

## Die Liste
events-list-title = 🏐 <b>Vereinstermine</b>
events-list-empty = Noch keine Termine geplant.
events-list-hint = {""}
    Tipp auf einen Termin: Du siehst, welche Autos fahren und wer noch eine Mitfahrt braucht.
events-new = ➕ Neuer Termin
events-free = 🙋 Mitfahrt woandershin
events-my-alerts = 🔔 Meine Hinweise

## Die Karte
events-card-head =
    { $mark } <b>{ $title }</b>
    📅 { $when }
    📍 { $venue }
events-card-weekly = 🔁 Jede Woche
events-card-cancelled = ❌ <b>Abgesagt</b>
events-card-cancelled-because = ❌ <b>Abgesagt</b>: { $reason }
events-card-started = ⏱ Hat schon begonnen: Mitfahrten lassen sich nicht mehr anfragen.
events-card-cars = 🚗 <b>Diese Autos fahren</b> ({ $n }):
events-card-no-cars = 🚗 Noch keine Autos.
events-card-car = • <b>{ $driver }</b>: { $left } von { $n ->
    [one] { $n } Platz
   *[other] { $n } Plätzen
  } frei
events-card-car-full = • <b>{ $driver }</b>: voll ({ $n ->
    [one] { $n } Platz
   *[other] { $n } Plätze
  })
events-card-needs = 🙋 <b>Brauchen noch eine Mitfahrt</b> ({ $n }): { $names }
events-more = +{ $n } weitere
events-card-no-needs = 🙋 Niemand wartet auf eine Mitfahrt.
events-need-from = { $name } (ab { $area })
events-car-button = 🚗 { $driver } · { $time } · { $left ->
    [0] voll
   *[other] { $left } frei
  }
events-you-drive = 🚗 Du fährst hin.
events-you-seated = ✅ Du fährst bei { $driver } mit.
events-you-asked = 🙋 Du hast um eine Mitfahrt gebeten.
events-you-asked-from = 🙋 Du hast um eine Mitfahrt ab { $area } gebeten.
events-you-own = ✋ Du kommst selbst hin.
events-you-alert = 🔔 Du hörst von neuen Fahrten dorthin.
events-need-ride = 🙋 Ich brauche eine Mitfahrt
events-driving = 🚗 Ich fahre
events-own = ✋ Ich komme selbst
events-alert = 🔔 Neue Fahrten melden
events-edit = ✏️ Bearbeiten
events-cancel-event = ❌ Termin absagen
events-own-done = ✋ Alles klar: Du kommst selbst hin.
events-alert-done = 🔔 Ich sage dir Bescheid, wenn eine neue Fahrt dorthin dazukommt.

## Mitfahrt anfragen (zum Termin der Karte, oder an einen Ort an einem Tag)
events-request-event = 🙋 <b>Mitfahrt zu { $title }</b>, { $when }
events-request-free = 🙋 <b>Mitfahrt nach { $title }</b>, { $when }
events-request-hint = Wo soll dich jemand abholen? Schreib eine Gegend (z. B. „Eichenstraße“) oder frag einfach an.
events-ask = ✅ Mitfahrt anfragen
events-asked = 🙋 Angefragt: Die Fahrer, die dorthin fahren, sehen es.
events-asked-free = 🙋 Angefragt: Ich sage dir Bescheid, wenn es an dem Tag eine Fahrt dorthin gibt.
events-free-place-question = 🏁 Wohin brauchst du eine Mitfahrt? Schreib den Ort.
events-free-date-question = 📅 An welchem Tag?
events-now = Jetzt: <i>{ $value }</i>

## Hinweise
events-alerts-title = 🔔 <b>Deine Hinweise</b>
    Ich sage dir Bescheid, wenn eine neue Fahrt dorthin dazukommt.
events-alerts-empty = Noch keine Hinweise. Tipp bei einem Termin auf 🔔 oder füg unten einen Ort hinzu.
events-alerts-remove-hint = {""}
    Tipp auf einen Hinweis, um ihn zu löschen.
events-alert-entry = • 🏁 <b>{ $destination }</b> · { $day }
events-alert-place = ➕ Fahrten an einen Ort
events-alert-place-question = 🏁 Fahrten wohin? Schreib den Ort (ein Teil reicht, z. B. „Riverside“).
events-alert-day-question = 📅 Fahrten nach <b>{ $place }</b> an welchem Wochentag?
events-any-day = jeder Tag
events-alert-added = 🔔 Hinweis gespeichert ({ $day }).
events-alert-removed = 🔕 Hinweis gelöscht.

## Der Termin-Editor der Admins
events-kind-question =
    🏐 <b>Neuer Termin</b>
    Was für ein Termin ist es?
events-title-question = ✏️ Wie heißt er? (z. B. „Auswärtsspiel gegen die Löwen“, bis zu 60 Zeichen)
events-venue-question = 📍 Wo ist er? Schreib die Adresse.
events-date-question = 📅 An welchem Tag?
events-time-question = 🕘 Wann fängt er an? Schreib die Zeit (18:30) oder tipp erst die Stunde, dann die Minute.
events-hour = — Stunde —
events-minute = — Minute —
events-weekly-question = 🔁 Findet er jede Woche statt? Dann erscheint der nächste, sobald dieser beginnt.
events-weekly-yes = 🔁 Jede Woche
events-weekly-no = 1️⃣ Nur einmal
events-summary-new = 🏐 <b>Neuer Termin</b>: prüf ihn, dann leg ihn an.
events-summary-edit = ✏️ <b>Termin bearbeiten</b>: ändere, was nötig ist, dann speichere.
events-summary-lines =
    {""}
    { $kind }: <b>{ $title }</b>
    📍 { $venue }
    📅 { $date }, { $time }
    { $weekly }
events-summary-told = {""}
    Wer dorthin fährt und wer um eine Mitfahrt gebeten hat, erfährt, was sich geändert hat.
events-edit-kind = 🏐 Art
events-edit-title = ✏️ Titel
events-edit-venue = 📍 Ort
events-edit-date = 📅 Datum
events-edit-time = 🕘 Zeit
events-edit-weekly = 🔁 Wöchentlich
events-create = ✅ Termin anlegen
events-save = ✅ Speichern
events-created = ✅ Termin angelegt.
events-saved = ✅ Gespeichert: Alle Betroffenen erfahren es.
events-cancel-title = ❌ <b>{ $title } absagen</b>, { $when }?
events-cancel-told = Wer dorthin fährt und wer um eine Mitfahrt gebeten hat, erfährt es. Ihre Fahrten bleiben: Die Fahrer entscheiden.
events-cancel-reason = Grund: <i>{ $reason }</i>
events-cancel-hint = Du kannst vorher einen Grund schreiben (freiwillig).
events-cancel-yes = ✅ Ja, absagen
events-cancelled = ❌ Termin abgesagt: Alle Betroffenen erfahren es.
