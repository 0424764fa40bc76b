# The trip wizard (dialogs/wizard): a passenger's way in, the steps, the summary.
wizard-role-question =
    🙋 <b>Ты пассажир; стать водителем?</b>
    Поездки предлагают только водители. /switch_role вернёт всё как было в любой момент.
wizard-become-driver = 🚗 Стать водителем
wizard-became-driver = 🚗 Теперь ты водитель (/switch_role вернёт как было).
wizard-template-question =
    🚗 <b>Новая поездка</b>
    Начать с одного из твоих шаблонов или с нуля?
wizard-from-scratch = ✏️ С нуля
# The value a step holds already (a destination, a date, a number of seats, a comment).
wizard-now = Сейчас: <i>{ $value }</i>
wizard-destination-question = 🏁 <b>Куда едем?</b> Напиши место назначения (2–100 символов)
wizard-destination-recent = или выбери одно из недавних:
wizard-recent-gone = Этого места больше нет в списке; напиши его сам.
wizard-date-question = 📅 <b>В какой день?</b>
wizard-seats-question = 💺 <b>Сколько свободных мест?</b> Нажми на число или отправь его (1–8).
wizard-seats = { $n ->
    [one] { $n } место
    [few] { $n } места
    [many] { $n } мест
   *[other] { $n } места
  }
wizard-comment-question = 💬 <b>Комментарий</b> для пассажиров? (до 500 символов) Или пропусти.
wizard-skip = ⏭ Пропустить
wizard-no-comment = 🚫 Без комментария
wizard-summary-title =
    📝 <b>Проверь поездку</b>
    {""}
wizard-summary-pickups =
    📍 Точки сбора:
    { $pickups }
wizard-summary-hint-trip =
    {""}
    Нажми на поле, чтобы его изменить, или подтверди, чтобы опубликовать поездку.
wizard-summary-hint-template =
    {""}
    Нажми на поле, чтобы его изменить, или сохрани шаблон.
wizard-edit-destination = 🏁 Куда
wizard-edit-date = 📅 Дата
wizard-edit-seats = 💺 Места
wizard-edit-pickups = 📍 Точки сбора
wizard-edit-comment = 💬 Комментарий
wizard-confirm = ✅ Подтвердить
wizard-save-template = 💾 Сохранить шаблон
wizard-created-toast = Поездка создана ✅
wizard-created-title =
    ✅ <b>Поездка создана</b>
    {""}
wizard-created-share =
    {""}
    Поделись ею с клубом: { $link }
wizard-save-as-template = 💾 Сохранить как шаблон
wizard-main-menu = 🏠 Главное меню
wizard-post-on = ✅ Написать в чат клуба
wizard-post-off = ⬜ Написать в чат клуба
wizard-created-posted = 📣 Опубликовано в чате клуба.

## Club events (issue #21): the first step offers the upcoming events
wizard-event-question =
    🏐 <b>На какое событие едешь?</b>
    {""}
wizard-event-hint =
    {""}
    Нажми на событие — место и дата подставятся сами. Едешь в другое место? Жми «Другое место».
wizard-from-template = 📋 Из шаблона
wizard-somewhere-else = 📍 Другое место
wizard-edit-event = 🏐 Событие
wizard-summary-starts = 🏐 Начало в { $starts }
wizard-series-over = У этого события больше нет ближайших дат: выбери шаблон ещё раз и укажи день.

## The way back (issue #22): "Driving back too?" on the summary, then where from, when, seats and drop-offs.
# $back_seats_line: "3 seats" (wizard-seats); $back_dropoffs: the drop-off points, one a line.
wizard-summary-back =
    {""}
    ↩️ <b>Обратно</b> в { $back_time } от <b>{ $back_from }</b>
    💺 { $back_seats_line }
    📍 Где высаживаю:
    { $back_dropoffs }
wizard-back-add = ↩️ Еду и обратно?
wizard-back-edit = ↩️ Обратный путь
wizard-back-dropoffs = 📍 Высадка
wizard-back-drop = 🚫 Без обратного
wizard-back-from-question =
    ↩️ <b>Обратный путь</b>: откуда выезжаешь?
    Нажми на место или отправь другой адрес (2–200 символов).
wizard-back-time-question = 🕒 <b>Во сколько выезжаешь от { $back_from }?</b>
wizard-back-seats-question = 💺 <b>Сколько свободных мест обратно?</b> Нажми число или отправь его (1–8).
wizard-back-seats-same = 👍 { $seats }, как туда
wizard-back-too-early = Обратно выезжают после последней точки сбора по пути туда: выбери время позже { $after }.
wizard-back-after-dropoff = Первая высадка в { $first }: выезжай раньше или сначала измени точки высадки.
