# Editing and cancelling a trip (dialogs/manage). $title: "Riverside Arena, сб 05 дек. 2026".
manage-edit-title = ✏️ <b>Изменить поездку</b>: { $title }
manage-no-changes = Пока без изменений: выбери, что поменять.
manage-shift-hint = 🕘 Опаздываешь или едешь раньше? Кнопки 🕘 сдвигают время всех точек сбора.
# The menu's buttons, also the labels of the diff's lines.
manage-field-destination = 🏁 Куда
manage-field-date = 📅 Дата
manage-field-seats = 💺 Места
manage-field-comment = 💬 Комментарий
manage-field-pickups = 📍 Точки сбора
# $minutes: "15" (a string)
manage-shift-earlier = 🕘 −{ $minutes } мин
manage-shift-later = 🕘 +{ $minutes } мин
manage-confirm = ✅ Подтвердить
# One line of the diff: "💺 Места: 3 → 4". A stop is "18:00 Вокзал".
manage-diff-field = { $field }: { $old } → { $new }
manage-diff-pickup-new = 📍 Новая точка: { $stop }
manage-diff-pickup-removed = 📍 Убрана: { $stop }
manage-diff-pickup-moved = 📍 { $old } → { $new }
manage-saved = Сохранено. Пассажиры получат уведомление. ✅
# The field steps
manage-destination-now =
    🏁 Сейчас: <b>{ $destination }</b>
    Отправь новое место назначения (2–100 символов).
manage-date-now =
    📅 Сейчас: <b>{ $date }</b>
    Выбери новый день.
manage-seats-now = 💺 Сейчас <b>{ $seats }</b> { $seats ->
        [one] место
        [few] места
        [many] мест
       *[other] места
    }; занято { $booked }, меньше нельзя.
manage-seats-hint = Нажми на число или отправь его.
manage-comment-now = 💬 Сейчас: <i>{ $comment }</i>
manage-comment-none = 💬 Комментария пока нет.
manage-comment-hint = Отправь новый комментарий (до 500 символов).
manage-comment-clear = 🧹 Без комментария
# Removing a pickup point costs passengers their seats; $n of them, $names "Ann, Bob".
manage-remove-confirm =
    ⚠️ Если убрать эту точку, { $n ->
        [one] { $n } пассажир потеряет место
        [few] { $n } пассажира потеряют места
        [many] { $n } пассажиров потеряют места
       *[other] { $n } пассажира потеряют места
    }: <b>{ $names }</b>.
    Им сообщат почему. Убираем?
manage-remove-yes = ✅ Да, убрать
# Cancelling; $n passengers are told.
manage-cancel-title = ❌ <b>Отменить поездку</b> { $title }?
manage-cancel-told = { $n ->
        [one] { $n } пассажир получит уведомление.
        [few] { $n } пассажира получат уведомление.
        [many] { $n } пассажиров получат уведомление.
       *[other] { $n } пассажира получат уведомление.
    }
manage-cancel-reason = Причина: <i>{ $reason }</i>
manage-cancel-hint = Если хочешь, отправь короткую причину, потом нажми «Да».
manage-cancel-yes = ❌ Да, отменить поездку
manage-cancelled = Поездка отменена. Пассажиры получат уведомление.
# Issue #22: cancelling one leg of a trip with a way back asks about the other, still to come.
# $other_direction: "back" (cancelling the way there) or "out" (cancelling the way back);
# $other_when: "Sat 05 Dec 21:30"; $other_place: where that leg leaves from.
manage-cancel-other =
    { $other_direction ->
        [back] ↩️ Обратный путь тоже в силе: { $other_when } от { $other_place }.
       *[out] ➡️ Путь туда тоже в силе: { $other_when } от { $other_place }.
    }
    Отменить и его?
manage-cancel-hint-both = Если хочешь, отправь короткую причину (она для обоих путей), потом выбери.
manage-cancel-both = ❌ Отменить туда и обратно
manage-cancel-only = { $other_direction ->
        [back] ❌ Только туда
       *[out] ❌ Только обратно
    }
