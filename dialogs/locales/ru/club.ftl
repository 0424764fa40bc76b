# The club's group chat (dialogs/club): trip announcements, the board, inline sharing.
club-post-cancelled = ❌ <b>Отменена</b>: { $reason }
club-post-cancelled-plain = ❌ <b>Отменена</b>
club-post-over = 🏁 Эта поездка уже состоялась.
club-post-driver = 🚗 Водитель: { $driver }
club-post-pickups = 📍 Точки сбора:
club-post-seats = 💺 Свободно { $left } из { $n ->
    [one] { $n } места
   *[other] { $n } мест
  }
club-post-full = 🔴 Мест нет ({ $n ->
    [one] { $n } место
    [few] { $n } места
   *[other] { $n } мест
  })
club-join = 🙋 Поехать
club-open-bot = 🤖 Открыть бота
club-board-title = 🗓 <b>Поездки на этой неделе</b>
club-board-seats = { $n ->
    [one] { $n } место
    [few] { $n } места
   *[other] { $n } мест
  }
club-board-full = МЕСТ НЕТ
club-board-join = Поехать
club-board-empty = На этой неделе поездок пока нет. Предложи свою в боте!
club-board-updated = <i>Обновлено в { $at }</i>
club-group-help =
    🚗 Я организую поездки клуба. Здесь я отвечаю на:
    /board — снова прислать «Поездки на этой неделе» вниз чата
    /trips — поездки этой недели
    /help — это сообщение
    {""}
    Предложить поездку, занять место, посмотреть свои поездки — в личном чате с @{ $bot }.
    Поделиться поездкой в любом чате: набери @{ $bot } и место назначения.
club-cmd-board = Снова прислать поездки недели
club-cmd-trips = Поездки этой недели
club-cmd-help = Что я здесь делаю
error-board-not-here = Доску поездок я веду только в чате клуба.
error-board-cooldown = Доску только что прислали: пролистай вверх или попробуй через { $minutes ->
    [one] { $minutes } минуту
    [few] { $minutes } минуты
   *[other] { $minutes } минут
  }.
