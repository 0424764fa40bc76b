# Fahrten finden, die Fahrtkarte, „Meine Fahrten“ (dialogs/trips).
trips-player = Spieler
trips-full = VOLL
trips-seats-left = noch { $n ->
    [one] { $n } Platz
   *[other] { $n } Plätze
  } frei
trips-list-legend = 🟢 Plätze frei · 🔴 voll · ✅ du hast einen Platz · 🚗 du fährst
trips-find-title = 🔎 <b>Anstehende Fahrten</b>
trips-find-empty = Noch keine anstehenden Fahrten. Schau später wieder vorbei!

## Die Fahrtkarte
trips-card-cancelled = ❌ <b>Abgesagt</b>
trips-card-cancelled-because = ❌ <b>Abgesagt</b>: { $reason }
trips-card-over = 🏁 Diese Fahrt ist vorbei.
trips-card-driver = 🚗 Fahrer: { $driver }
trips-card-pickups = 📍 Abholpunkte:
trips-card-unreachable = ⚠️ <i>für den Bot nicht erreichbar</i>
trips-card-your-pickup = ← <i>hier steigst du ein</i>
trips-card-seats-free = 💺 { $left } von { $n ->
    [one] { $n } Platz
   *[other] { $n } Plätzen
  } frei
trips-card-seats-full = 💺 Voll ({ $n ->
    [one] { $n } Platz
   *[other] { $n } Plätze
  })
trips-card-going = 👥 Dabei: { $names }
trips-card-your-seat = ✅ <b>Du hast einen Platz.</b> Schreib dem Fahrer oben, falls sich etwas ändert.
trips-card-join-hint =
    {""}
    🙋 Tipp auf deinen Abholpunkt, um mitzufahren.
trips-join = 🙋 Mitfahren
trips-find-another = 🔎 Andere Fahrt suchen
trips-change-pickup = 📍 Abholpunkt ändern
trips-leave = 🚶 Aussteigen
trips-edit = ✏️ Bearbeiten
trips-cancel-trip = ❌ Fahrt absagen
trips-save-template = 💾 Als Vorlage speichern

## Mitfahren, Abholpunkt ändern, aussteigen
trips-pick-point = Wo steigst du ein? Wähl deinen Abholpunkt:
trips-confirm-join = Einen Platz nach <b>{ $destination }</b> am { $when } nehmen, Einstieg: { $point }?
trips-join-ok = ✅ Mitfahren
trips-joined = Du bist dabei! 🎉
trips-pick-new-point = Wähl deinen neuen Abholpunkt:
trips-pickup-changed = Abholpunkt geändert.
trips-leave-ask = Aus dieser Fahrt aussteigen? Dein Platz wird sofort frei und der Fahrer erfährt es.
trips-leave-ok = 🚶 Ja, aussteigen
trips-left = Du bist ausgestiegen; dein Platz ist wieder frei.

## Meine Fahrten
trips-mine-title =
    🧳 <b>Meine Fahrten</b>
    {""}
trips-mine-empty = Du hast keine anstehenden Fahrten. Such dir eine mit /trips.
trips-mine-driving = 🚗 <b>Fahrten, die du fährst</b> (tipp eine an, um Mitfahrer zu sehen, sie zu bearbeiten oder abzusagen):
trips-mine-booked = { $taken }/{ $seats } gebucht
trips-mine-seats = 🙋 <b>Deine Plätze</b>:
trips-mine-ride = { $when } ab { $address }

## My trips: ride requests (issue #21); $area: where the player would be picked up
trips-mine-requests = ⏳ <b>Du suchst eine Mitfahrt</b> (tipp an, um sie zu ändern oder zurückzuziehen):
trips-request-from = ab { $area }
trips-request-title = ⏳ <b>Deine Mitfahr-Anfrage</b>
trips-request-area = 📍 Ab: { $area }
trips-request-anywhere = 📍 Ab: egal wo
trips-request-hint =
    {""}
    Wer dorthin fährt, sieht deine Anfrage. Schick eine Straße oder Gegend, um zu ändern, wo du einsteigst.
trips-request-cancelled = ❌ <b>Der Termin ist abgesagt.</b>
trips-request-closed = Diese Anfrage ist erledigt: du hast einen Platz, oder du hast sie zurückgezogen.
trips-request-clear-area = 🌍 Egal wo
trips-request-event = 🏐 Termin öffnen
trips-request-withdraw = 🗑 Anfrage zurückziehen
trips-request-withdrawn = Anfrage zurückgezogen.
