"""Templates: save from a card and from the wizard, the name clash, create from scratch,
use, rename, delete, the limit, and the owner-only rule at the operation level."""

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiogram.methods import AnswerCallbackQuery, SendMessage

from models import (
    ROLE_DRIVER, ROLE_PASSENGER, NotFound, PermissionDenied, TemplatePickupPoint, Trip, TripTemplate,
    ValidationError, queries, templates, trips, users,
)
from tests.redelivery import crash_env, deliver_twice, message_update, press_update  # noqa: F401 - a fixture
from tests.steps import new_driver, new_passenger, open_my_trip

UTC = ZoneInfo("UTC")


def tomorrow():
    return trips.local_today(UTC) + timedelta(days=1)


def driver(tid=1, name="Dee"):
    users.register_user(tid, name)
    return users.set_role(tid, ROLE_DRIVER)


def draft(name="Tuesday training", **over):
    values = dict(name=name, destination="Club gym", seats=3, comment="after work",
                  pickups=[("Station", time(18, 30)), ("Bakery", time(18, 15))])
    values.update(over)
    return templates.TemplateDraft(**values)


def make_trip(tid=1):
    return trips.create_trip(tid, trips.TripDraft(
        destination="Riverside Arena", departure_date=tomorrow(), seats=4,
        pickups=[trips.PickupDraft("Central Station", time(17, 45))], comment="Bring the ball bag"), UTC)


def test_save_rename_delete_and_owner_rule(database):
    driver()
    driver(2, "Eve")
    tpl = templates.save_template(1, draft())
    template, points = queries.template(1, tpl.id)
    assert [(p.address, p.time) for p in points] == [("Bakery", time(18, 15)), ("Station", time(18, 30))]
    with pytest.raises(templates.NameTaken):
        templates.save_template(1, draft(seats=5))
    replaced = templates.save_template(1, draft(seats=5), replace=True)
    assert TripTemplate.select().count() == 1 and replaced.seats == 5
    assert TemplatePickupPoint.select().count() == 2  # the old points went with the old template
    for forbidden in (lambda: queries.template(2, replaced.id),
                      lambda: templates.rename_template(2, replaced.id, "Mine now"),
                      lambda: templates.delete_template(2, replaced.id)):
        with pytest.raises(PermissionDenied):
            forbidden()
    templates.save_template(1, draft("Saturday game"))
    with pytest.raises(templates.NameTaken):
        templates.rename_template(1, replaced.id, "Saturday game")
    templates.rename_template(1, replaced.id, "Tuesdays")
    assert TripTemplate.get_by_id(replaced.id).name == "Tuesdays"
    templates.delete_template(1, replaced.id)
    with pytest.raises(NotFound):
        queries.template(1, replaced.id)
    assert TemplatePickupPoint.select().count() == 2  # only Saturday's


def test_rules(database):
    driver()
    users.register_user(3, "Pat")
    users.set_role(3, ROLE_PASSENGER)
    with pytest.raises(PermissionDenied):
        templates.save_template(3, draft())
    for bad in (dict(name=""), dict(name="n" * 41), dict(seats=9), dict(pickups=[])):
        with pytest.raises(ValidationError):
            templates.save_template(1, draft(**bad))
    for i in range(templates.TEMPLATES_MAX):
        templates.save_template(1, draft(f"T{i}"))
    with pytest.raises(ValidationError) as refused:
        templates.save_template(1, draft("One too many"))
    assert (refused.value.key, refused.value.params) == ("error-templates-limit", {"most": 20})
    templates.save_template(1, draft("T3", seats=2), replace=True)  # replacing at the limit is fine
    assert TripTemplate.select().count() == templates.TEMPLATES_MAX


def test_draft_from_trip_is_owner_only(database):
    driver()
    driver(2, "Eve")
    trip = make_trip()
    d = templates.draft_from_trip(1, trip.id, "Away")
    assert (d.destination, d.seats, d.pickups) == ("Riverside Arena", 4, [("Central Station", time(17, 45))])
    with pytest.raises(PermissionDenied):
        templates.draft_from_trip(2, trip.id, "Stolen")


# --- dialogs ---------------------------------------------------------------------------------


async def test_save_from_a_trip_card_with_name_clash(env):
    dee = await new_driver(env)
    trip = make_trip()
    templates.save_template(1, draft("Away"))
    await open_my_trip(dee, ".*Riverside Arena.*")
    screen = await dee.click("💾 Save as template")
    assert "Send a <b>name</b>" in screen.text
    screen = await dee.send("Away")
    assert "already have a template called “Away”" in screen.text
    screen = await dee.click("✏️ Another name")
    screen = await dee.send("Away games")
    assert TripTemplate.select().where(TripTemplate.name == "Away games").count() == 1
    assert "Riverside Arena" in screen.text  # back on the card
    # the clash again, this time replacing
    await dee.click("💾 Save as template")
    await dee.send("Away")
    await dee.click("♻️ Replace it")
    assert TripTemplate.get(TripTemplate.name == "Away").destination == "Riverside Arena"
    assert TripTemplate.select().count() == 2


