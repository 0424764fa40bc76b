"""Domain errors. Models return data, not text: an error names a catalog key and its
parameters (`raise ValidationError("error-seats-range", lo=1, hi=8)`), and the dialogs show
it in the player's language (`dialogs.common.error_text`; the keys live in
`dialogs/locales/*/errors.ftl`). Write the English text short, friendly and actionable.
Parameters: counts as int (plural forms select on them), everything else as str."""

from typing import Any


class DomainError(Exception):
    """An operation refused for a reason the user can understand and act on."""

    def __init__(self, key: str, /, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __str__(self) -> str:
        return self.key if not self.params else f"{self.key} {self.params}"


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
