"""The way back, counted in taps on the real bot (issue #22): the real `carpool-bot` process
against the fake Bot API (strict: callback data, text lengths, buttons still on the message).
A tap is one button press; typing a text is not a tap.

Budgets: this week's trip from a template stays 3 taps (tests/test_taps_wizard.py); a way back
adds at most 4 (↩️ Driving back too?, the departure place, the same seats, ✅ Done on the
drop-offs) with its time and its drop-off typed; cancelling both legs from the card is 3 taps,
as cancelling one trip was."""

from __future__ import annotations

import sqlite3

from tests.test_taps_wizard import DEE, Tapper, buttons
from tests.test_taps_wizard import world  # noqa: F401 - the same club (Dee's template), started for this module


def legs(world) -> list[tuple]:
    """Dee's trips: destination, status, the trip it is the way back of, its points in order."""
    with sqlite3.connect(world.db, timeout=10) as con:
        rows = con.execute("select t.id, t.destination, t.status, t.outbound_id from trip t join user u "
                           "on u.id = t.driver_id where u.telegram_id = ? order by t.id", (DEE,)).fetchall()
        return [(destination, status, outbound, [
            (address, str(at)[:5]) for address, at in con.execute(
                "select address, time from pickup_point where trip_id = ? order by time", (trip_id,))])
            for trip_id, destination, status, outbound in rows]


def test_this_weeks_trip_and_its_way_back_then_both_cancelled(world):
    dee, day = Tapper(world.people[DEE]), world.tomorrow
    dee.send("/newtrip")
    dee.wait_screen("Start from one of your templates")
    dee.tap("📋 Tuesday training")
    dee.wait_screen("Which day?")
    dee.tap(f"{day:%d}")
    dee.wait_screen("Check your trip")
    there_taps = dee.taps

    dee.tap("↩️ Driving back too?")
    dee.wait_screen("where do you leave from?")
    dee.tap("📍 Club gym")
    dee.wait_screen("When do you leave Club gym?")
    dee.send("21:30")
    dee.wait_screen("How many free seats on the way back?")
    dee.tap("👍 3, as on the way there")
    dee.wait_screen("Drop-off point 1")
    dee.send("Central Station")
    dee.wait_screen("Drop-off time at")
    dee.send("22:00")
    dee.wait_screen("Drop-off points")
    dee.tap("✅ Done")
    summary = dee.wait_screen("Way back")
    assert "↩️ Way back at 21:30 from Club gym\n💺 3 seats\n📍 Drop-off points:\n1. 22:00 — Central Station" \
        in summary.text  # the screen's visible text: tags stripped
    assert dee.taps - there_taps <= 4, dee.taps - there_taps
    dee.tap("✅ Confirm")
    dee.wait_screen("Trip created")
    there, back = legs(world)
    assert there[:3] == ("Club gym", "open", None)
    assert back[1] == "open" and back[3] == [("Club gym", "21:30"), ("Central Station", "22:00")]
    assert back[2] is not None  # linked to the way there

    dee.taps = 0
    dee.send("/mytrips")
    dee.wait_screen(lambda s: any("Club gym" in b for b in buttons(s)) and any("Central Station" in b for b in buttons(s)))
    dee.tap("Club gym")
    dee.wait_screen(lambda s: "❌ Cancel trip" in buttons(s))
    dee.tap("❌ Cancel trip")
    dee.wait_screen("Cancel it as well?")
    dee.tap("❌ Cancel both ways")
    dee.wait_screen(lambda s: "Cancel it as well?" not in s.text)
    assert dee.taps <= 3, dee.taps
    assert [leg[1] for leg in legs(world)] == ["cancelled", "cancelled"]
