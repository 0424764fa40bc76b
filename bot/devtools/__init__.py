"""Tools for developers, not used by the running bot: the dialog preview (`preview`)."""
