"""In Chromium: a viewer sees an action they may not take disabled with the reason and ticks
off their own next step; an editor marks a step done and plans the next one in one form.

The pages are in English (the language switch's cookie) so the new texts read the same
before and after their Dutch translation is compiled."""

import datetime
import re

from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from partners.models import Interaction, Organisation, Partnership
from tests.factories import InteractionFactory

DAY = datetime.timedelta(days=1)


def _step(owner_email, text, due_in=1):
    from django.contrib.auth import get_user_model

    with scopes_disabled():
        partnership = Partnership.objects.get(slug="demo")
        organisation = Organisation.objects.filter(partnership=partnership).order_by("name")[0]
        owner = get_user_model().objects.get(email=owner_email)
        return InteractionFactory(
            organisation=organisation,
            next_step=text,
            next_step_due=timezone.localdate() + due_in * DAY,
            next_step_owner=owner,
        )


def _count():
    with scopes_disabled():
        return Interaction.objects.count()


def _in_english(page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def _row(page, step):
    return page.locator(f"#next-step-{step.code}")


def test_viewer_sees_a_disabled_action_with_the_reason_and_ticks_off_their_own_step(
    live_server, page, a11y, demo, sign_in
):
    own = _step("lezer@demo.sterk.test", "Read the annual report of the school board")
    others = _step("leider@demo.sterk.test", "Send the offer for guest lessons")
    sign_in("lezer@demo.sterk.test")
    _in_english(page, live_server)

    page.goto(live_server.url + "/p/demo/partners/")
    a11y()
    add = page.get_by_role("button", name="Add organisation")
    expect(add).to_have_attribute("aria-disabled", "true")
    reason = "Only project leaders and editors can add organisations."
    expect(add).to_have_accessible_description(reason)
    expect(page.get_by_text(reason)).to_be_visible()
    # Reachable by keyboard, and pressing it goes nowhere.
    add.focus()
    expect(add).to_be_focused()
    page.keyboard.press("Enter")
    add.click(force=True)  # Playwright itself refuses: aria-disabled is "not enabled"
    expect(add).to_be_disabled()
    expect(page).to_have_url(live_server.url + "/p/demo/partners/")
    expect(page.get_by_role("link", name="Add organisation")).to_have_count(0)

    page.goto(live_server.url + "/p/demo/follow-up/")
    a11y()
    mark = _row(page, others).get_by_role("button", name=re.compile("^Mark done"))
    expect(mark).to_have_attribute("aria-disabled", "true")
    note = (
        "Only the owner of a next step, project leaders and editors can tick it off; only "
        "project leaders and editors can plan the next step."
    )
    expect(page.get_by_text(note)).to_be_visible()
    expect(mark).to_have_accessible_description(note)
    plan = _row(page, own).get_by_role("button", name=re.compile("^Done, plan the next"))
    expect(plan).to_have_attribute("aria-disabled", "true")
    expect(plan).to_have_accessible_description(note)
    _row(page, own).get_by_role("button", name=re.compile("^Mark done")).click()
    expect(_row(page, own).get_by_role("status")).to_have_text("Done")
    a11y()
    with scopes_disabled():
        own.refresh_from_db()
        others.refresh_from_db()
    assert own.next_step_done_at is not None
    assert others.next_step_done_at is None


def test_editor_marks_a_step_done_and_plans_the_next_in_one_form(
    live_server, page, a11y, demo, sign_in
):
    step = _step("redacteur@demo.sterk.test", "Send the offer for guest lessons", due_in=0)
    before = _count()
    sign_in("redacteur@demo.sterk.test")
    _in_english(page, live_server)

    page.goto(live_server.url + "/p/demo/follow-up/")
    a11y()
    _row(page, step).get_by_role("link", name=re.compile("^Done, plan the next")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Done, plan the next step")
    a11y()

    # A date in the past: a clear message, nothing saved.
    page.get_by_label("Outcome").fill("Offer sent; they answer within two weeks.")
    page.get_by_label("Kind of contact").select_option("email")
    page.get_by_label("Next step").fill("Call about the offer")
    yesterday = timezone.localdate() - DAY
    page.get_by_label("Due").fill(yesterday.isoformat())
    page.get_by_role("button", name="Mark done and plan the next step").click()
    expect(page.get_by_text("The next step cannot be due in the past.")).to_be_visible()
    a11y()
    assert _count() == before

    due = timezone.localdate() + 14 * DAY
    page.get_by_label("Due").fill(due.isoformat())
    page.get_by_role("button", name="Mark done and plan the next step").click()
    expect(page).to_have_url(re.compile(r"/p/demo/follow-up/$"))
    expect(page.get_by_role("status").filter(has_text="Next step planned")).to_be_visible()
    a11y()
    with scopes_disabled():
        step.refresh_from_db()
        planned = Interaction.objects.get(next_step="Call about the offer")
    assert step.next_step_done_at is not None
    assert planned.next_step_due == due and planned.summary.startswith("Offer sent")
    expect(_row(page, planned)).to_contain_text("Call about the offer")
    expect(_row(page, step)).to_have_count(0)
    assert _count() == before + 1
