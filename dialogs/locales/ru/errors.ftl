# Refusals of domain operations (models/: `raise ValidationError("error-…", **params)`), shown by
# dialogs.common.show_error / error_text. Parameters are as the model raised them: counts as numbers,
# user text (a template name, a cancel reason) raw — the whole text is escaped where it is shown.
# "You sent N" counts are printed without grouping ("4096", not "4 096").

## Players and roles (models/users.py)
error-unknown-user = Я тебя ещё не знаю: сначала отправь /start.
error-unknown-role = Неизвестная роль { $role }.
error-unknown-language = Этот язык я пока не знаю: выбери язык кнопкой.
error-drivers-only = Это могут только водители. Сначала переключись на роль водителя: /switch_role.
error-trip-not-yours = Это не твоя поездка, поэтому менять её нельзя.
error-template-not-yours = Это не твой шаблон, поэтому менять его нельзя.
error-car-length = Опиши машину в { $lo }–{ $hi } { $hi ->
        [one] символ
        [few] символа
        [many] символов
       *[other] символа
    }, например: красная Skoda, AB-123.

## Trips: what drivers type (models/trips.py)
error-destination-length = Куда едем — от { $lo } до { $hi } { $hi ->
        [one] символа
        [few] символов
        [many] символов
       *[other] символа
    } (сейчас { NUMBER($sent, useGrouping: 0) }).
error-address-length = Адрес — от { $lo } до { $hi } { $hi ->
        [one] символа
        [few] символов
        [many] символов
       *[other] символа
    } (сейчас { NUMBER($sent, useGrouping: 0) }).
error-comment-length = Комментарий — не больше { $most } { $most ->
        [one] символа
        [few] символов
        [many] символов
       *[other] символа
    } (сейчас { NUMBER($sent, useGrouping: 0) }).
error-comment-lines = Комментарий — не больше { $most } { $most ->
        [one] строки
        [few] строк
        [many] строк
       *[other] строки
    } (сейчас { NUMBER($sent, useGrouping: 0) }).
error-seats-number = Отправь число мест от { $lo } до { $hi }.
error-seats-range = Мест может быть от { $lo } до { $hi }.
error-time-format = Отправь время в виде ЧЧ:ММ, например 18:30 или 9:05.
error-time-range = Такого времени не бывает: часы от 0 до 23, минуты от 0 до 59.
error-time-passed = Сегодня { $time } уже прошло: выбери время попозже.
error-date-past = Эта дата уже прошла: выбери сегодня или день позже.
error-date-too-far = Это больше чем через год: выбери дату поближе.

## Rules every operation shares (models/rules.py, models/queries.py)
error-trip-gone = Такой поездки нет (или уже нет).
error-trip-left = Эта поездка уже уехала.
error-trip-over = Эта поездка уже закончилась.
error-trip-cancelled = Эта поездка отменена.
error-trip-cancelled-because = Эта поездка отменена: { $reason }
error-pickups-none = Добавь хотя бы одну точку сбора.
error-pickups-too-many = Точек сбора может быть не больше { $most }: сначала убери одну.
error-template-gone = Этого шаблона больше нет.

## Seats (models/rides.py, models/lifecycle.py)
error-own-trip = Это твоя поездка: водитель не может занять в ней место.
error-seat-taken-already = У тебя уже есть место в этой поездке.
error-trip-full = Увы, в этой поездке мест нет.
error-pickup-gone = Этой точки сбора в поездке больше нет.
error-trip-changed-before-join = Водитель только что изменил поездку. Посмотри, что поменялось, и запишись снова.
error-no-seat = У тебя нет места в этой поездке.
error-no-reminder-yet = Напоминание об этой поездке ещё не приходило: эти кнопки заработают, когда оно придёт.

## Managing a trip (models/manage.py)
error-not-the-driver = Менять поездку может только её водитель.
error-shift-other-day = Сдвиг на { $shift } мин переносит { $time } на другой день: лучше поменяй дату.
error-seats-below-booked = { $booked ->
        [one] Уже записан { $booked } пассажир
        [few] Уже записаны { $booked } пассажира
        [many] Уже записано { $booked } пассажиров
       *[other] Уже записано { $booked } пассажира
    }: мест не может быть меньше { $booked }.
error-trip-changed-meanwhile = Тем временем поездку изменили на другом экране. Вот какая она сейчас; внеси свои изменения заново.
error-pickup-changed-meanwhile = Тем временем изменилась точка сбора. Открой поездку заново.
error-removed-pickups-changed = Тем временем на удаляемые точки сбора записались или с них ушли пассажиры. Вот что сейчас; проверь и подтверди ещё раз.
error-reason-length = Причина — не больше { $most } { $most ->
        [one] символа
        [few] символов
        [many] символов
       *[other] символа
    } (сейчас { NUMBER($sent, useGrouping: 0) }).

## Templates (models/templates.py)
error-template-name-length = Название шаблона — от 1 до { $most } { $most ->
        [one] символа
        [few] символов
        [many] символов
       *[other] символа
    } (сейчас { NUMBER($sent, useGrouping: 0) }).
error-template-name-taken = У тебя уже есть шаблон «{ $name }».
error-template-name-taken-rename = У тебя уже есть шаблон «{ $name }»: выбери другое название.
error-templates-limit = У тебя уже { $most } { $most ->
        [one] шаблон
        [few] шаблона
        [many] шаблонов
       *[other] шаблона
    } — это максимум. Сначала удали один в /templates.
