# Refusals of domain operations (models/: `raise ValidationError("error-…", **params)`), shown by
# dialogs.common.show_error / error_text. Parameters are as the model raised them: counts as numbers,
# user text (a template name, a cancel reason) raw — the whole text is escaped where it is shown.
# "You sent N" counts are printed without grouping ("4096", not "4.096").

## Players and roles (models/users.py)
error-unknown-user = Ich kenne dich noch nicht: schick zuerst /start.
error-unknown-role = Unbekannte Rolle { $role }.
error-unknown-language = Diese Sprache spreche ich noch nicht: wähl einen der Knöpfe.
error-drivers-only = Das dürfen nur Fahrer. Wechsle zuerst mit /switch_role in die Rolle Fahrer.
error-trip-not-yours = Diese Fahrt gehört nicht dir, du kannst sie nicht ändern.
error-template-not-yours = Diese Vorlage gehört nicht dir, du kannst sie nicht ändern.
error-car-length = Beschreib das Auto in { $lo } bis { $hi } Zeichen, z. B. roter Skoda, AB-123.

## Trips: what drivers type (models/trips.py)
error-destination-length = Das Ziel muss { $lo } bis { $hi } Zeichen lang sein (du hast { NUMBER($sent, useGrouping: 0) } geschickt).
error-address-length = Die Adresse muss { $lo } bis { $hi } Zeichen lang sein (du hast { NUMBER($sent, useGrouping: 0) } geschickt).
error-comment-length = Der Kommentar darf höchstens { $most } Zeichen lang sein (du hast { NUMBER($sent, useGrouping: 0) } geschickt).
error-comment-lines = Der Kommentar darf höchstens { $most } { $most ->
        [one] Zeile
       *[other] Zeilen
    } haben (du hast { NUMBER($sent, useGrouping: 0) } geschickt).
error-seats-number = Schick die Anzahl der Plätze als Zahl von { $lo } bis { $hi }.
error-seats-range = Es gehen { $lo } bis { $hi } Plätze.
error-time-format = Schick die Uhrzeit als HH:MM, zum Beispiel 18:30 oder 9:05.
error-time-range = Das ist keine Uhrzeit: Stunden gehen von 0 bis 23, Minuten von 0 bis 59.
error-time-passed = { $time } ist heute schon vorbei: wähl eine spätere Uhrzeit.
error-date-past = Dieses Datum ist schon vorbei: wähl heute oder einen späteren Tag.
error-date-too-far = Das ist mehr als ein Jahr hin: wähl ein näheres Datum.

## Rules every operation shares (models/rules.py, models/queries.py)
error-trip-gone = Diese Fahrt gibt es nicht (mehr).
error-trip-left = Diese Fahrt ist schon losgefahren.
error-trip-over = Diese Fahrt ist vorbei.
error-trip-cancelled = Diese Fahrt wurde abgesagt.
error-trip-cancelled-because = Diese Fahrt wurde abgesagt: { $reason }
error-pickups-none = Füg mindestens einen Abholpunkt hinzu.
error-pickups-too-many = Höchstens { $most } { $most ->
        [one] Abholpunkt
       *[other] Abholpunkte
    }: entferne zuerst einen.
error-template-gone = Diese Vorlage gibt es nicht mehr.

## Seats (models/rides.py, models/lifecycle.py)
error-own-trip = Das ist deine eigene Fahrt: als Fahrer kannst du darin keinen Platz nehmen.
error-seat-taken-already = Du hast schon einen Platz in dieser Fahrt.
error-trip-full = Sorry, diese Fahrt ist voll.
error-pickup-gone = Dieser Abholpunkt gehört nicht mehr zu dieser Fahrt.
error-trip-changed-before-join = Der Fahrer hat die Fahrt gerade geändert. Schau dir die neuen Details an und steig dann noch mal ein.
error-no-seat = Du hast keinen Platz in dieser Fahrt.
error-no-reminder-yet = Für diese Fahrt kam noch keine Erinnerung: diese Knöpfe funktionieren, sobald sie da ist.

## Managing a trip (models/manage.py)
error-not-the-driver = Nur der Fahrer dieser Fahrt kann sie ändern.
error-shift-other-day = Mit { $shift } Min. rutscht { $time } auf einen anderen Tag: ändere lieber das Datum.
error-seats-below-booked = { $booked ->
        [one] { $booked } Mitfahrer ist
       *[other] { $booked } Mitfahrer sind
    } gebucht: weniger als { $booked } { $booked ->
        [one] Platz
       *[other] Plätze
    } geht nicht.
error-trip-changed-meanwhile = Diese Fahrt wurde inzwischen auf einem anderen Bildschirm geändert. Hier ist der aktuelle Stand; mach deine Änderungen noch einmal.
error-pickup-changed-meanwhile = Ein Abholpunkt hat sich inzwischen geändert. Öffne die Fahrt noch einmal.
error-removed-pickups-changed = Inzwischen sind Mitfahrer an den Abholpunkten, die du entfernst, ein- oder ausgestiegen. Hier ist der aktuelle Stand; prüf ihn und bestätige noch einmal.
error-reason-length = Der Grund darf höchstens { $most } Zeichen lang sein (du hast { NUMBER($sent, useGrouping: 0) } geschickt).

## Templates (models/templates.py)
error-template-name-length = Ein Vorlagenname hat 1 bis { $most } Zeichen (du hast { NUMBER($sent, useGrouping: 0) } geschickt).
error-template-name-taken = Du hast schon eine Vorlage namens „{ $name }“.
error-template-name-taken-rename = Du hast schon eine Vorlage namens „{ $name }“: wähl einen anderen Namen.
error-templates-limit = Du hast { $most } Vorlagen, mehr gehen nicht. Lösch zuerst eine unter /templates.
