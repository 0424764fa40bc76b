# The main menu and the language choice (dialogs/menu/dialog.py).
menu-hello = 👋 <b>{ $name }</b>, you are a { $role }.
menu-next-rides = Next rides:
menu-what-next = {""}
    What would you like to do?
menu-new-trip = 🚗 New trip
menu-find = 🔎 Find a trip
menu-mine = 🧳 My trips
menu-templates = 📋 Templates
menu-car = 🚙 My car
menu-past = 🕘 Past trips
menu-events = 🏐 Events
menu-switch-role = 🔁 Switch role
menu-language = 🌐 Language
menu-language-now =
    🌐 <b>Language</b>
    Now: { $language }
    Which language should I speak with you?

# Commands (dialogs/menu/commands.py): answers of their own.
menu-send-start = Send /start to begin.
menu-start-first = Send /start first and choose a role.
menu-trip-not-found = I couldn't find that trip: the link may be broken or the trip was removed. Here is the menu; try 🔎 Find a trip.
menu-templates-drivers-only = Templates are for drivers. Switch your role with /switch_role.

# Telegram's command menu (setMyCommands, at most 256 characters each).
menu-cmd-start = Main menu
menu-cmd-trips = Find a ride
menu-cmd-mytrips = Your trips
menu-cmd-newtrip = Offer a ride
menu-cmd-events = Club events: who drives, who needs a ride
menu-cmd-templates = Your trip templates (drivers)
menu-cmd-history = Past trips
menu-cmd-switch-role = Switch between driver and passenger
menu-cmd-language = Choose the bot's language
menu-cmd-forget-me = Delete your data from this bot
menu-cmd-cancel = Close the current screen
menu-cmd-help = How this bot works

# /help: the title, a line per command ("/start — main menu"), the last word.
menu-help-title = 🏐 <b>Club carpool</b>
menu-help-intro = Drivers offer seats to games and trainings; passengers pick a pickup point and take a seat.
menu-help-start = main menu
menu-help-trips = find a ride to the next game
menu-help-mytrips = the trips you are in
menu-help-newtrip = offer a ride (a passenger is asked to switch to driver)
menu-help-events = the club's games and trainings: the cars going, who still needs a ride
menu-help-templates = your weekly trips, ready to reuse (drivers)
menu-help-history = your past trips
menu-help-switch-role = switch between driver and passenger
menu-help-language = choose the language the bot speaks to you
menu-help-forget-me = delete your data from this bot
menu-help-cancel = close whatever screen is open and go back to the menu
menu-help-help = this text
menu-help-outro = Almost everything else is a button.
