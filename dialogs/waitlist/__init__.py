"""The notices' buttons of issue #22: a seat offered from the waiting list, "Still OK?"."""

from .handlers import build_waitlist_router
from .keyboards import WaitlistAnswer

__all__ = ["WaitlistAnswer", "build_waitlist_router"]
