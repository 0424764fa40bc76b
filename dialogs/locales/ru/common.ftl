# Words every dialog shares (dialogs/widgets.py, dialogs/common.py): one wording per action.
back = ⬅️ Назад
quit = ✖️ Закрыть без сохранения
next = ➡️ Далее
page-previous = ◀️ Назад
page-next = Далее ▶️
page-info = страница { $page } из { $pages }
role-driver = 🚗 водитель
role-passenger = 🙋 пассажир
role-none = роль не выбрана
error-input = ⚠️ Что-то не так: попробуй ещё раз.
error-not-text = ⚠️ Отправь это текстовым сообщением или воспользуйся кнопками.
# Each language names itself, the same in every catalog.
language-en = 🇬🇧 English
language-ru = 🇷🇺 Русский
language-de = 🇩🇪 Deutsch
share = 📣 Поделиться
