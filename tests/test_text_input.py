"""What players type cannot blow up a card (issue #16, items 10 and 11): runs of blank lines
collapse and a comment's lines are capped; text made only of invisible characters is no text.

`models.cleaning.clean_text` is the one cleaning function (dialogs' TextInputs use the same
validators); tests/test_fuzz_inputs.py throws random text at every input."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest

from models import ROLE_DRIVER, ValidationError, cleaning, manage, queries, templates, trips, users

UTC = ZoneInfo("UTC")

# Invisible, or blank with a width, yet not whitespace to str.split(): each passed the
# 2-character minimum on its own.
INVISIBLE = [
    "\ufeff",  # zero width no-break space (BOM)
    "\u2060",  # word joiner
    "\u00ad",  # soft hyphen
    "\u3164",  # Hangul filler
    "\u2800",  # Braille pattern blank
    "\u115f", "\u1160", "\uffa0",  # the other Hangul fillers
    "\u180e",  # Mongolian vowel separator
    "\u034f",  # combining grapheme joiner
    "\u2062",  # invisible times
    "\u0301",  # a combining accent with nothing to sit on
    "\ufe0f",  # a variation selector with nothing to select
    "\U000e0041",  # a tag character (only flags use them)
    "\U0001d17a",  # musical symbol format
]


# --- item 10: blank lines and tall comments ------------------------------------------------


def test_runs_of_blank_lines_collapse_to_one():
    """"a" + 450 newlines + "b" was accepted as it was: every card grew 456 lines tall."""
    assert trips.validate_comment("a" + "\n" * 450 + "b") == "a\n\nb"
    blank_looking = "\n \n\t\n\u3164\n\ufe0f\u0301\n"
    assert trips.validate_comment(f"\n\n\na{blank_looking}b\n\n\n") == "a\n\nb"
    assert trips.validate_comment("a\nb\n\nc") == "a\nb\n\nc"  # one empty line (a paragraph) stays


def test_a_comment_has_a_limited_number_of_lines():
    most = "\n".join(f"line {i}" for i in range(trips.COMMENT_LINES_MAX))
    assert trips.validate_comment(most) == most
    with pytest.raises(ValidationError) as refused:
        trips.validate_comment(most + "\none more")
    assert (refused.value.key, refused.value.params) == ("error-comment-lines", {"most": trips.COMMENT_LINES_MAX,
                                                                                 "sent": trips.COMMENT_LINES_MAX + 1})
    with pytest.raises(ValidationError) as refused:
        trips.validate_comment("x\n" * 250)  # 250 lines within the 500 characters
    assert refused.value.key == "error-comment-lines"


def test_tall_comment_keeps_the_card_short(database):
    from dialogs.trips.render import card_text

    users.register_user(1, "Dee")
    users.set_role(1, ROLE_DRIVER)
    trip = trips.create_trip(1, trips.TripDraft(
        destination="Gym", departure_date=trips.local_today(UTC) + timedelta(days=1), seats=3,
        comment="a" + "\n" * 450 + "b", pickups=[trips.PickupDraft("Station", time(18))]), UTC)
    card = card_text(queries.trip_card(trip.id, 1))
    assert trip.comment == "a\n\nb" and card.count("\n") < 15
    with pytest.raises(ValidationError):
        manage.apply_edit(1, trip.id, trip.version, manage.TripEdit(comment="y\n" * 100), UTC)
    edited = manage.apply_edit(1, trip.id, trip.version, manage.TripEdit(comment="y\n\n\n\n\nz"), UTC)
    assert edited.comment == "y\n\nz"
    with pytest.raises(ValidationError):
        templates.save_template(1, templates.TemplateDraft(name="T", destination="Gym", seats=3,
                                                           pickups=[("Station", time(18))], comment="y\n" * 100))


# --- item 11: only visible characters count ----------------------------------------------


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_characters_are_not_text(char):
    for validator in (trips.validate_destination, trips.validate_address):
        with pytest.raises(ValidationError) as refused:
            validator(char * 5)
        assert refused.value.params["sent"] == 0
        with pytest.raises(ValidationError) as refused:
            validator(f"{char}x{char * 3}")  # one visible character is not two
        assert refused.value.params["sent"] == 1
    with pytest.raises(ValidationError):
        templates.validate_name(char * 3)
    assert cleaning.clean_text(char * 5) == "" and trips.validate_comment(char * 5) == ""
    assert cleaning.clean_text(f"{char}{char} ") == ""


def test_invisible_only_names_and_cars_are_empty(database):
    user, _ = users.register_user(5, "\u3164\u3164", "\u2800")
    assert user.name == "Player"
    assert users.set_car(5, "\ufeff\u2060\u00ad").car == ""


def test_visible_text_keeps_its_marks_and_emoji():
    """What people really type is unchanged: accents (composed or not), emoji with their
    variation selector, flags, Korean, Hindi."""
    for text in ("Café", "Cafe\u0301", "❤\ufe0f Gym", "🇩🇪 Köln", "체육관", "हॉल", "Ab"):
        assert trips.validate_destination(text) == text
    assert trips.validate_destination("a\u3164b") == "a b"  # a filler inside is a blank
    assert trips.validate_destination("Gym\u00ad\u2060hall") == "Gymhall"  # zero-width marks go
