# The main menu and the language choice (dialogs/menu/dialog.py).
menu-hello = 👋 <b>{ $name }</b>, ты — { $role }.
menu-next-rides = Ближайшие поездки:
menu-what-next = {""}
    Что будем делать?
menu-new-trip = 🚗 Новая поездка
menu-find = 🔎 Найти поездку
menu-mine = 🧳 Мои поездки
menu-templates = 📋 Шаблоны
menu-car = 🚙 Моя машина
menu-past = 🕘 Прошедшие поездки
menu-events = 🏐 События
menu-switch-role = 🔁 Сменить роль
menu-language = 🌐 Язык
menu-language-now =
    🌐 <b>Язык</b>
    Сейчас: { $language }
    На каком языке мне с тобой говорить?

# Commands (dialogs/menu/commands.py): answers of their own.
menu-send-start = Отправь /start, чтобы начать.
menu-start-first = Сначала отправь /start и выбери роль.
menu-trip-not-found = Не нашёл эту поездку: ссылка, наверное, битая, или поездку удалили. Вот меню — попробуй 🔎 Найти поездку.
menu-templates-drivers-only = Шаблоны — для водителей. Сменить роль можно через /switch_role.

# Telegram's command menu (setMyCommands, at most 256 characters each).
menu-cmd-start = Главное меню
menu-cmd-trips = Найти поездку
menu-cmd-mytrips = Мои поездки
menu-cmd-newtrip = Предложить поездку
menu-cmd-events = События клуба: кто везёт, кого подвезти
menu-cmd-templates = Шаблоны поездок (для водителей)
menu-cmd-history = Прошедшие поездки
menu-cmd-switch-role = Сменить роль: водитель или пассажир
menu-cmd-language = Выбрать язык бота
menu-cmd-forget-me = Удалить свои данные из бота
menu-cmd-cancel = Закрыть текущий экран
menu-cmd-help = Как работает бот

# /help: the title, a line per command ("/start — main menu"), the last word.
menu-help-title = 🏐 <b>Клубные поездки</b>
menu-help-intro = Водители предлагают места на игры и тренировки; пассажиры выбирают точку сбора и занимают место.
menu-help-start = главное меню
menu-help-trips = найти поездку на ближайшую игру
menu-help-mytrips = поездки, в которых ты участвуешь
menu-help-newtrip = предложить поездку (пассажиру предложат стать водителем)
menu-help-events = игры и тренировки клуба: какие машины едут и кого ещё нужно подвезти
menu-help-templates = твои еженедельные поездки, готовые к повтору (для водителей)
menu-help-history = твои прошедшие поездки
menu-help-switch-role = переключиться между водителем и пассажиром
menu-help-language = выбрать язык, на котором говорит бот
menu-help-forget-me = удалить свои данные из бота
menu-help-cancel = закрыть открытый экран и вернуться в меню
menu-help-help = этот текст
menu-help-outro = Всё остальное — почти всегда кнопки.
