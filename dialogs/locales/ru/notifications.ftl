# Уведомления (dialogs/notifications.py): что бот сообщает игроку, на языке читателя.
notice-open-trip = 🚗 Открыть поездку
notice-find-ride = 🔎 Найти другую поездку
notice-former-player = Бывший участник
notice-seats-left =
    { $n ->
        [0] Машина заполнена.
        [one] Осталось { $n } место.
        [few] Осталось { $n } места.
        [many] Осталось { $n } мест.
       *[other] Осталось { $n } места.
    }
# Причины, которые пишет сам бот (причину пассажира показываем как есть).
notice-reason-cant-go = не сможет поехать
notice-reason-left-bot = больше не пользуется ботом клуба
notice-reason-driver-left-bot = водитель больше не пользуется ботом клуба

## Водителю
notice-joined = 🙋 { $person } теперь едет с тобой до <b>{ $destination }</b>: посадка — { $address }, { $day } в { $time }. { $seats }
notice-left = 🚶 { $person } больше не едет с тобой до <b>{ $destination }</b> { $day } в { $time }. { $seats }
notice-left-why = 🚶 { $person } больше не едет с тобой до <b>{ $destination }</b> { $day } в { $time } ({ $reason }). { $seats }
notice-pickup-changed = 📍 { $person } теперь садится тут: { $address }, { $day } в { $time } (поездка до <b>{ $destination }</b>).
notice-rider-way = 🚗 { $person } уже в пути к месту посадки ({ $address }, { $time }; поездка до <b>{ $destination }</b>).
notice-rider-late = ⏰ { $person } опаздывает к месту посадки ({ $address }, { $time }; поездка до <b>{ $destination }</b>).

## Пассажирам
notice-seat-removed = ⚠️ Водитель убрал твоё место посадки ({ $time } { $address }) из поездки до <b>{ $destination }</b> ({ $date }), так что места у тебя больше нет. Найди другую поездку через /trips или спроси водителя: { $driver }.
notice-changed = ✏️ Водитель изменил поездку до <b>{ $destination }</b> ({ $date }):
notice-change-destination = куда: { $old } → <b>{ $new }</b>
notice-change-date = дата: { $old } → <b>{ $new }</b>
notice-change-time = время твоей посадки: { $old } → <b>{ $new }</b>
notice-change-address = адрес твоей посадки: { $old } → <b>{ $new }</b>
notice-change-comment = заметка водителя: { $comment }
notice-change-comment-removed = водитель убрал заметку
notice-cancelled =
    ❌ Поездка до <b>{ $destination }</b> ({ $date }) отменена.
    Найди другую поездку через /trips.
notice-cancelled-why =
    ❌ Поездка до <b>{ $destination }</b> ({ $date }) отменена.
    Причина: { $reason }
    Найди другую поездку через /trips.

## Кнопки уведомлений
notice-start-first = Сначала отправь /start и выбери роль.
notice-trip-gone = Этой поездки больше нет.
notice-stale = Эта кнопка устарела.
notice-club-chat-lost = ⚠️ { $status ->
    [restricted] Мне больше нельзя писать в чат клуба,
   *[other] Меня удалили из чата клуба,
  } поэтому поездки и доска туда больше не публикуются. Верни меня (администратор с правом «Закреплять сообщения» держит доску закреплённой), и я продолжу.

## Club events and ride requests (issue #21). $title, $area, $name: user text, escaped; $old / $new of a
## kind: one of the notice-event-kind-* words.
notice-open-event = 🏐 Открыть событие
notice-event-gone = Этого события нет (больше нет).
notice-event-kind-training = тренировка
notice-event-kind-game = игра
notice-event-kind-other = другое
notice-event-changed = ✏️ <b>{ $title }</b> { $date } — изменения:
notice-event-change-title = название: { $old } → <b>{ $new }</b>
notice-event-change-kind = тип: { $old } → <b>{ $new }</b>
notice-event-change-venue = место: { $old } → <b>{ $new }</b>
notice-event-change-date = дата: { $old } → <b>{ $new }</b>
notice-event-change-time = начало: { $old } → <b>{ $new }</b>
notice-event-cancelled = ❌ <b>{ $title }</b> { $date } отменяется.
notice-event-cancelled-why =
    ❌ <b>{ $title }</b> { $date } отменяется.
    Причина: { $reason }
