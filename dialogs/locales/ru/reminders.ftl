# Напоминания перед посадкой и ответы на них одним нажатием.
reminder-passenger = ⏰ <b>Напоминание:</b> твоя поездка до <b>{ $destination }</b> — { $when }.
reminder-driver = ⏰ <b>Напоминание:</b> ты везёшь пассажиров до <b>{ $destination }</b> { $when }.
reminder-today = сегодня в <b>{ $time }</b>
reminder-tomorrow = завтра ({ $day }) в <b>{ $time }</b>
reminder-on-day = { $day } в <b>{ $time }</b>
reminder-be-at = 📍 Место посадки: { $address }, { $time }
reminder-driver-is = 🚗 Водитель: { $driver }
reminder-ask-last = Дай знать водителю одним нажатием:
reminder-ask-early = Всё ещё едешь?
reminder-point = 📍 { $time } { $address }: { $who }
reminder-nobody = никого
reminder-seats-taken = 💺 Занято мест: { $taken } из { $seats }.

## Кнопки ответов
reminder-way = 🚗 Уже еду
reminder-late = ⏰ Опаздываю
reminder-cant = ❌ Не смогу
reminder-going = 👍 Да
reminder-cant-early = 🚫 Не смогу
reminder-cant-yes = Да, не смогу
reminder-coming = Нет, я еду
reminder-left = ❌ Ты больше не в поездке
reminder-chosen-way = ✅ Уже еду
reminder-chosen-late = ✅ Опаздываю
reminder-chosen-going = ✅ Да

## Ответы на нажатия
reminder-told-way = Водитель знает, что ты уже едешь 👍
reminder-told-late = Водитель знает, что ты опаздываешь ⏰
reminder-already-way = Уже отправлено: водитель знает, что ты едешь.
reminder-already-late = Уже отправлено: водитель знает, что ты опаздываешь.
reminder-confirm-cant = Точно? Подтверди ниже, что не сможешь поехать.
reminder-seat-freed = Ты больше не в поездке: место снова свободно, водитель в курсе.
reminder-see-you = Отлично, до встречи! 👍
reminder-you-left = Ты больше не в этой поездке. Найди другую через /trips.
reminder-stale = Эта кнопка устарела.
