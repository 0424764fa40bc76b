# Benachrichtigungen (dialogs/notifications.py): was der Bot einem Spieler schreibt, in dessen Sprache.
notice-open-trip = 🚗 Fahrt öffnen
notice-find-ride = 🔎 Andere Fahrt finden
notice-former-player = Ehemaliges Mitglied
notice-seats-left =
    { $n ->
        [0] Das Auto ist jetzt voll.
        [one] Noch { $n } Platz frei.
       *[other] Noch { $n } Plätze frei.
    }
# Gründe, die der Bot selbst schreibt (den Grund eines Mitfahrers zeigen wir, wie er ihn getippt hat).
notice-reason-cant-go = kann nicht mitfahren
notice-reason-left-bot = nutzt den Club-Bot nicht mehr
notice-reason-driver-left-bot = der Fahrer nutzt den Club-Bot nicht mehr

## An den Fahrer
notice-joined = 🙋 { $person } fährt bei deiner Fahrt nach <b>{ $destination }</b> mit: Treffpunkt { $address }, { $day } um { $time }. { $seats }
notice-left = 🚶 { $person } ist aus deiner Fahrt nach <b>{ $destination }</b> am { $day } um { $time } ausgestiegen. { $seats }
notice-left-why = 🚶 { $person } ist aus deiner Fahrt nach <b>{ $destination }</b> am { $day } um { $time } ausgestiegen ({ $reason }). { $seats }
notice-pickup-changed = 📍 { $person } steigt jetzt hier ein: { $address }, { $day } um { $time } (Fahrt nach <b>{ $destination }</b>).
notice-rider-way = 🚗 { $person } ist auf dem Weg zum Treffpunkt ({ $address }, { $time }; Fahrt nach <b>{ $destination }</b>).
notice-rider-late = ⏰ { $person } kommt später zum Treffpunkt ({ $address }, { $time }; Fahrt nach <b>{ $destination }</b>).

## An Mitfahrer
notice-seat-removed = ⚠️ Der Fahrer hat deinen Treffpunkt ({ $time } { $address }) aus der Fahrt nach <b>{ $destination }</b> am { $date } entfernt, du hast also keinen Platz mehr. Finde eine andere Fahrt mit /trips oder frag den Fahrer: { $driver }.
notice-changed = ✏️ Der Fahrer hat die Fahrt nach <b>{ $destination }</b> am { $date } geändert:
notice-change-destination = Ziel: { $old } → <b>{ $new }</b>
notice-change-date = Datum: { $old } → <b>{ $new }</b>
notice-change-time = deine Abholzeit: { $old } → <b>{ $new }</b>
notice-change-address = dein Treffpunkt: { $old } → <b>{ $new }</b>
notice-change-comment = Notiz des Fahrers: { $comment }
notice-change-comment-removed = die Notiz des Fahrers ist entfernt
notice-cancelled =
    ❌ Die Fahrt nach <b>{ $destination }</b> am { $date } ist abgesagt.
    Finde eine andere Fahrt mit /trips.
notice-cancelled-why =
    ❌ Die Fahrt nach <b>{ $destination }</b> am { $date } ist abgesagt.
    Grund: { $reason }
    Finde eine andere Fahrt mit /trips.

## Die Buttons der Benachrichtigungen
notice-start-first = Sende zuerst /start und wähle eine Rolle.
notice-trip-gone = Diese Fahrt gibt es nicht (mehr).
notice-stale = Dieser Button ist veraltet.
notice-club-chat-lost = ⚠️ { $status ->
    [restricted] Ich darf im Vereinschat nicht mehr schreiben,
   *[other] Ich wurde aus dem Vereinschat entfernt,
  } daher werden Fahrten und die Übersicht dort nicht mehr gepostet. Füge mich wieder hinzu (als Administrator mit „Nachrichten anheften“ bleibt die Übersicht angeheftet), dann mache ich weiter.

## Club events and ride requests (issue #21). $title, $area, $name: user text, escaped; $old / $new of a
## kind: one of the notice-event-kind-* words.
notice-open-event = 🏐 Termin öffnen
notice-event-gone = Diesen Termin gibt es nicht (mehr).
notice-event-kind-training = Training
notice-event-kind-game = Spiel
notice-event-kind-other = Sonstiges
notice-event-changed = ✏️ <b>{ $title }</b> am { $date } hat sich geändert:
notice-event-change-title = Name: { $old } → <b>{ $new }</b>
notice-event-change-kind = Art: { $old } → <b>{ $new }</b>
notice-event-change-venue = Ort: { $old } → <b>{ $new }</b>
notice-event-change-date = Datum: { $old } → <b>{ $new }</b>
notice-event-change-time = Beginn: { $old } → <b>{ $new }</b>
notice-event-cancelled = ❌ <b>{ $title }</b> am { $date } ist abgesagt.
notice-event-cancelled-why =
    ❌ <b>{ $title }</b> am { $date } ist abgesagt.
    Grund: { $reason }
