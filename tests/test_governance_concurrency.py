"""Decisions taken at the same moment get different numbers, and a meeting deleted while
something is added to it leaves nothing half (docs/rules.md §27).

Real concurrency needs a database that runs transactions in parallel: this runs on
PostgreSQL (CI) and is skipped on SQLite, which serialises every write anyway.
"""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone
from django_scopes import scopes_disabled

from governance import services
from governance.models import Action, Decision, Meeting

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL for parallel transactions"
)


@pytest.fixture(autouse=True)
def _english(settings):
    """The outcomes are compared with the English messages; the threads take the language
    from the settings (an override is per thread)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.mark.django_db(transaction=True)
def test_simultaneous_decisions_of_one_body_are_numbered_one_to_n(partnership, leader):
    with scopes_disabled():
        body = services.body_create(partnership=partnership, kind="steering_group", name="SG")
        services.member_add(body=body, user=leader)
        meeting = services.meeting_create(
            body=body, date=timezone.localdate() - datetime.timedelta(days=1)
        )
    count = 6
    barrier = threading.Barrier(count)
    errors = []

    def decide(n):
        try:
            with scopes_disabled():
                barrier.wait(timeout=10)
                services.decision_add(meeting=meeting, title=f"B{n}", text="Tekst")
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with scopes_disabled():
        numbers = sorted(Decision.objects.filter(body=body).values_list("number", flat=True))
    assert numbers == list(range(1, count + 1))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("adding", ["decision", "action"])
def test_a_meeting_deleted_while_something_is_added_never_leaves_half(partnership, leader, adding):
    """Deleting a meeting and adding a decision or an action to it at the same moment: one
    of the two is refused with a message (never a database error), nothing points at a
    deleted meeting."""
    with scopes_disabled():
        body = services.body_create(partnership=partnership, kind="steering_group", name="SG")
        owner = services.member_add(body=body, user=leader)
        meetings = [
            services.meeting_create(
                body=body, date=timezone.localdate() - datetime.timedelta(days=1)
            )
            for _n in range(4)
        ]
    outcomes = []

    def run(work):
        try:
            with scopes_disabled():
                barrier.wait(timeout=10)
                work()
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        except Exception as error:
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    for meeting in meetings:  # a few rounds: either side may win
        barrier = threading.Barrier(2)
        if adding == "decision":

            def add(meeting=meeting):
                services.decision_add(meeting=meeting, title="B", text="Tekst")
        else:

            def add(meeting=meeting):
                services.action_add(meeting=meeting, description="A", owner=owner, due=meeting.date)

        threads = [
            threading.Thread(target=run, args=(add,)),
            threading.Thread(
                target=run, args=(lambda m=meeting: services.meeting_delete(meeting=m),)
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    allowed = {
        "ok",
        "This meeting was deleted meanwhile.",
        "This meeting has decisions: delete those first. Its decisions are the numbered "
        "record of the body.",
    }
    assert set(outcomes) <= allowed, outcomes
    with scopes_disabled():
        alive = set(Meeting.objects.filter(body=body).values_list("pk", flat=True))
        for model in (Decision, Action):
            assert (
                set(model.objects.filter(body=body).values_list("meeting_id", flat=True)) <= alive
            )
