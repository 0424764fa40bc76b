# /forget_me (dialogs/privacy/dialog.py, dialogs/menu/commands.py).
privacy-intro =
    🗑 <b>Vergiss mich</b>

    Damit verlässt du die Vereins-Fahrgemeinschaft:
privacy-effect-trips = • { $n ->
        [one] { $n } Fahrt, die du fährst, wird abgesagt
       *[other] { $n } Fahrten, die du fährst, werden abgesagt
    }; deine Mitfahrer erfahren es.
privacy-effect-seats = • { $n ->
        [one] Dein { $n } Platz wird freigegeben
       *[other] Deine { $n } Plätze werden freigegeben
    }; die Fahrer erfahren es.
privacy-effect-templates = • { $n ->
        [one] Deine { $n } Vorlage wird gelöscht
       *[other] Deine { $n } Vorlagen werden gelöscht
    }.
privacy-effect-nothing = • Du hast keine anstehenden Fahrten, Plätze oder Vorlagen.
privacy-outro = {""}
    Dein Name, Benutzername und Auto werden gelöscht, ebenso die Kommentare und Treffpunkt-Adressen der Fahrten, die du gefahren bist. Vergangene Fahrten bleiben im Verlauf der anderen, ebenso die Nachrichten über dich, die sie bekommen haben – dort stehst du dann als „Ehemaliges Mitglied“.
    <b>Das lässt sich nicht rückgängig machen.</b>
privacy-yes = 🗑 Ja, vergiss mich
privacy-no = ⬅️ Nein, behalte mich
privacy-forgotten = Vergessen.
privacy-goodbye =
    🗑 Erledigt: Ich habe dich vergessen. Dein Name, Benutzername und Auto sind weg, ebenso die Kommentare und Treffpunkt-Adressen der Fahrten, die du gefahren bist; vergangene Fahrten und Nachrichten der anderen zeigen dich als „Ehemaliges Mitglied“.
    Wenn du zurückkommen willst, schick /start: Dann bist du ein neuer Spieler.
privacy-nothing-stored = Ich habe nichts über dich gespeichert, also gibt es nichts zu vergessen.
