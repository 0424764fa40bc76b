# Registration and switching role (dialogs/roles/dialog.py). Role labels: common.ftl (role-driver, …).
roles-welcome = Добро пожаловать в клубные поездки, <b>{ $name }</b>! 🏐
roles-intro =
    Водители предлагают места на игры и тренировки, пассажиры их занимают.
    Ты кто? Роль можно сменить в любой момент через /switch_role.
roles-i-drive = 🚗 Я за рулём
roles-i-ride = 🙋 Меня нужно подвезти
roles-switch-question = Сейчас ты — { $role }. Сменить роль на «{ $new_role }»?
roles-keep-driving = { $n ->
        [one] Твоя { $n } предстоящая поездка по-прежнему на тебе.
        [few] Твои { $n } предстоящие поездки по-прежнему на тебе.
        [many] Твои { $n } предстоящих поездок по-прежнему на тебе.
       *[other] Твои { $n } предстоящей поездки по-прежнему на тебе.
    }
roles-keep-riding = { $n ->
        [one] Ты остаёшься пассажиром в { $n } поездке.
       *[other] Ты остаёшься пассажиром в { $n } поездках.
    }
roles-keep-nothing = У тебя нет предстоящих поездок и мест, так что больше ничего не изменится.
roles-confirm = ✅ Подтвердить
roles-now-driver = Теперь ты водитель.
roles-now-passenger = Теперь ты пассажир.
