"""Domain errors. Their message is written for the player who caused them:
dialogs show `str(error)` as it is, so keep it short, friendly and actionable."""


class DomainError(Exception):
    """An operation refused for a reason the user can understand and act on."""


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the actor)."""


class PermissionDenied(DomainError):
    """The actor may not do this (wrong role, not the owner)."""


class ValidationError(DomainError, ValueError):
    """The input is out of range or malformed. Also a ValueError, so aiogram-dialog's
    `TextInput(type_factory=...)` routes it to the window's `on_error`."""


class Conflict(DomainError):
    """The state changed under the user (full trip, stale screen, name taken)."""


class NameTaken(Conflict):
    """The name is in use already (a template of the same driver): the UI offers to replace it."""


class LimitReached(ValidationError):
    """The actor has as many of these as there can be (templates): delete one first."""
