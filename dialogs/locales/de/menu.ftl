# The main menu and the language choice (dialogs/menu/dialog.py).
menu-hello = 👋 <b>{ $name }</b>, du bist { $role }.
menu-next-rides = Nächste Fahrten:
menu-what-next = {""}
    Was möchtest du tun?
menu-new-trip = 🚗 Neue Fahrt
menu-find = 🔎 Fahrt finden
menu-mine = 🧳 Meine Fahrten
menu-templates = 📋 Vorlagen
menu-car = 🚙 Mein Auto
menu-past = 🕘 Vergangene Fahrten
menu-events = 🏐 Termine
menu-switch-role = 🔁 Rolle wechseln
menu-language = 🌐 Sprache
menu-language-now =
    🌐 <b>Sprache</b>
    Jetzt: { $language }
    In welcher Sprache soll ich mit dir sprechen?

# Commands (dialogs/menu/commands.py): answers of their own.
menu-send-start = Schick /start, um loszulegen.
menu-start-first = Schick zuerst /start und wähle eine Rolle.
menu-trip-not-found = Diese Fahrt finde ich nicht: Der Link ist vielleicht kaputt, oder die Fahrt wurde gelöscht. Hier ist das Menü; versuch es mit 🔎 Fahrt finden.
menu-templates-drivers-only = Vorlagen sind für Fahrer. Wechsle deine Rolle mit /switch_role.

# Telegram's command menu (setMyCommands, at most 256 characters each).
menu-cmd-start = Hauptmenü
menu-cmd-trips = Mitfahrt finden
menu-cmd-mytrips = Deine Fahrten
menu-cmd-newtrip = Fahrt anbieten
menu-cmd-events = Vereinstermine: wer fährt, wer eine Mitfahrt braucht
menu-cmd-templates = Deine Fahrtvorlagen (Fahrer)
menu-cmd-history = Vergangene Fahrten
menu-cmd-switch-role = Zwischen Fahrer und Mitfahrer wechseln
menu-cmd-language = Sprache des Bots wählen
menu-cmd-forget-me = Deine Daten aus dem Bot löschen
menu-cmd-cancel = Aktuellen Bildschirm schließen
menu-cmd-help = So funktioniert der Bot

# /help: the title, a line per command ("/start — main menu"), the last word.
menu-help-title = 🏐 <b>Vereins-Fahrgemeinschaft</b>
menu-help-intro = Fahrer bieten Plätze zu Spielen und Trainings an; Mitfahrer wählen einen Treffpunkt und nehmen einen Platz.
menu-help-start = Hauptmenü
menu-help-trips = eine Mitfahrt zum nächsten Spiel finden
menu-help-mytrips = die Fahrten, bei denen du dabei bist
menu-help-newtrip = eine Fahrt anbieten (Mitfahrer werden gefragt, ob sie zum Fahrer wechseln)
menu-help-events = Spiele und Trainings des Vereins: welche Autos fahren, wer noch eine Mitfahrt braucht
menu-help-templates = deine wöchentlichen Fahrten, bereit zum Wiederverwenden (Fahrer)
menu-help-history = deine vergangenen Fahrten
menu-help-switch-role = zwischen Fahrer und Mitfahrer wechseln
menu-help-language = die Sprache wählen, in der der Bot mit dir spricht
menu-help-forget-me = deine Daten aus dem Bot löschen
menu-help-cancel = den offenen Bildschirm schließen und zurück zum Menü
menu-help-help = dieser Text
menu-help-outro = Fast alles andere sind Knöpfe.
