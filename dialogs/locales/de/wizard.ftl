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
