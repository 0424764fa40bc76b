# Кнопки уведомлений листа ожидания и «Всё ещё в силе?» (dialogs/waitlist/) и ответы на нажатия —
# на языке нажавшего.
waitlist-take = ✅ Занять место
waitlist-pass = 🙅 Пропустить
waitlist-still-ok = 👍 Всё в силе
waitlist-leave = 🚪 Выйти из поездки
waitlist-leave-yes = Да, выйти из поездки
waitlist-leave-no = Нет, я еду
# Выбранный ответ, отмеченный (им заменяется клавиатура уведомления).
waitlist-chosen-took = ✅ Место твоё
waitlist-chosen-passed = 🙅 Место пропущено
waitlist-chosen-ok = ✅ Всё в силе
waitlist-chosen-left = 🚪 Ты больше не в поездке

## Ответы на нажатия
waitlist-told-took = Место твоё! Водитель в курсе. 🎉
waitlist-told-passed = Хорошо: место уйдёт следующему в очереди.
waitlist-told-ok = Спасибо! Водитель видит, что ты едешь. 👍
waitlist-confirm-leave = Точно? Подтверди ниже, что выходишь из поездки.
waitlist-told-left = Ты больше не в поездке: место снова свободно, водитель в курсе.
waitlist-seat-yours = Это место твоё. До встречи!
waitlist-passed-already = Это место ты пропускаешь.
waitlist-left-already = Ты больше не в этой поездке. Найди другую через /trips.
waitlist-stale = Эта кнопка устарела.
