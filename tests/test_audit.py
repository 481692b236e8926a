"""The audit trail of signing (docs/rules.md §14): append-only events, hash-chained per
agreement; the ORM refuses to change them, and `manage.py verify_audit` finds any change made
behind its back (raw SQL): edited content, a removed row, swapped hashes, a rewired chain."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from signing import services as signing
from signing.audit import chain_of, event_hash, record, verify_chain
from signing.models import AuditChain, AuditEvent
from tests.factories import (
    MAIL_EVENTS,
    PartnershipFactory,
    VersionFactory,
    send_round,
    signing_version,
    version_of,
)
from tests.test_signing import requests_of, verify_and_sign

TABLE = AuditEvent._meta.db_table


@pytest.fixture(autouse=True)
def _signing_settings(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path
    settings.SEAL_DEV_DIR = tmp_path / "seal"


@pytest.fixture
def act(django_capture_on_commit_callbacks):
    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def full_round(partnership, user, act, **kwargs):
    """A round sent to two signatories who both sign (sealing fails on the factory's fake
    PDF unless real_pdf=True: that is an event too)."""
    version = signing_version(partnership, parties=2, **kwargs)
    round = act(send_round, version, user)
    for request in requests_of(round):
        verify_and_sign(act, request)
    return round


@pytest.fixture
def round(partnership, leader, act, no_scopes):
    return full_round(partnership, leader, act)


def events_of(round) -> list[AuditEvent]:
    return list(chain_of(round.chain))


def event(round, seq) -> AuditEvent:
    return AuditEvent.objects.get(chain=round.chain, seq=seq)


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def run_verify(*args) -> tuple[bool, str]:
    """(passed, output) of `manage.py verify_audit`; a broken chain is exit status 1."""
    output = StringIO()
    try:
        call_command("verify_audit", *args, stdout=output)
    except CommandError as error:
        assert error.returncode == 1
        return False, output.getvalue() + str(error)
    return True, output.getvalue()


# --- a chain that was left alone -----------------------------------------------------------


def test_the_chain_of_a_full_sealed_round_verifies(partnership, leader, act, no_scopes):
    round = full_round(partnership, leader, act, real_pdf=True)
    events = events_of(round)
    assert [e.kind for e in events if e.kind not in MAIL_EVENTS] == [
        "sent",
        "sent",
        "code_sent",
        "code_verified",
        "signed",
        "code_sent",
        "code_verified",
        "signed",
        "completed",
        "sealed",
    ]
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    # Every message of the round, delivered, is in the chain too.
    queued = [e.data["email"] for e in events if e.kind == "mail_queued"]
    delivered = [e.data["email"] for e in events if e.kind == "mail_delivered"]
    assert queued and sorted(queued) == sorted(delivered)
    assert events[0].prev_hash == ""
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    assert len({e.hash for e in events}) == len(events)
    assert verify_chain(chain_of(round.chain).iterator(chunk_size=2000)) is None

    passed, output = run_verify()
    assert passed
    assert f"1 audit chains with {len(events)} events" in output


def test_an_agreement_without_events_has_a_valid_empty_chain(partnership, no_scopes):
    version = VersionFactory(partnership=partnership)
    assert verify_chain(chain_of(f"agreement:{version.partnership_id}")) is None
    passed, output = run_verify("--partnership", partnership.slug)
    assert passed and "0 events" in output


def test_verify_audit_needs_a_few_queries_however_long_the_chains(
    partnership, leader, act, no_scopes, django_assert_max_num_queries
):
    full_round(partnership, leader, act)
    other = PartnershipFactory()
    full_round(other, leader, act)
    with django_assert_max_num_queries(4):
        passed, output = run_verify()
    assert passed and "2 audit chains" in output


def test_verify_audit_refuses_an_unknown_partnership(round):
    with pytest.raises(CommandError):
        call_command("verify_audit", "--agreement", "bestaat-niet", stdout=StringIO())


# --- the ORM never changes or deletes an event ---------------------------------------------


def test_the_orm_refuses_to_change_or_delete_events(round):
    first = event(round, 1)
    with pytest.raises(ValidationError):
        AuditEvent.objects.filter(pk=first.pk).update(data={"email": "boef@example.nl"})
    first.actor = "Iemand anders"
    with pytest.raises(ValidationError):
        first.save()
    # bulk_update runs in an atomic block without a savepoint: give it one, so the refusal
    # does not spoil the test's transaction.
    with pytest.raises(ValidationError), transaction.atomic():
        AuditEvent.objects.bulk_update([first], ["actor"])
    with pytest.raises(ValidationError):
        first.delete()
    with pytest.raises(ValidationError):
        AuditEvent.objects.filter(chain=round.chain).delete()
    assert event(round, 1).actor != "Iemand anders"
    assert AuditEvent.objects.filter(chain=round.chain).count() == len(events_of(round))
    assert event(round, len(events_of(round))).seq == len(events_of(round))
    assert run_verify()[0]


# --- changes behind the ORM's back ---------------------------------------------------------


def first_signature(round) -> AuditEvent:
    return next(e for e in events_of(round) if e.kind == "signed")


def test_changed_data_breaks_the_chain_at_that_event(round):
    target = first_signature(round)
    raw(
        f"UPDATE {TABLE} SET data = %s WHERE id = %s",
        [json.dumps({**target.data, "typed_name": "Iemand Anders"}), target.pk],
    )
    broken = verify_chain(chain_of(round.chain))
    assert (broken.seq, broken.problem) == (target.seq, "content does not match its hash")

    passed, output = run_verify()
    assert not passed
    assert "twente" in output and f"#{target.seq}" in output and "(signed)" in output
    assert "#4" not in output and "#6" not in output


def test_a_removed_event_leaves_a_gap(round):
    raw(f"DELETE FROM {TABLE} WHERE id = %s", [event(round, 3).pk])
    broken = verify_chain(chain_of(round.chain))
    assert broken.seq == 4 and "#3" in broken.problem
    passed, output = run_verify()
    assert not passed and "#4" in output


def test_events_removed_from_the_end_are_detected_by_the_head(round):
    last = events_of(round)[-1]
    raw(f"DELETE FROM {TABLE} WHERE id = %s", [last.pk])
    # The remaining chain is consistent in itself; only the chain's recorded head tells.
    assert verify_chain(chain_of(round.chain)) is None
    head = AuditChain.objects.get(key=round.chain)
    broken = verify_chain(chain_of(round.chain), head=(head.seq, head.head))
    assert broken is not None and broken.seq == last.seq
    passed, output = run_verify()
    assert not passed and f"#{last.seq}" in output


def test_the_head_follows_every_new_event(round):
    head = AuditChain.objects.get(key=round.chain)
    last = events_of(round)[-1]
    assert (head.seq, head.head) == (last.seq, last.hash)
    assert verify_chain(chain_of(round.chain), head=(last.seq, last.hash)) is None
    # Events appended after the head was read (a signature during the check) are fine.
    record("reminded", signing_round=round, actor="test")
    assert verify_chain(chain_of(round.chain), head=(last.seq, last.hash)) is None
    assert run_verify()[0]


def test_swapped_hashes_break_the_chain(round):
    second, third = event(round, 2), event(round, 3)
    raw(f"UPDATE {TABLE} SET hash = %s WHERE id = %s", [third.hash, second.pk])
    raw(f"UPDATE {TABLE} SET hash = %s WHERE id = %s", [second.hash, third.pk])
    broken = verify_chain(chain_of(round.chain))
    assert broken.seq == 2
    passed, output = run_verify()
    assert not passed and "#2" in output


def test_swapped_events_break_the_chain(round):
    second, third = event(round, 2), event(round, 3)
    raw(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [1000, second.pk])
    raw(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [2, third.pk])
    raw(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [3, second.pk])
    broken = verify_chain(chain_of(round.chain))
    assert broken.seq == 2 and broken.problem == "does not point to the previous event"


def test_a_rewired_prev_hash_breaks_the_chain(round):
    target = event(round, 6)
    raw(f"UPDATE {TABLE} SET prev_hash = %s WHERE id = %s", [event(round, 4).hash, target.pk])
    broken = verify_chain(chain_of(round.chain))
    assert (broken.seq, broken.problem) == (6, "does not point to the previous event")
    passed, output = run_verify()
    assert not passed and "#6" in output


def test_a_tampered_event_with_a_recomputed_hash_breaks_the_link_to_the_next(round):
    target = events_of(round)[4]
    data = {**target.data, "typed_name": "Iemand Anders"}
    forged = event_hash(
        chain=target.chain,
        seq=target.seq,
        kind=target.kind,
        at=target.at,
        actor=target.actor,
        round_code=str(target.round.code),
        request_code=str(target.request.code),
        data=data,
        prev_hash=target.prev_hash,
    )
    raw(
        f"UPDATE {TABLE} SET data = %s, hash = %s WHERE id = %s",
        [json.dumps(data), forged, target.pk],
    )
    broken = verify_chain(chain_of(round.chain))
    assert (broken.seq, broken.problem) == (6, "does not point to the previous event")


def test_the_chains_of_two_agreements_are_independent(round, leader, act):
    other_partnership = PartnershipFactory(slug="zeeland-tech")
    other = full_round(other_partnership, leader, act)
    # Each agreement numbers its own events from 1.
    assert [e.seq for e in events_of(other)][:3] == [1, 2, 3]
    assert events_of(other)[0].prev_hash == ""

    target = event(round, 2)
    raw(f"UPDATE {TABLE} SET actor = %s WHERE id = %s", ["Iemand anders", target.pk])

    assert verify_chain(chain_of(other.chain)) is None
    passed, output = run_verify()
    assert not passed
    assert "twente" in output and "zeeland-tech" not in output
    assert "1 of 2" in output
    assert run_verify("--partnership", "zeeland-tech")[0]
    assert not run_verify("--partnership", "twente")[0]


def test_an_event_moved_from_another_agreement_breaks_the_chain(round, leader, act):
    other = full_round(PartnershipFactory(slug="zeeland-tech"), leader, act)
    moved = events_of(other)[-1]
    next_seq = len(events_of(round)) + 1
    raw(
        f"UPDATE {TABLE} SET chain = %s, seq = %s WHERE id = %s",
        [round.chain, next_seq, moved.pk],
    )
    assert verify_chain(chain_of(round.chain)).seq == next_seq
    passed, output = run_verify()
    assert not passed and "twente" in output and f"#{next_seq}" in output


# --- what the hash covers ------------------------------------------------------------------


@pytest.fixture
def second_round(round, leader, act, partnership):
    """A second round of the same agreement, so an event can be pointed at another round
    and another request."""
    newer = VersionFactory(partnership=partnership, snapshot=version_of(round).snapshot)
    return act(send_round, newer, leader)


def _db_datetime(value):
    return connection.ops.adapt_datetimefield_value(value)


@pytest.mark.parametrize("column", ["kind", "at", "actor", "data", "round", "request"])
def test_the_hash_covers_every_part_of_an_event(round, second_round, column):
    target = first_signature(round)  # it has a round and a request
    assert target.round_id and target.request_id
    other_request = requests_of(second_round)[0]
    changes = {
        "kind": ("kind", "signed_in_person"),
        "at": ("at", _db_datetime(target.at + timedelta(seconds=1))),
        "actor": ("actor", target.actor + " "),
        "data": ("data", json.dumps({**target.data, "ip": "203.0.113.9"})),
        "round": ("round_id", second_round.pk),
        "request": ("request_id", other_request.pk),
    }
    name, value = changes[column]
    raw(f"UPDATE {TABLE} SET {name} = %s WHERE id = %s", [value, target.pk])

    broken = verify_chain(chain_of(round.chain))
    assert broken is not None
    assert (broken.seq, broken.problem) == (target.seq, "content does not match its hash")


def test_the_hash_changes_with_each_input():
    from datetime import UTC, datetime

    base = {
        "chain": "agreement:1",
        "seq": 1,
        "kind": "sent",
        "at": datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        "actor": "Lotte Leider",
        "round_code": "r",
        "request_code": "q",
        "data": {"email": "a@b.nl"},
        "prev_hash": "",
    }
    variations = {
        "chain": "agreement:2",
        "seq": 2,
        "kind": "signed",
        "at": datetime(2026, 3, 1, 12, 0, 0, 1, tzinfo=UTC),
        "actor": "Lotte Leider.",
        "round_code": "s",
        "request_code": "p",
        "data": {"email": "a@b.n"},
        "prev_hash": "0" * 64,
    }
    original = event_hash(**base)
    for key, value in variations.items():
        assert event_hash(**{**base, key: value}) != original, key


def test_record_numbers_and_links_events_per_agreement(round, partnership):
    before = events_of(round)[-1]
    added = record("reminded", signing_round=round, actor="Sterk", data={"n": 1})
    assert added.seq == before.seq + 1 and added.prev_hash == before.hash
    assert verify_chain(chain_of(round.chain)) is None


def test_signing_events_keep_no_secrets(round):
    for request in requests_of(round):
        token = signing.token_for(request)
        for item in AuditEvent.objects.filter(chain=round.chain):
            assert token not in json.dumps(item.data)
            assert request.token_salt not in json.dumps(item.data)