async def test_save_at_the_end_of_the_wizard(env):
    from tests.test_wizard import walk_to_summary

    dee = await new_driver(env)
    await walk_to_summary(dee)
    await dee.click("✅ Confirm")
    await dee.click("💾 Save as template")
    await dee.send("Arena")
    tpl = TripTemplate.get(TripTemplate.name == "Arena")
    assert tpl.destination == "Riverside Arena" and len(list(tpl.pickup_points)) == 2


async def test_create_from_scratch_without_a_trip(env):
    dee = await new_driver(env)
    screen = await dee.send("/templates")
    assert "No templates yet" in screen.text
    screen = await dee.click("➕ New template")
    assert "Where to?" in screen.text
    screen = await dee.send("Club gym")
    assert "How many free seats?" in screen.text  # no date for a template
    await dee.click("3")
    await dee.send("Station")
    await dee.send("18:30")
    await dee.click("✅ Done")
    screen = await dee.click("⏭ Skip")
    assert "📅" not in screen.text and "💾 Save template" in dee.buttons()
    await dee.click("💾 Save template")
    screen = await dee.send("Gym nights")
    assert Trip.select().count() == 0
    tpl = TripTemplate.get()
    assert (tpl.name, tpl.destination, tpl.seats) == ("Gym nights", "Club gym", 3)
    assert "📋 Gym nights" in dee.buttons()  # back on the list


async def test_use_rename_delete(env):
    dee = await new_driver(env)
    templates.save_template(1, draft())
    await dee.send("/list_templates")
    screen = await dee.click("📋 Tuesday training")
    assert "Club gym" in screen.text and "18:15" in screen.text
    screen = await dee.click("🚗 Use: pick a date")
    assert "Which day?" in screen.text
    screen = await dee.pick_date(tomorrow())  # the rest is the template's: straight to the summary
    assert "Check your trip" in screen.text and "Bakery" in screen.text and "💬 after work" in screen.text
    await dee.click("✅ Confirm")
    trip = Trip.get()
    assert (trip.destination, trip.departure_date, trip.comment) == ("Club gym", tomorrow(), "after work")
    assert [p.time for p in queries.pickup_points(trip.id)] == [time(18, 15), time(18, 30)]
    # rename and delete from the card
    await dee.send("/templates")
    await dee.click("📋 Tuesday training")
    await dee.click("✏️ Rename")
    screen = await dee.send("Tuesdays")
    assert "<b>Tuesdays</b>" in screen.text
    await dee.click("🗑 Delete")
    screen = await dee.click("🗑 Yes, delete")
    assert TripTemplate.select().count() == 0 and "No templates yet" in screen.text
    assert Trip.select().count() == 1  # the trip made from it stays


async def test_passenger_cannot_open_templates(env):
    pat = await new_passenger(env, 3, "Pat")
    await pat.send("/templates")
    assert "for drivers" in env.bot.sent_texts(3)[-1]


# --- one confirmation, one template (issue #16, item 5) -------------------------------------


async def test_name_redelivered_after_a_crash_creates_one_template(crash_env):
    """kill -9 after the template committed, before the update was recorded (the name
    message is delivered again): one template, and the driver is back on the list, not
    told that the name is taken by the template their own first delivery made."""
    env = crash_env
    dee = await new_driver(env)
    await dee.send("/templates")
    await dee.click("➕ New template")
    await dee.send("Club gym")
    await dee.click("3")
    await dee.send("Station")
    await dee.send("18:30")
    await dee.click("✅ Done")
    await dee.click("⏭ Skip")
    await dee.click("💾 Save template")
    await deliver_twice(env, message_update(dee, "Gym nights"), crash_on=SendMessage)  # dies saying "Saved"
    assert [t.name for t in TripTemplate.select()] == ["Gym nights"]
    assert TemplatePickupPoint.select().count() == 1
    assert "📋 Gym nights" in dee.buttons() and "already have" not in dee.screen().text


async def test_replace_redelivered_after_a_crash_keeps_one_template(crash_env):
    env = crash_env
    dee = await new_driver(env)
    make_trip()
    templates.save_template(1, draft("Away"))
    await open_my_trip(dee, ".*Riverside Arena.*")
    await dee.click("💾 Save as template")
    await dee.send("Away")
    replace = press_update(dee, "♻️ Replace it")
    await deliver_twice(env, replace, crash_on=AnswerCallbackQuery)  # dies saying "Saved"
    (tpl,) = TripTemplate.select()
    assert (tpl.name, tpl.destination) == ("Away", "Riverside Arena")
    assert "Riverside Arena" in dee.screen().text and "already have" not in dee.screen().text


def test_save_template_with_the_same_key_returns_the_first(database):
    driver()
    first = templates.save_template(1, draft("Away"), key="k1")
    again = templates.save_template(1, draft("Away"), key="k1")  # no NameTaken: it is the same save
    assert again.id == first.id and TripTemplate.select().count() == 1
    replaced = templates.save_template(1, draft("Away", destination="Arena"), replace=True, key="k2")
    assert templates.save_template(1, draft("Away"), replace=True, key="k2").id == replaced.id
    assert [(t.name, t.destination) for t in TripTemplate.select()] == [("Away", "Arena")]
