# The driver's car description (dialogs/car/dialog.py); passengers see it once they join.
car-title = 🚙 <b>Your car</b>
car-now = Now: <i>{ $car }</i>
car-hint = Send a short description passengers can recognise, e.g. <i>red Skoda, AB-123</i>.
car-remove = 🗑 Remove
car-saved = 🚙 Saved. Your passengers will see it.
car-removed = Car description removed.
