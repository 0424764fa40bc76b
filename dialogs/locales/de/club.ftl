# The club's group chat (dialogs/club): trip announcements, the board, inline sharing.
club-post-cancelled = ❌ <b>Abgesagt</b>: { $reason }
club-post-cancelled-plain = ❌ <b>Abgesagt</b>
club-post-over = 🏁 Diese Fahrt ist vorbei.
club-post-driver = 🚗 Fahrer: { $driver }
club-post-pickups = 📍 Abholpunkte:
club-post-seats = 💺 { $left } von { $n ->
    [one] { $n } Platz
   *[other] { $n } Plätzen
  } frei
club-post-full = 🔴 Voll ({ $n ->
    [one] { $n } Platz
   *[other] { $n } Plätze
  })
club-join = 🙋 Mitfahren
club-open-bot = 🤖 Im Bot öffnen
club-board-title = 🗓 <b>Fahrten diese Woche</b>
club-board-seats = { $n ->
    [one] { $n } Platz frei
   *[other] { $n } Plätze frei
  }
club-board-full = VOLL
club-board-join = Mitfahren
club-board-empty = Diese Woche noch keine Fahrten. Biete eine im Bot an!
club-board-updated = <i>Aktualisiert { $at }</i>
club-group-help =
    🚗 Ich organisiere die Fahrgemeinschaften des Vereins. Hier antworte ich auf:
    /board — „Fahrten diese Woche“ noch einmal unten posten
    /trips — die Fahrten dieser Woche
    /help — diese Nachricht
    {""}
    Fahrt anbieten, Platz nehmen, deine Fahrten sehen: im privaten Chat mit @{ $bot }.
    Eine Fahrt in jedem Chat teilen: tippe @{ $bot } und ein Ziel.
club-cmd-board = Fahrten der Woche neu posten
club-cmd-trips = Die Fahrten dieser Woche
club-cmd-help = Was ich hier mache
error-board-not-here = Die Fahrtenübersicht führe ich nur im Chat des Vereins.
error-board-cooldown = Die Übersicht wurde gerade erst gepostet: scroll nach oben oder versuch es in { $minutes ->
    [one] { $minutes } Minute
   *[other] { $minutes } Minuten
  } noch einmal.
