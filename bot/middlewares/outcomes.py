"""Each update's outcome, recorded for this process's health verdict (`bot.infra.healthstate`)."""

from __future__ import annotations

from typing import Any

from aiogram import BaseMiddleware, Dispatcher
from aiogram.types import Update
from aiogram_dialog.api.exceptions import OutdatedIntent, UnknownIntent, UnknownState

from models import DomainError

from ..infra.healthstate import HealthState

# Ends of an update that are answers, not failures (bot/app.py handles them for the user).
HANDLED_ERRORS: tuple[type[Exception], ...] = (DomainError, UnknownIntent, OutdatedIntent, UnknownState)


class UpdateOutcomes(BaseMiddleware):
    """Records each real update's outcome (aiogram-dialog's background updates, id 0, are
    redraws, not updates: left alone). Sits inside aiogram's error middleware, so it sees
    the exception before the error handlers answer it."""

    def __init__(self, state: HealthState) -> None:
        self.state = state

    async def __call__(self, handler, event, data: dict[str, Any]):
        if not isinstance(event, Update) or not event.update_id:
            return await handler(event, data)
        try:
            result = await handler(event, data)
        except HANDLED_ERRORS:
            self.state.record(True)
            raise
        except Exception:
            self.state.record(False)
            raise
        self.state.record(True)
        return result


def install(dp: Dispatcher) -> HealthState:
    """A health state for this dispatcher: outcomes recorded by an outer middleware
    (register it early: before the middlewares whose failures it should see), and the
    state in workflow data as `health_state` for the heartbeat and `/healthz`."""
    state = HealthState()
    dp.update.outer_middleware(UpdateOutcomes(state))
    dp["health_state"] = state
    return state
