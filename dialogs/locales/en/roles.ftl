# Registration and switching role (dialogs/roles/dialog.py). Role labels: common.ftl (role-driver, …).
roles-welcome = Welcome to the club carpool, <b>{ $name }</b>! 🏐
roles-intro =
    Drivers offer seats to games and trainings; passengers take them.
    Which are you? You can switch at any time with /switch_role.
roles-i-drive = 🚗 I drive
roles-i-ride = 🙋 I need a ride
roles-switch-question = You are a { $role }. Switch to { $new_role }?
roles-keep-driving = Your { $n ->
        [one] { $n } upcoming trip stays
       *[other] { $n } upcoming trips stay
    } yours to manage.
roles-keep-riding = Your seat in { $n ->
        [one] { $n } trip
       *[other] { $n } trips
    } stays.
roles-keep-nothing = You have no upcoming trips or seats, so nothing else changes.
roles-confirm = ✅ Confirm
roles-now-driver = You are now a driver.
roles-now-passenger = You are now a passenger.
