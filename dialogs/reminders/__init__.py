from .handlers import ReminderAnswer, build_reminders_router

__all__ = ["ReminderAnswer", "build_reminders_router"]
