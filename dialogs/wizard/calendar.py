"""The date picker: aiogram-dialog's Calendar in the club's time zone and the player's language.

aiogram-dialog's own labels format dates with `strftime` (`{date:%B}`), which follows the
process locale and is English here whatever the player reads. `ClubCalendar` gives its day and
month views labels from Babel's CLDR data instead, in the stand-alone forms a heading takes
("Декабрь 2026", not the genitive "декабря"), framed by the `calendar-*` catalog texts. In
English they are the very words `strftime` printed: "🗓 December 2026", "Mon", "January 2027 >>".
The years view shows numbers only and keeps aiogram-dialog's labels.
"""

from __future__ import annotations

from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Calendar, CalendarUserConfig
from aiogram_dialog.widgets.kbd.calendar_kbd import (
    CalendarDaysView, CalendarMonthView, CalendarScope, CalendarScopeView, CalendarYearsView,
)
from aiogram_dialog.widgets.text import Text

from models import trips

from ..common import club_tz
from ..i18n import tr_of


class DateLabel(Text):
    """The calendar's `date` as Babel's `pattern` in the player's language, capitalized, put into
    the catalog text `key` as `$name` ("LLLL y" → `calendar-header` → "🗓 Декабрь 2026")."""

    def __init__(self, key: str, pattern: str, name: str = "month") -> None:
        super().__init__()
        self.key, self.pattern, self.name = key, pattern, name

    async def _render_text(self, data: dict, manager: DialogManager) -> str:
        tr = tr_of(manager)
        label = tr.pattern(data["date"], self.pattern)
        return tr(self.key, **{self.name: label[:1].upper() + label[1:]})


MONTH_YEAR = "LLLL y"  # stand-alone month: "December 2026", "Декабрь 2026", "Dezember 2026"
MONTH = "LLLL"
WEEKDAY = "ccc"  # stand-alone short weekday: "Mon", "Пн", "Mo"


class ClubCalendar(Calendar):
    """The club's time zone and today's date, per render (not the server's, at import); month and
    weekday names in the player's language."""

    def _init_views(self) -> dict[CalendarScope, CalendarScopeView]:
        days = CalendarDaysView(
            self._item_callback_data,
            weekday_text=DateLabel("calendar-weekday", WEEKDAY, name="day"),
            header_text=DateLabel("calendar-header", MONTH_YEAR),
            next_month_text=DateLabel("calendar-next", MONTH_YEAR),
            prev_month_text=DateLabel("calendar-previous", MONTH_YEAR),
        )
        months = CalendarMonthView(
            self._item_callback_data,
            month_text=DateLabel("calendar-month", MONTH),
            this_month_text=DateLabel("calendar-this-month", MONTH),
        )
        return {
            CalendarScope.DAYS: days,
            CalendarScope.MONTHS: months,
            CalendarScope.YEARS: CalendarYearsView(self._item_callback_data),
        }

    async def _get_user_config(self, data: dict, manager: DialogManager) -> CalendarUserConfig:
        tz = club_tz(manager)
        return CalendarUserConfig(timezone=tz, min_date=trips.local_today(tz), firstweekday=0)
