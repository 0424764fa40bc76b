# Refusals at the door (bot/middlewares/access.py), said before the player is known.
access-not-member = Sorry, this bot is only for members of our volleyball club's group. Ask a club admin to add you, then try again.
access-former-member = You are no longer in our volleyball club's group, so the carpool is closed to you. You can still leave the trips you have a seat in (/mytrips) and delete your data (/forget_me).
access-check-failed = I couldn't check your club membership just now. Please try again in a minute.
access-slow-down = 🐢 Slow down a little… that was faster than I can follow, so I skipped some of it.
