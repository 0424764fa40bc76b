# The pickup-point editor (dialogs/pickups), shared by the wizard, trip editing and templates.
pickups-list-title = 📍 <b>Abholpunkte</b> (nach Uhrzeit):
pickups-list-hint =
    {""}
    Füg einen hinzu, entfern einen oder tipp auf Fertig.
pickups-add = ➕ Noch einen
pickups-change = ✏️ Einen ändern
pickups-remove = ➖ Einen entfernen
pickups-done = ✅ Fertig
pickups-remove-question = Welcher Abholpunkt soll weg?
pickups-change-question = Welchen Abholpunkt willst du ändern?
pickups-removed = Entfernt: { $time } { $address }
pickups-gone = Dieser Abholpunkt ist nicht mehr in der Liste.
pickups-address-new = 📍 Abholpunkt { $number }: schick die <b>Adresse</b> (2–200 Zeichen).
pickups-address-change = 📍 Schick die neue <b>Adresse</b> für diesen Abholpunkt (jetzt: <i>{ $current }</i>).
pickups-keep-address = ➡️ Adresse behalten
pickups-address-missing = Schick bitte die Adresse.
pickups-address-first = Schick zuerst die Adresse.
pickups-time-question = 🕒 Um wie viel Uhr bei <b>{ $address }</b>?
pickups-time-hint = Tipp sie ein (18:30, 9:05, 18.30) oder wähl die Stunde, dann die Minute.
pickups-time-today =
    {""}
    (Die Fahrt ist heute: wähl eine Uhrzeit, die noch kommt.)
pickups-hour = — Stunde —
pickups-minute = — Minute —
pickups-keep-time = ➡️ { $current } behalten
pickups-time-missing = Wähl bitte die Uhrzeit.
# A trip to a club event (issue #21): a time before the event starts, offered as one button.
pickups-time-suggested =
    {""}
    🏐 Los geht's um { $starts }: mit { $suggested } seid ihr rechtzeitig da.
pickups-use-suggested = 👍 { $suggested } (Vorschlag)

## The way back's drop-off points (issue #22): the same editor in its drop-off mode. $after: "21:30", when the car leaves.
pickups-dropoff-list-title = 📍 <b>Absetzpunkte</b> auf dem Rückweg (nach Uhrzeit):
pickups-dropoff-remove-question = Welcher Absetzpunkt soll weg?
pickups-dropoff-change-question = Welchen Absetzpunkt willst du ändern?
pickups-dropoff-address-new = 📍 Absetzpunkt { $number }: schick die <b>Adresse</b> (2–200 Zeichen).
pickups-dropoff-address-change = 📍 Schick die neue <b>Adresse</b> für diesen Absetzpunkt (jetzt: <i>{ $current }</i>).
pickups-dropoff-time-question = 🕒 Um wie viel Uhr bei <b>{ $address }</b> absetzen?
pickups-dropoff-time-after =
    {""}
    (Du fährst um { $after } los: wähl eine spätere Uhrzeit.)
pickups-dropoff-too-early = Abgesetzt wird erst nach der Abfahrt um { $after }: wähl eine spätere Uhrzeit.
pickups-dropoffs-too-many = Höchstens { $most } Absetzpunkte: entfern zuerst einen.
