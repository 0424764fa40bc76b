# The driver's car description (dialogs/car/dialog.py); passengers see it once they join.
car-title = 🚙 <b>Твоя машина</b>
car-now = Сейчас: <i>{ $car }</i>
car-hint = Пришли короткое описание, по которому пассажиры тебя узнают, например <i>красная Шкода, AB-123</i>.
car-remove = 🗑 Удалить
car-saved = 🚙 Сохранил. Пассажиры это увидят.
car-removed = Описание машины удалено.
