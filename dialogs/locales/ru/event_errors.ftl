## Club events, ride requests and alerts (models/events.py, models/requests.py, models/rules.py; issue #21)
error-not-admin = Событиями управляют только админы клуба.
error-event-kind = Выбери тип события: тренировка, игра или другое.
error-event-title-length = Название — от { $lo } до { $hi } { $hi ->
        [one] символа
        [few] символов
        [many] символов
       *[other] символа
    } (сейчас { NUMBER($sent, useGrouping: 0) }).
error-event-venue-length = Место — от { $lo } до { $hi } { $hi ->
        [one] символа
        [few] символов
        [many] символов
       *[other] символа
    } (сейчас { NUMBER($sent, useGrouping: 0) }).
error-event-time-passed = Сегодня { $time } уже прошло: выбери время начала попозже.
error-event-gone = Этого события больше нет.
error-event-cancelled = Это событие отменено.
error-event-cancelled-because = Это событие отменено: { $reason }
error-event-started = Это событие уже началось.
error-event-date-taken = В этот день уже есть это еженедельное событие: выбери другую дату.
error-area-length = Район — не больше { $most } { $most ->
        [one] символа
        [few] символов
        [many] символов
       *[other] символа
    } (сейчас { NUMBER($sent, useGrouping: 0) }).
error-request-driving = Ты сам едешь на это событие за рулём: просить подвезти не нужно.
error-request-seated = У тебя уже есть место в машине на это событие.
error-event-seat-elsewhere = У тебя уже есть место в другой машине на это событие: сначала выйди из неё, чтобы сесть в эту.
error-request-gone = Этой просьбы подвезти больше нет.
error-request-not-yours = Это чужая просьба подвезти.
error-request-closed = Эта просьба закрыта: попроси подвезти снова, если всё ещё нужно.
error-alert-weekday = Выбери день недели или любой день.
error-alert-what = Укажи, за каким событием или направлением следить.
error-alert-gone = Этого оповещения больше нет.
error-alert-not-yours = Это чужое оповещение.
