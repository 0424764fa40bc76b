# The trip wizard (dialogs/wizard): a passenger's way in, the steps, the summary.
wizard-role-question =
    🙋 <b>Du bist Mitfahrer; zum Fahrer wechseln?</b>
    Nur Fahrer bieten Fahrten an. Mit /switch_role wechselst du jederzeit zurück.
wizard-become-driver = 🚗 Zum Fahrer wechseln
wizard-became-driver = 🚗 Du bist jetzt Fahrer (/switch_role wechselt zurück).
wizard-template-question =
    🚗 <b>Neue Fahrt</b>
    Mit einer deiner Vorlagen starten oder ganz neu?
wizard-from-scratch = ✏️ Ganz neu
# The value a step holds already (a destination, a date, a number of seats, a comment).
wizard-now = Jetzt: <i>{ $value }</i>
wizard-destination-question = 🏁 <b>Wohin?</b> Schick das Ziel (2–100 Zeichen)
wizard-destination-recent = oder wähl eins deiner letzten:
wizard-recent-gone = Dieses Ziel gibt es nicht mehr; tipp es bitte ein.
wizard-date-question = 📅 <b>An welchem Tag?</b>
wizard-seats-question = 💺 <b>Wie viele freie Plätze?</b> Tipp auf eine Zahl oder schick eine (1–8).
wizard-seats = { $n ->
    [one] { $n } Platz
   *[other] { $n } Plätze
  }
wizard-comment-question = 💬 <b>Ein Kommentar</b> für die Mitfahrer? (bis zu 500 Zeichen) Oder überspringen.
wizard-skip = ⏭ Überspringen
wizard-no-comment = 🚫 Kein Kommentar
wizard-summary-title =
    📝 <b>Prüf deine Fahrt</b>
    {""}
wizard-summary-pickups =
    📍 Abholpunkte:
    { $pickups }
wizard-summary-hint-trip =
    {""}
    Tipp auf ein Feld, um es zu ändern, oder bestätige, um die Fahrt zu veröffentlichen.
wizard-summary-hint-template =
    {""}
    Tipp auf ein Feld, um es zu ändern, oder speichere die Vorlage.
wizard-edit-destination = 🏁 Ziel
wizard-edit-date = 📅 Datum
wizard-edit-seats = 💺 Plätze
wizard-edit-pickups = 📍 Abholpunkte
wizard-edit-comment = 💬 Kommentar
wizard-confirm = ✅ Bestätigen
wizard-save-template = 💾 Vorlage speichern
wizard-created-toast = Fahrt erstellt ✅
wizard-created-title =
    ✅ <b>Fahrt erstellt</b>
    {""}
wizard-created-share =
    {""}
    Teil sie mit dem Club: { $link }
wizard-save-as-template = 💾 Als Vorlage speichern
wizard-main-menu = 🏠 Hauptmenü
wizard-post-on = ✅ Im Vereinschat posten
wizard-post-off = ⬜ Im Vereinschat posten
wizard-created-posted = 📣 Im Vereinschat gepostet.

## Club events (issue #21): the first step offers the upcoming events
wizard-event-question =
    🏐 <b>Zu welchem Termin fährst du?</b>
    {""}
wizard-event-hint =
    {""}
    Tipp einen an: Ort und Datum werden übernommen. Woanders hin? Tipp auf „Woanders hin“.
wizard-from-template = 📋 Aus einer Vorlage
wizard-somewhere-else = 📍 Woanders hin
wizard-edit-event = 🏐 Termin
wizard-summary-starts = 🏐 Der Termin beginnt um { $starts }
wizard-series-over = Dieser Termin hat kein kommendes Datum mehr: wähl die Vorlage noch mal und such dir einen Tag aus.

## The way back (issue #22): "Driving back too?" on the summary, then where from, when, seats and drop-offs.
# $back_seats_line: "3 seats" (wizard-seats); $back_dropoffs: the drop-off points, one a line.
wizard-summary-back =
    {""}
    ↩️ <b>Rückweg</b> um { $back_time } ab <b>{ $back_from }</b>
    💺 { $back_seats_line }
    📍 Absetzpunkte:
    { $back_dropoffs }
wizard-back-add = ↩️ Fährst du auch zurück?
wizard-back-edit = ↩️ Rückweg
wizard-back-dropoffs = 📍 Absetzpunkte
wizard-back-drop = 🚫 Kein Rückweg
wizard-back-from-question =
    ↩️ <b>Der Rückweg</b>: wo fährst du los?
    Tipp auf den Ort oder schick eine andere Adresse (2–200 Zeichen).
wizard-back-time-question = 🕒 <b>Wann fährst du bei { $back_from } los?</b>
wizard-back-seats-question = 💺 <b>Wie viele freie Plätze auf dem Rückweg?</b> Tipp eine Zahl oder schick eine (1–8).
wizard-back-seats-same = 👍 { $seats }, wie auf dem Hinweg
wizard-back-too-early = Der Rückweg startet nach dem letzten Abholpunkt des Hinwegs: wähl eine Uhrzeit nach { $after }.
wizard-back-after-dropoff = Dein erster Absetzpunkt ist um { $first }: fahr vorher los oder ändere zuerst die Absetzpunkte.