notice-ride-requests = { $n ->
    [one] 🙋 { $n } игроку всё ещё нужно доехать до <b>{ $title }</b> ({ $day }, { $time }):
    [few] 🙋 { $n } игрокам всё ещё нужно доехать до <b>{ $title }</b> ({ $day }, { $time }):
    [many] 🙋 { $n } игрокам всё ещё нужно доехать до <b>{ $title }</b> ({ $day }, { $time }):
   *[other] 🙋 { $n } игрока всё ещё нужно доехать до <b>{ $title }</b> ({ $day }, { $time }):
  }
notice-need = • { $name }
notice-need-from = • { $name }, из района { $area }
notice-need-more = …и ещё { $n }: открой событие.
notice-event-new-trip = 🚗 Новая машина едет на <b>{ $title }</b> { $day }: за рулём { $driver }, первая точка сбора в { $time }, { $address }. { $seats }
notice-alert-new-trip = 🔔 Новая поездка до <b>{ $destination }</b> { $day }: за рулём { $driver }, первая точка сбора в { $time }, { $address }. { $seats }

## Задача #22: лист ожидания, «Всё ещё в силе?» после изменения, слово водителя. $until — до какого
## времени держится место («18:42»); $word — сообщение водителя (текст пользователя, экранирован).
# Игроку в очереди: освободилось место, оно ждёт его до $until.
notice-seat-offered = 🎉 В поездке до <b>{ $destination }</b> ({ $date }) освободилось место — оно твоё, если займёшь его до <b>{ $until }</b>.
notice-seat-offered-at = 🎉 В поездке до <b>{ $destination }</b> ({ $date }) освободилось место (посадка — { $address }, { $time }) — оно твоё, если займёшь его до <b>{ $until }</b>.
notice-offer-expired = ⌛ Место в поездке до <b>{ $destination }</b> ({ $date }) не было занято вовремя и ушло следующему в очереди.
notice-offer-expired-free = ⌛ Место в поездке до <b>{ $destination }</b> ({ $date }) не было занято вовремя. Больше в очереди никого нет, так что оно снова свободно: занимай, пока никто не опередил.
notice-offer-withdrawn = ↩️ Водитель изменил поездку до <b>{ $destination }</b> ({ $date }): предложенного тебе места больше нет. Твоё место в очереди сохранено.
notice-waitlist-cancelled =
    ❌ Поездка до <b>{ $destination }</b> ({ $date }) отменена, очередь на неё закрыта.
    Найди другую поездку через /trips.
notice-waitlist-departed =
    🚗 Поездка до <b>{ $destination }</b> ({ $date }) уже уехала, очередь на неё закрыта.
    Найди другую поездку через /trips.
# Водителю: игрок из очереди занял освободившееся место.
notice-waitlist-took = ⏳ { $person } из очереди занимает освободившееся место в твоей поездке до <b>{ $destination }</b>: посадка — { $address }, { $day } в { $time }. { $seats }
# После списка изменений (notice-changed) — пассажиру, который должен их подтвердить.
notice-reconfirm-ask = Тебе всё ещё подходит?
notice-released =
    🚪 Твоё место в поездке до <b>{ $destination }</b> ({ $date }, { $time } { $address }) освобождено: после изменения водителя ответа «всё в силе» не было.
    Найди другую поездку через /trips.
notice-driver-word =
    💬 { $driver }, водитель твоей поездки до <b>{ $destination }</b> ({ $day }):
    { $word }
notice-removed =
    🚫 { $driver } убрал тебя из поездки до <b>{ $destination }</b> ({ $date }).
    Найди другую поездку через /trips.
notice-removed-why =
    🚫 { $driver } убрал тебя из поездки до <b>{ $destination }</b> ({ $date }).
    Причина: { $reason }
    Найди другую поездку через /trips.