notice-ride-requests = { $n ->
    [one] 🙋 1 Person braucht noch eine Mitfahrt zu <b>{ $title }</b> ({ $day }, { $time }):
   *[other] 🙋 { $n } Personen brauchen noch eine Mitfahrt zu <b>{ $title }</b> ({ $day }, { $time }):
  }
notice-need = • { $name }
notice-need-from = • { $name }, ab { $area }
notice-need-more = …und { $n } weitere: öffne den Termin.
notice-event-new-trip = 🚗 Ein neues Auto fährt zu <b>{ $title }</b> am { $day }: { $driver } fährt, erster Treffpunkt um { $time }, { $address }. { $seats }
notice-alert-new-trip = 🔔 Neue Fahrt nach <b>{ $destination }</b> am { $day }: { $driver } fährt, erster Treffpunkt um { $time }, { $address }. { $seats }

## Issue #22: die Warteliste, „Passt es noch?“ nach einer Änderung, das Wort des Fahrers. $until: bis wann ein
## Platz reserviert bleibt („18:42“); $word: die Nachricht des Fahrers (Nutzertext, maskiert).
# An einen Spieler auf der Warteliste: ein frei gewordener Platz, für ihn reserviert bis $until.
notice-seat-offered = 🎉 In der Fahrt nach <b>{ $destination }</b> am { $date } ist ein Platz frei – er gehört dir, wenn du ihn bis <b>{ $until }</b> nimmst.
notice-seat-offered-at = 🎉 In der Fahrt nach <b>{ $destination }</b> am { $date } ist ein Platz frei (Treffpunkt { $address }, { $time }) – er gehört dir, wenn du ihn bis <b>{ $until }</b> nimmst.
notice-offer-expired = ⌛ Der Platz in der Fahrt nach <b>{ $destination }</b> am { $date } wurde nicht rechtzeitig genommen und ging an den Nächsten auf der Warteliste.
notice-offer-expired-free = ⌛ Der dir angebotene Platz in der Fahrt nach <b>{ $destination }</b> am { $date } wurde nicht rechtzeitig genommen. Sonst wartet niemand, also ist er wieder frei: steig ein, solange er noch frei ist.
notice-offer-withdrawn = ↩️ Der Fahrer hat die Fahrt nach <b>{ $destination }</b> am { $date } geändert: der dir angebotene Platz ist weg. Deinen Platz auf der Warteliste behältst du.
notice-waitlist-cancelled =
    ❌ Die Fahrt nach <b>{ $destination }</b> am { $date } ist abgesagt, ihre Warteliste ist geschlossen.
    Finde eine andere Fahrt mit /trips.
notice-waitlist-departed =
    🚗 Die Fahrt nach <b>{ $destination }</b> am { $date } ist losgefahren, ihre Warteliste ist geschlossen.
    Finde eine andere Fahrt mit /trips.
# An den Fahrer: ein Spieler von der Warteliste hat einen frei gewordenen Platz genommen.
notice-waitlist-took = ⏳ { $person } von der Warteliste hat einen frei gewordenen Platz in deiner Fahrt nach <b>{ $destination }</b> genommen: Treffpunkt { $address }, { $day } um { $time }. { $seats }
# Nach den Änderungen (notice-changed), an einen Mitfahrer, der sie bestätigen soll.
notice-reconfirm-ask = Passt es für dich noch?
notice-released =
    🚪 Dein Platz in der Fahrt nach <b>{ $destination }</b> am { $date } ({ $time } { $address }) wurde freigegeben: du hast ihn nach der Änderung des Fahrers nicht bestätigt.
    Finde eine andere Fahrt mit /trips.
notice-driver-word =
    💬 { $driver }, Fahrer deiner Fahrt nach <b>{ $destination }</b> am { $day }:
    { $word }
notice-removed =
    🚫 { $driver } hat dich aus der Fahrt nach <b>{ $destination }</b> am { $date } genommen.
    Finde eine andere Fahrt mit /trips.
notice-removed-why =
    🚫 { $driver } hat dich aus der Fahrt nach <b>{ $destination }</b> am { $date } genommen.
    Grund: { $reason }
    Finde eine andere Fahrt mit /trips.
