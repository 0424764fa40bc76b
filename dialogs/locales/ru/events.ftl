# События клуба (dialogs/events): список, карточка события, просьба подвезти, оповещения и редактор событий для админов.

## Вид события: значок, и значок с названием (кнопки и сводка редактора)
events-mark = { $kind ->
    [training] 🏃
    [game] 🏐
   *[other] 📌
  }
events-kind = { $kind ->
    [training] 🏃 Тренировка
    [game] 🏐 Игра
   *[other] 📌 Другое
  }
events-weekly-mark = 🔁
events-summary = 🚗 { $cars ->
    [0] машин пока нет
    [one] { $cars } машина
    [few] { $cars } машины
    [many] { $cars } машин
   *[other] { $cars } машины
  } · 💺 { $seats ->
    [one] { $seats } свободное место
    [few] { $seats } свободных места
    [many] { $seats } свободных мест
   *[other] { $seats } свободного места
  } · 🙋 { $need ->
    [0] никто не ждёт
    [one] { $need } ждёт попутку
   *[other] { $need } ждут попутку
  }

## Список
events-list-title = 🏐 <b>События клуба</b>
events-list-empty = Пока ничего не запланировано.
events-list-hint = {""}
    Нажми на событие — увидишь, какие машины едут и кого ещё нужно подвезти.
events-new = ➕ Новое событие
events-free = 🙋 Подвезти в другое место
events-my-alerts = 🔔 Мои оповещения

## Карточка
events-card-head =
    { $mark } <b>{ $title }</b>
    📅 { $when }
    📍 { $venue }
events-card-weekly = 🔁 Каждую неделю
events-card-cancelled = ❌ <b>Отменено</b>
events-card-cancelled-because = ❌ <b>Отменено</b>: { $reason }
events-card-started = ⏱ Уже началось: просить подвезти больше нельзя.
events-card-cars = 🚗 <b>Едут машины</b> ({ $n }):
events-card-no-cars = 🚗 Машин пока нет.
events-card-car = • <b>{ $driver }</b>: свободно { $left } из { $n ->
    [one] { $n } места
    [few] { $n } мест
    [many] { $n } мест
   *[other] { $n } места
  }
events-card-car-full = • <b>{ $driver }</b>: мест нет (всего { $n ->
    [one] { $n } место
    [few] { $n } места
    [many] { $n } мест
   *[other] { $n } места
  })
events-card-needs = 🙋 <b>Ещё нужно подвезти</b> ({ $n }): { $names }
events-more = ещё { $n }
events-card-no-needs = 🙋 Никто не ждёт попутку.
events-need-from = { $name } (от { $area })
events-car-button = 🚗 { $driver } · { $time } · { $left ->
    [0] мест нет
   *[other] свободно { $left }
  }
events-you-drive = 🚗 Ты туда везёшь.
events-you-seated = ✅ У тебя место у { $driver }.
events-you-asked = 🙋 Ты просишь подвезти.
events-you-asked-from = 🙋 Ты просишь подвезти от { $area }.
events-you-own = ✋ Ты добираешься своим ходом.
events-you-alert = 🔔 Я сообщу тебе о новых поездках туда.
events-need-ride = 🙋 Меня нужно подвезти
events-driving = 🚗 Я за рулём
events-own = ✋ Доберусь своим ходом
events-alert = 🔔 Сообщать о поездках
events-edit = ✏️ Изменить
events-cancel-event = ❌ Отменить событие
events-own-done = ✋ Понял: добираешься своим ходом.
events-alert-done = 🔔 Сообщу, когда появится новая поездка туда.

## Просьба подвезти (на событие из карточки или в место в нужный день)
events-request-event = 🙋 <b>Подвезти на { $title }</b>, { $when }
events-request-free = 🙋 <b>Подвезти в { $title }</b>, { $when }
events-request-hint = Откуда тебя забрать? Напиши район (например, «Дубовая улица») или просто попроси.
events-ask = ✅ Попросить подвезти
events-asked = 🙋 Готово: водители, которые туда едут, это видят.
events-asked-free = 🙋 Готово: сообщу, когда в этот день появится поездка туда.
events-free-place-question = 🏁 Куда тебя подвезти? Напиши место.
events-free-date-question = 📅 В какой день?
events-now = Сейчас: <i>{ $value }</i>

## Оповещения
events-alerts-title = 🔔 <b>Твои оповещения</b>
    Я сообщу, когда появится новая поездка туда.
events-alerts-empty = Оповещений пока нет. Нажми 🔔 в событии или добавь место ниже.
events-alerts-remove-hint = {""}
    Нажми на оповещение, чтобы удалить его.
events-alert-entry = • 🏁 <b>{ $destination }</b> · { $day }
events-alert-place = ➕ Поездки в место
events-alert-place-question = 🏁 Поездки куда? Напиши место (хватит части названия, например «Ривер»).
events-alert-day-question = 📅 Поездки в <b>{ $place }</b> — в какой день недели?
events-any-day = любой день
events-alert-added = 🔔 Оповещение сохранено ({ $day }).
events-alert-removed = 🔕 Оповещение удалено.

## Редактор событий для админов
events-kind-question =
    🏐 <b>Новое событие</b>
    Что это за событие?
events-title-question = ✏️ Как оно называется? (например, «Выезд к „Львам“», до 60 символов)
events-venue-question = 📍 Где оно будет? Напиши адрес.
events-date-question = 📅 В какой день?
events-time-question = 🕘 Во сколько начало? Напиши время (18:30) или выбери час, потом минуты.
events-hour = — час —
events-minute = — минуты —
events-weekly-question = 🔁 Повторяется каждую неделю? Тогда следующее появится, как только начнётся это.
events-weekly-yes = 🔁 Каждую неделю
events-weekly-no = 1️⃣ Один раз
events-summary-new = 🏐 <b>Новое событие</b>: проверь и создай.
events-summary-edit = ✏️ <b>Изменить событие</b>: поправь что нужно и сохрани.
events-summary-lines =
    {""}
    { $kind }: <b>{ $title }</b>
    📍 { $venue }
    📅 { $date }, { $time }
    { $weekly }
events-summary-told = {""}
    Водители, которые туда едут, и те, кто просил подвезти, узнают, что изменилось.
events-edit-kind = 🏐 Вид
events-edit-title = ✏️ Название
events-edit-venue = 📍 Место
events-edit-date = 📅 Дата
events-edit-time = 🕘 Время
events-edit-weekly = 🔁 Повтор
events-create = ✅ Создать событие
events-save = ✅ Сохранить
events-created = ✅ Событие создано.
events-saved = ✅ Сохранено: все, кого это касается, узнают.
events-cancel-title = ❌ <b>Отменить { $title }</b>, { $when }?
events-cancel-told = Водители, которые туда едут, и те, кто просил подвезти, узнают об этом. Их поездки остаются — решают водители.
events-cancel-reason = Причина: <i>{ $reason }</i>
events-cancel-hint = Можешь сначала написать причину (необязательно).
events-cancel-yes = ✅ Да, отменить
events-cancelled = ❌ Событие отменено: все, кого это касается, узнают.
