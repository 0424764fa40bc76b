"""Tools for developers, not used by the running bot: the dialog preview (`preview`), the strict fake
Telegram Bot API (`fakeapi`, used by the tests) and the browser playground built on it (`playground`)."""
