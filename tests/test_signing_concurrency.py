"""Two signatories signing in the same second complete the agreement exactly once (docs/rules.md §13).

Real concurrency needs a database that runs transactions in parallel: this runs on
PostgreSQL (CI) and is skipped on SQLite, which serialises every write anyway.
"""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_scopes import scopes_disabled

from signing import services as signing
from signing.audit import chain_of, verify_chain
from signing.models import RequestStatus, RoundStatus, SignatureRequest, SigningRound
from tests.factories import send_round, signing_version

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL for parallel transactions"
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("signers", [2, 5])
def test_simultaneous_last_signatures_complete_once(partnership, leader, settings, signers):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = signing.Client("192.0.2.1", "pytest")
    with scopes_disabled():
        version = signing_version(partnership, parties=signers, real_pdf=True)
        round = send_round(version, leader)
        requests = list(SignatureRequest.objects.filter(round=round))
        # Everyone has confirmed their code; all sign at the same moment.
        SignatureRequest.objects.filter(round=round).update(code_verified_at=timezone.now())

    barrier = threading.Barrier(len(requests))
    errors = []

    def sign(request):
        try:
            with scopes_disabled():
                barrier.wait(timeout=10)
                signing.request_sign(
                    request,
                    typed_name=request.name,
                    statement_confirmed=True,
                    shown_pdf_sha256=version.pdf_sha256,
                    client=client,
                )
        except Exception as error:  # reported below, with the thread's traceback lost
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=(r,)) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    with scopes_disabled():
        round = SigningRound.objects.get(pk=round.pk)
        assert round.status == RoundStatus.COMPLETED
        assert set(round.requests.values_list("status", flat=True)) == {RequestStatus.SIGNED}
        kinds = [event.kind for event in chain_of(round.chain)]
        assert kinds.count("completed") == 1
        assert kinds.count("signed") == signers
        assert kinds.count("sealed") == 1
        assert round.final_pdf_sha256
        assert verify_chain(chain_of(round.chain)) is None


@pytest.mark.django_db(transaction=True)
def test_same_signature_posted_twice_at_once_signs_once(partnership, leader, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = signing.Client("192.0.2.1", "pytest")
    with scopes_disabled():
        version = signing_version(partnership, parties=2)
        round = send_round(version, leader)
        request = SignatureRequest.objects.filter(round=round).first()
        SignatureRequest.objects.filter(pk=request.pk).update(code_verified_at=timezone.now())

    barrier = threading.Barrier(2)
    outcomes = []

    def sign():
        try:
            with scopes_disabled():
                barrier.wait(timeout=10)
                signing.request_sign(
                    request,
                    typed_name=request.name,
                    statement_confirmed=True,
                    shown_pdf_sha256=version.pdf_sha256,
                    client=client,
                )
            outcomes.append("signed")
        except Exception as error:
            outcomes.append(type(error).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["ValidationError", "signed"]
    with scopes_disabled():
        kinds = [event.kind for event in chain_of(round.chain)]
        assert kinds.count("signed") == 1
        assert verify_chain(chain_of(round.chain)) is None
