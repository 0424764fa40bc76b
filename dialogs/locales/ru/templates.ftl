# Trip templates (dialogs/templates): saving one, the /templates list, a template's card.
# Saving; $max: the longest name (a number), $name: the name taken.
templates-save-ask = 💾 Отправь <b>название</b> шаблона (1–{ $max } символов), например <i>Тренировка во вторник</i>.
templates-save-clash = У тебя уже есть шаблон «{ $name }». Заменить его или отправишь другое название?
templates-save-other = ✏️ Другое название
templates-save-replace = ♻️ Заменить
templates-saved = 💾 Сохранено как шаблон «{ $name }». Он теперь в /templates.
# The list; $count of at most $max.
templates-list-title = 📋 <b>Твои шаблоны</b> ({ $count }/{ $max })
templates-list-empty = Шаблонов пока нет. Сохрани шаблон из карточки поездки или создай здесь.
templates-list-full = Это максимум: удали один, чтобы добавить новый.
templates-new = ➕ Новый шаблон
# A template's card; $pickups: the numbered list of points, "1. <b>17:45</b> — Вокзал".
templates-card-seats = 💺 { $seats ->
        [one] { $seats } место
        [few] { $seats } места
        [many] { $seats } мест
       *[other] { $seats } места
    }
templates-card-pickups =
    📍 Точки сбора:
    { $pickups }
templates-use = 🚗 Использовать: выбрать дату
templates-rename = ✏️ Переименовать
templates-delete = 🗑 Удалить
templates-rename-ask = ✏️ Отправь новое название для «{ $name }» (1–{ $max } символов).
templates-delete-ask = 🗑 Удалить шаблон «{ $name }»? Поездки, созданные по нему, останутся как есть.
templates-delete-yes = 🗑 Да, удалить
templates-deleted = Шаблон удалён.

# A template of a weekly club event (issue #21): $title, $day: its next occurrence ("Tue 08 Dec").
templates-card-event = 🏐 На { $title }, каждую неделю: ближайшее — { $day }
templates-use-event = 🚗 Поехать: { $day }
