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

## Лист ожидания, инструменты водителя и обратный путь (issue #22).
## $pos: место в очереди ("2"), $form: его порядковая форма по CLDR (в русском всегда other)
trips-card-in-line = ⏳ Ты { $form ->
   *[other] { $pos }-й
  } в очереди. Я напишу, когда освободится место.
trips-card-offered = 🎉 <b>Для тебя освободилось место!</b> Займи его до { $until }, иначе оно перейдёт следующему в очереди.
trips-card-still-ok = ❓ Водитель изменил поездку: тебе всё ещё подходит?
trips-card-waiting = ⏳ Место ждут: { $n ->
    [one] { $n } игрок
    [few] { $n } игрока
    [many] { $n } игроков
   *[other] { $n } игрока
  }.
trips-card-reconfirm-legend = После твоего изменения: ✅ всё в силе · ❓ пока не ответили ({ $n })
trips-card-release-at = ⏰ Места без ответа освободятся в { $at }.
trips-card-return-leg = ↩️ <b>Обратный путь</b>
trips-card-stops = 📍 Отправление, затем места высадки:
trips-card-your-stop = ← <i>ты выходишь здесь</i>
## $when: "сб 05 дек., 21:30"; $place: откуда отправляется этот путь; $state: свободные места, мест нет, …
trips-card-leg-back = ↩️ Обратно: { $when } от { $place }, { $state }
trips-card-leg-out = ➡️ Туда: { $when } от { $place }, { $state }
trips-leg-full = мест нет
trips-leg-cancelled = ❌ отменена
trips-leg-riding = ✅ у тебя есть место
trips-wait = ⏳ Ждать места
trips-leave-line = 🚶 Выйти из очереди
trips-take = ✅ Занять место
trips-pass = 🙅 Пропустить
trips-still-ok = 👍 Всё в силе
trips-open-back = ↩️ Обратный путь
trips-open-out = ➡️ Путь туда
trips-join-both = 🙋 Туда и обратно
trips-word = 💬 Написать пассажирам
trips-remove = 🚫 Убрать пассажира
trips-release = ⏰ Освободить без ответа в …
trips-wait-pick = Мест нет. Где тебя забрать? Выбери место посадки, чтобы встать в очередь:
trips-take-pick = Для тебя освободилось место. Где тебя забрать? Выбери место посадки:
trips-waiting = ⏳ Ты { $form ->
   *[other] { $pos }-й
  } в очереди.
trips-line-left = Ты вышел из очереди.
trips-took-seat = Место твоё! 🎉
trips-passed = Ты пропустил место: оно перейдёт следующему в очереди.
trips-still-ok-done = Спасибо! Водитель видит, что ты едешь. 👍

## Водитель: освободить места без ответа
trips-release-title =
    ⏰ <b>Освободить места без ответа</b>
    {""}
    { $n ->
        [one] { $n } пассажир не ответил
        [few] { $n } пассажира не ответили
        [many] { $n } пассажиров не ответили
       *[other] { $n } пассажира не ответили
    } на «Всё в силе?» после твоего изменения. В выбранное время их места освободятся и достанутся тем, кто ждёт. Отправление: { $departs }.
trips-release-now = {""}
    Сейчас: <b>{ $at }</b>.
trips-release-pick = {""}
    Освободить в:
trips-release-too-late = {""}
    До отправления слишком мало времени, чтобы выбрать время.
trips-release-never = 🔓 Не освобождать
trips-release-set = Места без ответа освободятся в { $at }.
trips-release-cleared = Места без ответа останутся за пассажирами.

## Слово водителя ($word: его сообщение, экранировано)
trips-word-ask =
    💬 <b>Сообщение пассажирам</b>
    {""}
    Отправь короткое сообщение (до 300 символов), например «Опаздываю на 5 минут» или «северный выход». Каждый пассажир получит его с названием поездки.
trips-word-preview =
    💬 Отправить { $n ->
        [one] пассажиру
       *[other] пассажирам ({ $n })
    }?
    {""}
    <i>{ $word }</i>
    {""}
    Чтобы изменить, отправь другой текст.
trips-word-send = 📨 Отправить
trips-word-sent = Отправлено { $n ->
    [one] { $n } пассажиру
   *[other] { $n } пассажирам
  }.

## Водитель убирает пассажира ($name, $point: экранированы; $reason: что написал водитель)
trips-remove-pick = Кого убрать из поездки? Ему придёт сообщение, а место перейдёт следующему в очереди.
trips-remove-ask = Убрать <b>{ $name }</b> ({ $point }) из этой поездки?
trips-remove-gone = Этого пассажира уже нет в поездке.
trips-remove-reason = {""}
    Причина: { $reason }
trips-remove-hint = {""}
    Можешь сначала отправить причину: пассажир её увидит.
trips-remove-yes = 🚫 Да, убрать
trips-removed = Пассажир убран, место снова свободно.

## Записаться в обе стороны
trips-both-pick-out = ➡️ Туда: где тебя забрать?
trips-both-pick-back = ↩️ Обратно: где тебя высадить?
trips-both-confirm =
    Занять место туда и обратно?
    ➡️ <b>{ $destination }</b>, { $when }: посадка { $out }
    ↩️ Обратно { $back_when } от { $back_from }: высадка { $back }
trips-join-both-ok = ✅ Туда и обратно
trips-joined-both = Ты едешь туда и обратно! 🎉
