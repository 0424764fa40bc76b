# Registration and switching role (dialogs/roles/dialog.py). Role labels: common.ftl (role-driver, …).
roles-welcome = Willkommen bei der Vereins-Fahrgemeinschaft, <b>{ $name }</b>! 🏐
roles-intro =
    Fahrer bieten Plätze zu Spielen und Trainings an, Mitfahrer nehmen sie.
    Was bist du? Mit /switch_role kannst du jederzeit wechseln.
roles-i-drive = 🚗 Ich fahre
roles-i-ride = 🙋 Ich brauche eine Mitfahrt
roles-switch-question = Du bist { $role }. Zu { $new_role } wechseln?
roles-keep-driving = { $n ->
        [one] Deine { $n } anstehende Fahrt verwaltest du weiterhin.
       *[other] Deine { $n } anstehenden Fahrten verwaltest du weiterhin.
    }
roles-keep-riding = { $n ->
        [one] Dein Platz in { $n } Fahrt bleibt.
       *[other] Deine Plätze in { $n } Fahrten bleiben.
    }
roles-keep-nothing = Du hast keine anstehenden Fahrten oder Plätze, also ändert sich sonst nichts.
roles-confirm = ✅ Bestätigen
roles-now-driver = Du bist jetzt Fahrer.
roles-now-passenger = Du bist jetzt Mitfahrer.
