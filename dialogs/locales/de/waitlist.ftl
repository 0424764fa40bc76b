# Die Knöpfe der Benachrichtigungen von Warteliste und „Passt es noch?“ (dialogs/waitlist/) und was ein Tipp
# antwortet, in der Sprache dessen, der tippt.
waitlist-take = ✅ Platz nehmen
waitlist-pass = 🙅 Weitergeben
waitlist-still-ok = 👍 Passt noch
waitlist-leave = 🚪 Aussteigen
waitlist-leave-yes = Ja, aussteigen
waitlist-leave-no = Nein, ich fahre mit
# Die gegebene Antwort, markiert (sie ersetzt die Knöpfe der Benachrichtigung).
waitlist-chosen-took = ✅ Der Platz gehört dir
waitlist-chosen-passed = 🙅 Weitergegeben
waitlist-chosen-ok = ✅ Passt noch
waitlist-chosen-left = 🚪 Du bist ausgestiegen

## Was ein Tipp antwortet
waitlist-told-took = Der Platz gehört dir! Der Fahrer weiß Bescheid. 🎉
waitlist-told-passed = Okay: der Platz geht an den Nächsten auf der Warteliste.
waitlist-told-ok = Danke! Der Fahrer sieht, dass du dabei bist. 👍
waitlist-confirm-leave = Sicher? Bestätige unten, dass du aussteigst.
waitlist-told-left = Du bist ausgestiegen: dein Platz ist wieder frei, der Fahrer weiß Bescheid.
waitlist-seat-yours = Der Platz gehört dir. Bis dann!
waitlist-passed-already = Du hast diesen Platz weitergegeben.
waitlist-left-already = Du bist aus dieser Fahrt ausgestiegen. Finde eine andere mit /trips.
waitlist-stale = Dieser Knopf ist veraltet.
