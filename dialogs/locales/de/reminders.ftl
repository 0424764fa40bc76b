# Erinnerungen vor der Abholung und die Antworten darauf mit einem Tipp.
reminder-passenger = ⏰ <b>Erinnerung:</b> deine Fahrt nach <b>{ $destination }</b> ist { $when }.
reminder-driver = ⏰ <b>Erinnerung:</b> du fährst { $when } nach <b>{ $destination }</b>.
reminder-today = heute um <b>{ $time }</b>
reminder-tomorrow = morgen ({ $day }) um <b>{ $time }</b>
reminder-on-day = am { $day } um <b>{ $time }</b>
reminder-be-at = 📍 Treffpunkt: { $address }, { $time }
reminder-driver-is = 🚗 Fahrer: { $driver }
reminder-ask-last = Sag dem Fahrer mit einem Tipp Bescheid:
reminder-ask-early = Fährst du noch mit?
reminder-point = 📍 { $time } { $address }: { $who }
reminder-nobody = niemand
reminder-seats-taken =
    💺 { $taken } von { $seats ->
        [one] { $seats } Platz
       *[other] { $seats } Plätzen
    } belegt.

## Die Antwort-Buttons
reminder-way = 🚗 Bin unterwegs
reminder-late = ⏰ Komme später
reminder-cant = ❌ Kann nicht
reminder-going = 👍 Ja
reminder-cant-early = 🚫 Kann nicht
reminder-cant-yes = Ja, ich kann nicht
reminder-coming = Nein, ich komme
reminder-left = ❌ Du bist ausgestiegen
reminder-chosen-way = ✅ Bin unterwegs
reminder-chosen-late = ✅ Komme später
reminder-chosen-going = ✅ Ja

## Was ein Tipp antwortet
reminder-told-way = Der Fahrer weiß, dass du unterwegs bist 👍
reminder-told-late = Der Fahrer weiß, dass du später kommst ⏰
reminder-already-way = Schon gesendet: Der Fahrer weiß, dass du unterwegs bist.
reminder-already-late = Schon gesendet: Der Fahrer weiß, dass du später kommst.
reminder-confirm-cant = Sicher? Bestätige unten, dass du nicht kannst.
reminder-seat-freed = Du bist ausgestiegen: Dein Platz ist wieder frei, der Fahrer weiß Bescheid.
reminder-see-you = Super, bis dann! 👍
reminder-you-left = Du bist aus dieser Fahrt ausgestiegen. Finde eine andere mit /trips.
reminder-stale = Dieser Button ist veraltet.
