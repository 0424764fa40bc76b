"""Background work beside the updates: the notification sender (`notifier`), reminders and
clean-up (`scheduler`), and the lease that lets one replica send at a time (`leader`)."""
