# The club's group chat (dialogs/club): trip announcements, the board, inline sharing.
club-post-cancelled = ❌ <b>Cancelled</b>: { $reason }
club-post-cancelled-plain = ❌ <b>Cancelled</b>
club-post-over = 🏁 This trip is over.
club-post-driver = 🚗 Driver: { $driver }
club-post-pickups = 📍 Pickup points:
club-post-seats = 💺 { $left } of { $n ->
    [one] { $n } seat
   *[other] { $n } seats
  } free
club-post-full = 🔴 Full ({ $n ->
    [one] { $n } seat
   *[other] { $n } seats
  })
club-join = 🙋 Join
club-open-bot = 🤖 Open in bot
club-board-title = 🗓 <b>Rides this week</b>
club-board-seats = { $n ->
    [one] { $n } seat left
   *[other] { $n } seats left
  }
club-board-full = FULL
club-board-join = Join
club-board-empty = No rides this week yet. Offer one in the bot!
club-board-updated = <i>Updated { $at }</i>
club-group-help =
    🚗 I organize the club's carpools. Here I answer:
    /board — post "Rides this week" again at the bottom
    /trips — the week's rides
    /help — this message
    {""}
    Offer a ride, take a seat, see your trips: in the private chat with @{ $bot }.
    Share a trip in any chat: type @{ $bot } and a destination.
club-cmd-board = Post the week's rides again
club-cmd-trips = The week's rides
club-cmd-help = What I do here
error-board-not-here = I only keep the board in the club's chat.
error-board-cooldown = The board was posted a moment ago: scroll up, or try again in { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
  }.
