"""Decisions taken at the same moment get different numbers (docs/rules.md §27).

Real concurrency needs a database that runs transactions in parallel: this runs on
PostgreSQL (CI) and is skipped on SQLite, which serialises every write anyway.
"""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_scopes import scopes_disabled

from governance import services
from governance.models import Decision

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL for parallel transactions"
)


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
