"""The club's group chat end to end (issue #20): the real `carpool-bot` process against the fake
Bot API with a club group (tests/club_world.py), and what the group sees."""

from __future__ import annotations

import time
from datetime import time as clock

import pytest

from tests.club_world import ADMIN, BOT, CLUB, DEE, PAT, RAY, club_world


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One bot for the scenarios that keep the bot in the group as an admin allowed to pin."""
    with club_world(tmp_path_factory.mktemp("club_chat"), inline=True) as world:
        yield world


def buttons(message) -> list[str]:
    return [b for row in message.buttons for b in row]


def offer(world, destination: str, *, post: bool = True):
    """Dee offers a ride through the wizard's buttons, leaving "Post to the club chat" ticked or
    unticking it; returns the "Trip created" screen."""
    dee = world.people[DEE]
    dee.send("/newtrip")
    dee.wait_screen("Where to?")
    dee.send(destination)
    dee.wait_screen("Which day?")
    dee.press(f"{world.day():%d}")
    dee.wait_screen("How many free seats?")
    dee.press("3")
    dee.wait_screen("send the address")
    dee.send("Station Square")
    dee.wait_screen("Pickup time")
    dee.send("18:30")
    dee.wait_screen(lambda s: "Pickup points" in s.text and "Station Square" in s.text)
    dee.press("✅ Done")
    dee.wait_screen("Any comment")
    dee.press("⏭ Skip")
    summary = dee.wait_screen("Check your trip")
    assert "✅ Post to the club chat" in buttons(summary), "ticked by default where the bot is in the club chat"
    if not post:
        dee.press("✅ Post to the club chat")
        dee.wait_screen(lambda s: "⬜ Post to the club chat" in buttons(s))
    dee.press("✅ Confirm")
    return dee.wait_screen("Trip created")


def test_a_new_trip_is_announced_with_a_join_link_and_the_board_is_pinned(world):
    since = time.monotonic()
    created = offer(world, "Riverside Arena")
    assert "Posted in the club chat" in created.text
    post = world.wait_post("Riverside Arena")
    trip_id = int(post.urls[0].rsplit("_", 1)[1])
    day = world.day()
    for shown in ("🏁 Riverside Arena", f"{day:%a %d %b}, 18:30", "18:30 — Station Square", "Driver: Dee",
                  "3 of 3 seats free"):
        assert shown in post.text, f"{shown!r} not in the post:\n{post.text}"
    for private in ("Driverson", "@dee", "Volvo", "AB-123"):  # first names only; the car stays in private
        assert private not in post.text
    assert post.buttons == [["🙋 Join", "🤖 Open in bot"]]
    assert post.urls == [f"https://t.me/{BOT}?start=trip_{trip_id}", f"https://t.me/{BOT}"]

    board = world.wait_board("Riverside Arena")
    assert "Dee · 3 seats left" in board.text and f"https://t.me/{BOT}?start=trip_{trip_id}" in board.raw_text
    world.wait_group(lambda: world.tg.pinned(CLUB) == board.message_id, "the board pinned")
    pins = [r for r in world.tg.group_calls(CLUB, since) if r.method == "pinChatMessage"]
    assert [(r.status, r.params.get("disable_notification")) for r in pins] == [(200, True)], "pinned quietly, once"

    pat = world.people[PAT]  # a member presses Join in the group: the trip's card in his private chat
    pat.press("🙋 Join", message=post, chat_id=CLUB)
    card = pat.wait_screen("Riverside Arena")
    assert "🙋 Join" in buttons(card) and "📣 Share" in buttons(card)
    newcomer = world.tg.user(20, "Neo", "neo", started=False)  # never opened the bot: "Open in bot" does
    world.tg.set_member_status(CLUB, newcomer.id, "member")
    newcomer.press("🤖 Open in bot", message=post, chat_id=CLUB)
    newcomer.wait_screen("Welcome")


def test_join_leave_edit_and_cancel_edit_the_same_post_and_board(world):
    trip = world.create_trip("Hill Climb", at=clock(9, 0))
    post = world.wait_post("Hill Climb")
    board = world.wait_board("Hill Climb")
    world.wait_settled()
    since = time.monotonic()

    pat = world.people[PAT]  # joins through the bot: the Join link, the card, the confirmation
    pat.press("🙋 Join", message=post, chat_id=CLUB)
    pat.wait_screen("Hill Climb")
    pat.press("🙋 Join")
    pat.wait_screen("Take a seat")
    pat.press("✅ Join")
    pat.wait_screen("You have a seat")
    world.wait_post("Hill Climb", "2 of 3 seats free")
    world.wait_board("Hill Climb · Dee · 2 seats left")

    world.join(RAY, trip)
    world.wait_post("Hill Climb", "1 of 3 seats free")
    world.leave(RAY, trip)
    world.wait_post("Hill Climb", "2 of 3 seats free")
    world.edit(trip, shift_minutes=30)
    world.wait_post("Hill Climb", "09:30 — Central Station")
    world.wait_board("09:30 Hill Climb")
    world.cancel(trip, "Storm warning")
    cancelled = world.wait_post("Hill Climb", "❌ Cancelled: Storm warning")
    assert cancelled.reply_markup is None, "a cancelled trip's post has no Join button"
    world.wait_board(lambda b: "Hill Climb" not in b.text)
    world.wait_settled()

    assert (cancelled.message_id, world.board().message_id) == (post.message_id, board.message_id)
    assert world.sends(since) == 0, "every change edits the messages in place"
    assert world.edits(since) >= 2


def test_an_unticked_trip_gets_no_post_but_is_on_the_board(world):
    created = offer(world, "Quiet Lake", post=False)
    assert "Posted in the club chat" not in created.text
    world.wait_board("Quiet Lake")
    world.wait_settled()
    assert world.post_of("Quiet Lake") is None
    trip = world.trip_id("Quiet Lake")
    assert trip is not None and [p["kind"] for p in world.posts() if p["trip_id"] == trip] == []
