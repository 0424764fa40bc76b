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
trips-find-another = 🔎 Andere Fahrt finden
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

## Warteliste, Werkzeuge des Fahrers und der Rückweg (issue #22).
## $pos: Platz in der Reihe ("2"), $form: seine Ordinalform nach CLDR (im Deutschen immer other)
trips-card-in-line = ⏳ Du bist { $form ->
   *[other] Nr. { $pos }
  } auf der Warteliste. Ich schreibe dir, sobald ein Platz frei wird.
trips-card-offered = 🎉 <b>Ein Platz ist für dich frei!</b> Nimm ihn bis { $until }, sonst geht er an den Nächsten auf der Liste.
trips-card-still-ok = ❓ Der Fahrer hat die Fahrt geändert: passt es dir noch?
trips-card-waiting = ⏳ { $n ->
    [one] { $n } Spieler wartet
   *[other] { $n } Spieler warten
  } auf einen Platz.
trips-card-reconfirm-legend = Nach deiner Änderung: ✅ passt noch · ❓ noch keine Antwort ({ $n })
trips-card-release-at = ⏰ Plätze ohne Antwort werden um { $at } freigegeben.
trips-card-return-leg = ↩️ <b>Der Rückweg</b>
trips-card-stops = 📍 Abfahrt, dann Ausstiegspunkte:
trips-card-your-stop = ← <i>hier steigst du aus</i>
## $when: "Sa. 05 Dez., 21:30"; $place: wo dieser Weg losgeht; $state: freie Plätze, voll, …
trips-card-leg-back = ↩️ Zurück: { $when } ab { $place }, { $state }
trips-card-leg-out = ➡️ Hin: { $when } ab { $place }, { $state }
trips-leg-full = voll
trips-leg-cancelled = ❌ abgesagt
trips-leg-riding = ✅ du hast einen Platz
trips-wait = ⏳ Auf Platz warten
trips-leave-line = 🚶 Warteliste verlassen
trips-take = ✅ Platz nehmen
trips-pass = 🙅 Verzichten
trips-still-ok = 👍 Passt noch
trips-open-back = ↩️ Der Rückweg
trips-open-out = ➡️ Der Hinweg
trips-join-both = 🙋 Hin und zurück
trips-word = 💬 Mitfahrern schreiben
trips-remove = 🚫 Mitfahrer entfernen
trips-release = ⏰ Ohne Antwort freigeben um …
trips-wait-pick = Die Fahrt ist voll. Wo steigst du ein? Wähle deinen Abholpunkt, um auf die Warteliste zu kommen:
trips-take-pick = Ein Platz ist für dich frei. Wo steigst du ein? Wähle deinen Abholpunkt:
trips-waiting = ⏳ Du bist { $form ->
   *[other] Nr. { $pos }
  } auf der Warteliste.
trips-line-left = Du hast die Warteliste verlassen.
trips-took-seat = Der Platz gehört dir! 🎉
trips-passed = Du hast verzichtet; der Platz geht an den Nächsten auf der Liste.
trips-still-ok-done = Danke! Der Fahrer sieht, dass du dabei bist. 👍

## Der Fahrer: Plätze ohne Antwort freigeben
trips-release-title =
    ⏰ <b>Plätze ohne Antwort freigeben</b>
    {""}
    { $n ->
        [one] { $n } Mitfahrer hat
       *[other] { $n } Mitfahrer haben
    } seit deiner Änderung nicht auf „Passt es noch?“ geantwortet. Zur gewählten Zeit werden ihre Plätze frei und den Wartenden angeboten. Die Fahrt startet { $departs }.
trips-release-now = {""}
    Eingestellt: <b>{ $at }</b>.
trips-release-pick = {""}
    Freigeben um:
trips-release-too-late = {""}
    Bis zur Abfahrt ist es zu knapp, um eine Zeit zu wählen.
trips-release-never = 🔓 Nicht freigeben
trips-release-set = Plätze ohne Antwort werden um { $at } freigegeben.
trips-release-cleared = Plätze ohne Antwort bleiben gebucht.

## Das Wort des Fahrers ($word: seine Nachricht, maskiert)
trips-word-ask =
    💬 <b>Nachricht an deine Mitfahrer</b>
    {""}
    Schick eine kurze Nachricht (bis 300 Zeichen), etwa „Bin 5 Minuten später“ oder „Nordausgang“. Jeder Mitfahrer bekommt sie mit dem Namen der Fahrt.
trips-word-preview =
    💬 Das an { $n ->
        [one] deinen Mitfahrer
       *[other] deine { $n } Mitfahrer
    } schicken?
    {""}
    <i>{ $word }</i>
    {""}
    Schick einen anderen Text, um ihn zu ändern.
trips-word-send = 📨 Senden
trips-word-sent = An { $n ->
    [one] { $n } Mitfahrer
   *[other] { $n } Mitfahrer
  } gesendet.

## Der Fahrer entfernt einen Mitfahrer ($name, $point: maskiert; $reason: was der Fahrer schrieb)
trips-remove-pick = Wen nimmst du aus der Fahrt? Die Person wird benachrichtigt, und der Platz geht an den Nächsten auf der Warteliste.
trips-remove-ask = <b>{ $name }</b> ({ $point }) aus dieser Fahrt entfernen?
trips-remove-gone = Diese Person ist nicht mehr in der Fahrt.
trips-remove-reason = {""}
    Grund: { $reason }
trips-remove-hint = {""}
    Du kannst vorher einen Grund schicken: die Person liest ihn.
trips-remove-yes = 🚫 Ja, entfernen
trips-removed = Entfernt; der Platz ist wieder frei.

## Hin und zurück mitfahren
trips-both-pick-out = ➡️ Hinweg: wo steigst du ein?
trips-both-pick-back = ↩️ Rückweg: wo steigst du aus?
trips-both-confirm =
    Einen Platz für hin und zurück nehmen?
    ➡️ <b>{ $destination }</b>, { $when }: Einstieg { $out }
    ↩️ Zurück { $back_when } ab { $back_from }: Ausstieg { $back }
trips-join-both-ok = ✅ Hin und zurück
trips-joined-both = Du fährst hin und zurück mit! 🎉
