## Warteliste, „Passt es noch?“, das Wort des Fahrers und Rückfahrten (models/waitlist.py, models/manage.py,
## models/trips.py, models/rides.py; Issue #22)
error-waitlist-seats-free = In dieser Fahrt ist ein Platz frei: steig einfach ein, statt zu warten.
error-waitlist-not-in-line = Du stehst nicht auf der Warteliste dieser Fahrt.
error-offer-none = In dieser Fahrt wurde dir kein Platz angeboten.
error-offer-not-yet = Noch ist kein Platz für dich frei: du stehst auf der Warteliste, ich melde mich, sobald einer frei wird.
error-offer-expired = Schade, die Zeit für diesen Platz ist abgelaufen: er ging an den Nächsten auf der Warteliste.
error-offer-passed = Du hast diesen Platz weitergegeben, er ging an den Nächsten auf der Warteliste.
error-offer-pick-point = Dein Treffpunkt wurde entfernt: öffne die Fahrt und wähle einen anderen, um den Platz zu nehmen.
error-return-gone = Bei dieser Fahrt gibt es keine Rückfahrt mehr, bei der du mitfahren kannst.
error-return-full = Schade, die Rückfahrt ist voll: fahr nur hin mit oder stell dich für die Rückfahrt auf die Warteliste.
error-return-exists = Diese Fahrt hat schon eine Rückfahrt.
error-return-before-outbound = Die Rückfahrt muss nach der Hinfahrt losfahren.
error-release-time = Wähle eine Zeit zwischen jetzt und der Abfahrt.
error-word-empty = Schreib eine kurze Nachricht an deine Mitfahrer.
error-word-length = Die Nachricht darf höchstens { $most } Zeichen lang sein (du hast { NUMBER($sent, useGrouping: 0) } geschickt).
error-word-nobody = Noch fährt niemand mit dir: es gibt niemanden zu benachrichtigen.
error-passenger-gone = Dieser Mitfahrer ist nicht mehr in der Fahrt.
