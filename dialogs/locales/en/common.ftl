# Words every dialog shares (dialogs/widgets.py, dialogs/common.py): one wording per action.
back = ⬅️ Back
quit = ✖️ Close without saving
next = ➡️ Next
page-previous = ◀️ Previous
page-next = Next ▶️
page-info = page { $page } of { $pages }
role-driver = 🚗 driver
role-passenger = 🙋 passenger
role-none = no role yet
error-input = ⚠️ That does not look right: please try again.
error-not-text = ⚠️ Please send this as a text message, or use the buttons.
# Each language names itself, the same in every catalog.
language-en = 🇬🇧 English
language-ru = 🇷🇺 Русский
language-de = 🇩🇪 Deutsch
share = 📣 Share
