# Editing and cancelling a trip (dialogs/manage). $title: "Riverside Arena, Sa. 05 Dez. 2026".
manage-edit-title = ✏️ <b>Fahrt ändern</b>: { $title }
manage-no-changes = Noch keine Änderungen: wähle, was du ändern willst.
manage-shift-hint = 🕘 Später oder früher dran? Die 🕘-Knöpfe verschieben alle Abholzeiten.
# The menu's buttons, also the labels of the diff's lines.
manage-field-destination = 🏁 Ziel
manage-field-date = 📅 Datum
manage-field-seats = 💺 Plätze
manage-field-comment = 💬 Kommentar
manage-field-pickups = 📍 Abholpunkte
# $minutes: "15" (a string)
manage-shift-earlier = 🕘 −{ $minutes } Min.
manage-shift-later = 🕘 +{ $minutes } Min.
manage-confirm = ✅ Bestätigen
# One line of the diff: "💺 Plätze: 3 → 4". A stop is "18:00 Bahnhof".
manage-diff-field = { $field }: { $old } → { $new }
manage-diff-pickup-new = 📍 Neuer Abholpunkt: { $stop }
manage-diff-pickup-removed = 📍 Entfernt: { $stop }
manage-diff-pickup-moved = 📍 { $old } → { $new }
manage-saved = Gespeichert. Deine Mitfahrer werden benachrichtigt. ✅
# The field steps
manage-destination-now =
    🏁 Jetzt: <b>{ $destination }</b>
    Schick das neue Ziel (2–100 Zeichen).
manage-date-now =
    📅 Jetzt: <b>{ $date }</b>
    Wähle den neuen Tag.
manage-seats-now = 💺 Jetzt: <b>{ $seats }</b> { $seats ->
        [one] Platz
       *[other] Plätze
    }; { $booked } gebucht, also nicht weniger.
manage-seats-hint = Tippe auf eine Zahl oder schick eine.
manage-comment-now = 💬 Jetzt: <i>{ $comment }</i>
manage-comment-none = 💬 Gerade kein Kommentar.
manage-comment-hint = Schick den neuen Kommentar (bis zu 500 Zeichen).
manage-comment-clear = 🧹 Kein Kommentar
# Removing a pickup point costs passengers their seats; $n of them, $names "Ann, Bob".
manage-remove-confirm =
    ⚠️ Wenn du diesen Abholpunkt entfernst, { $n ->
        [one] verliert { $n } Mitfahrer seinen Platz
       *[other] verlieren { $n } Mitfahrer ihre Plätze
    }: <b>{ $names }</b>.
    Sie erfahren, warum. Trotzdem entfernen?
manage-remove-yes = ✅ Ja, entfernen
# Cancelling; $n passengers are told.
manage-cancel-title = ❌ <b>Fahrt absagen</b>: { $title }?
manage-cancel-told = { $n ->
        [one] { $n } Mitfahrer wird benachrichtigt.
       *[other] { $n } Mitfahrer werden benachrichtigt.
    }
manage-cancel-reason = Grund: <i>{ $reason }</i>
manage-cancel-hint = Schick gern einen kurzen Grund und tippe dann auf „Ja“.
manage-cancel-yes = ❌ Ja, Fahrt absagen
manage-cancelled = Fahrt abgesagt. Deine Mitfahrer werden benachrichtigt.
# Issue #22: cancelling one leg of a trip with a way back asks about the other, still to come.
# $other_direction: "back" (cancelling the way there) or "out" (cancelling the way back);
# $other_when: "Sat 05 Dec 21:30"; $other_place: where that leg leaves from.
manage-cancel-other =
    { $other_direction ->
        [back] ↩️ Der Rückweg steht auch noch: { $other_when } ab { $other_place }.
       *[out] ➡️ Der Hinweg steht auch noch: { $other_when } ab { $other_place }.
    }
    Den auch absagen?
manage-cancel-hint-both = Schick gern einen kurzen Grund (er gilt für beide) und wähl dann aus.
manage-cancel-both = ❌ Hin und zurück absagen
manage-cancel-only = { $other_direction ->
        [back] ❌ Nur den Hinweg
       *[out] ❌ Nur den Rückweg
    }
