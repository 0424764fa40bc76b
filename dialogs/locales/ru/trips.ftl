# Поиск поездок, карточка поездки, «Мои поездки» (dialogs/trips).
trips-player = Игрок
trips-full = МЕСТ НЕТ
trips-seats-left = свободно { $n ->
    [one] { $n } место
    [few] { $n } места
    [many] { $n } мест
   *[other] { $n } места
  }
trips-list-legend = 🟢 есть места · 🔴 мест нет · ✅ у тебя место · 🚗 ты за рулём
trips-find-title = 🔎 <b>Ближайшие поездки</b>
trips-find-empty = Пока нет предстоящих поездок. Загляни позже!

## Карточка поездки
trips-card-cancelled = ❌ <b>Отменена</b>
trips-card-cancelled-because = ❌ <b>Отменена</b>: { $reason }
trips-card-over = 🏁 Эта поездка уже прошла.
trips-card-driver = 🚗 Водитель: { $driver }
trips-card-pickups = 📍 Места посадки:
trips-card-unreachable = ⚠️ <i>бот не может написать</i>
trips-card-your-pickup = ← <i>твоя посадка</i>
trips-card-seats-free = 💺 Свободно { $left } из { $n ->
    [one] { $n } места
    [few] { $n } мест
    [many] { $n } мест
   *[other] { $n } места
  }
trips-card-seats-full = 💺 Мест нет (всего { $n ->
    [one] { $n } место
    [few] { $n } места
    [many] { $n } мест
   *[other] { $n } места
  })
trips-card-going = 👥 Едут: { $names }
trips-card-your-seat = ✅ <b>У тебя есть место.</b> Если планы изменятся, напиши водителю (ссылка выше).
trips-card-join-hint =
    {""}
    🙋 Нажми на своё место посадки, чтобы записаться.
trips-join = 🙋 Записаться
trips-find-another = 🔎 Найти другую поездку
trips-change-pickup = 📍 Сменить посадку
trips-leave = 🚶 Выйти
trips-edit = ✏️ Изменить
trips-cancel-trip = ❌ Отменить поездку
trips-save-template = 💾 Сохранить как шаблон

## Запись, смена места посадки, выход
trips-pick-point = Где тебя забрать? Выбери место посадки:
trips-confirm-join = Занять место в поездке <b>{ $destination }</b> ({ $when }), посадка: { $point }?
trips-join-ok = ✅ Записаться
trips-joined = Место твоё! 🎉
trips-pick-new-point = Выбери новое место посадки:
trips-pickup-changed = Место посадки изменено.
trips-leave-ask = Выйти из поездки? Твоё место сразу освободится, а водитель получит уведомление.
trips-leave-ok = 🚶 Да, выйти
trips-left = Готово: твоё место снова свободно.

## Мои поездки
trips-mine-title =
    🧳 <b>Мои поездки</b>
    {""}
trips-mine-empty = У тебя нет предстоящих поездок. Найди подходящую: /trips.
trips-mine-driving = 🚗 <b>Ты за рулём</b> (нажми на поездку, чтобы увидеть пассажиров, изменить или отменить её):
trips-mine-booked = занято { $taken }/{ $seats }
trips-mine-seats = 🙋 <b>Твои места</b>:
trips-mine-ride = { $when }, посадка: { $address }

## My trips: ride requests (issue #21); $area: where the player would be picked up
trips-mine-requests = ⏳ <b>Ждёшь машину</b> (нажми, чтобы изменить или отменить):
trips-request-from = от { $area }
trips-request-title = ⏳ <b>Твоя заявка на поездку</b>
trips-request-area = 📍 Откуда: { $area }
trips-request-anywhere = 📍 Откуда: откуда угодно
trips-request-hint =
    {""}
    Водители, которые едут туда, видят твою заявку. Отправь улицу или район, чтобы изменить, откуда тебя забрать.
trips-request-cancelled = ❌ <b>Событие отменено.</b>
trips-request-closed = Заявка закрыта: у тебя уже есть место или заявка отменена.
trips-request-clear-area = 🌍 Откуда угодно
trips-request-event = 🏐 Открыть событие
trips-request-withdraw = 🗑 Отменить заявку
trips-request-withdrawn = Заявка отменена.
