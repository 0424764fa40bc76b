"""Club events (issue #21): `dialog` (the list, the card, asking for a ride, alerts), `edit` (the
admins' event editor), `render` (their texts, which the trip wizard, "My trips" and the board
share). Nothing is imported here: `render` is imported by dialogs the event dialogs import."""
