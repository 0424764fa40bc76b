# The pickup-point editor (dialogs/pickups), shared by the wizard, trip editing and templates.
pickups-list-title = 📍 <b>Точки сбора</b> (по времени):
pickups-list-hint =
    {""}
    Добавь ещё, убери одну или нажми «Готово».
pickups-add = ➕ Добавить ещё
pickups-change = ✏️ Изменить
pickups-remove = ➖ Убрать
pickups-done = ✅ Готово
pickups-remove-question = Какую точку сбора убрать?
pickups-change-question = Какую точку сбора изменить?
pickups-removed = Убрано: { $time } { $address }
pickups-gone = Этой точки сбора уже нет в списке.
pickups-address-new = 📍 Точка сбора { $number }: отправь <b>адрес</b> (2–200 символов).
pickups-address-change = 📍 Отправь новый <b>адрес</b> этой точки сбора (сейчас: <i>{ $current }</i>).
pickups-keep-address = ➡️ Оставить этот адрес
pickups-address-missing = Отправь адрес, пожалуйста.
pickups-address-first = Сначала отправь адрес.
pickups-time-question = 🕒 Во сколько забрать по адресу <b>{ $address }</b>?
pickups-time-hint = Напиши время (18:30, 9:05, 18.30) или нажми час, а потом минуты.
pickups-time-today =
    {""}
    (Поездка сегодня: выбери время, которое ещё не прошло.)
pickups-hour = — час —
pickups-minute = — минуты —
pickups-keep-time = ➡️ Оставить { $current }
pickups-time-missing = Выбери время, пожалуйста.
# A trip to a club event (issue #21): a time before the event starts, offered as one button.
pickups-time-suggested =
    {""}
    🏐 Начало в { $starts }: выезд в { $suggested } — и все успевают.
pickups-use-suggested = 👍 { $suggested } (предлагаю)

## The way back's drop-off points (issue #22): the same editor in its drop-off mode. $after: "21:30", when the car leaves.
pickups-dropoff-list-title = 📍 <b>Где высаживаю</b> на обратном пути (по времени):
pickups-dropoff-remove-question = Какую точку высадки убрать?
pickups-dropoff-change-question = Какую точку высадки изменить?
pickups-dropoff-address-new = 📍 Точка высадки { $number }: отправь <b>адрес</b> (2–200 символов).
pickups-dropoff-address-change = 📍 Отправь новый <b>адрес</b> этой точки высадки (сейчас: <i>{ $current }</i>).
pickups-dropoff-time-question = 🕒 Во сколько высадка по адресу <b>{ $address }</b>?
pickups-dropoff-time-after =
    {""}
    (Выезжаешь в { $after }: выбери время позже.)
pickups-dropoff-too-early = Высадка бывает только после выезда в { $after }: выбери время позже.
pickups-dropoffs-too-many = Не больше { $most } точек высадки: сначала убери одну.
