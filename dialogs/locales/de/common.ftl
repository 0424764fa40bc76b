# Words every dialog shares (dialogs/widgets.py, dialogs/common.py): one wording per action.
back = ⬅️ Zurück
quit = ✖️ Schließen ohne Speichern
next = ➡️ Weiter
page-previous = ◀️ Zurück
page-next = Weiter ▶️
page-info = Seite { $page } von { $pages }
role-driver = 🚗 Fahrer
role-passenger = 🙋 Mitfahrer
role-none = noch keine Rolle
error-input = ⚠️ Das passt nicht ganz: bitte noch einmal.
error-not-text = ⚠️ Bitte als Textnachricht senden oder die Knöpfe benutzen.
# Each language names itself, the same in every catalog.
language-en = 🇬🇧 English
language-ru = 🇷🇺 Русский
language-de = 🇩🇪 Deutsch
share = 📣 Teilen
