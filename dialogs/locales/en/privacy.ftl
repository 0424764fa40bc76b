# /forget_me (dialogs/privacy/dialog.py, dialogs/menu/commands.py).
privacy-intro =
    🗑 <b>Forget me</b>

    This removes you from the club carpool:
privacy-effect-trips = • { $n ->
        [one] { $n } trip
       *[other] { $n } trips
    } you drive will be cancelled; your passengers are told.
privacy-effect-seats = • Your { $n ->
        [one] { $n } seat
       *[other] { $n } seats
    } will be released; the drivers are told.
privacy-effect-templates = • Your { $n ->
        [one] { $n } template
       *[other] { $n } templates
    } will be deleted.
privacy-effect-nothing = • You have no upcoming trips, seats or templates.
privacy-outro = {""}
    Your name, username and car are deleted, and so are the comments and pickup addresses of the trips you drove. Past trips stay in the other players' history, and messages they got about you stay too, with you as “Former player”.
    <b>This cannot be undone.</b>
privacy-yes = 🗑 Yes, forget me
privacy-no = ⬅️ No, keep me
privacy-forgotten = Forgotten.
privacy-goodbye =
    🗑 Done: I have forgotten you. Your name, username and car are gone, so are the comments and pickup addresses of the trips you drove; past trips and other players' messages show you as “Former player”.
    If you ever want to come back, send /start: you will be a new player.
privacy-nothing-stored = I have nothing stored about you, so there is nothing to forget.
