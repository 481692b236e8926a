"""Which evidence each contribution and cost line needs (cofinancing/evidence_rules.py), by
worked example, and what a file is by its content (sterk.uploads.sniff)."""

import io
from decimal import Decimal

import pytest

from cofinancing import evidence_rules as rules
from cofinancing.models import (
    REALISED_AND_UP,
    ContributionKind,
    ContributionStatus,
    CostCategory,
    EvidenceKind,
)
from sterk import uploads
from tests.evidence_files import ALLOWED, LYING

HOURS = "hours_statement"
INVOICE = "invoice"
PAYMENT = "proof_of_payment"
SCHEDULE = "depreciation_schedule"
RECORDS = "use_records"
INTERNSHIP = "internship_agreement"


# --- The rules agree with the models ------------------------------------------------------


def test_every_kind_the_rules_name_is_an_evidence_kind():
    named = {kind for kinds in rules.CONTRIBUTION_EVIDENCE.values() for kind in kinds}
    named |= {kind for kinds in rules.COST_LINE_EVIDENCE.values() for kind in kinds}
    named.add(rules.INTERNSHIP_AGREEMENT)
    assert named <= set(EvidenceKind.values)


def test_every_contribution_kind_and_cost_category_has_a_rule():
    assert set(rules.CONTRIBUTION_EVIDENCE) == set(ContributionKind.values)
    assert set(rules.COST_LINE_EVIDENCE) == set(CostCategory.values)


# --- Contributions, by worked example -----------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "needed"),
    [
        ("labour", (HOURS,)),
        ("depreciation", (SCHEDULE,)),
        ("room", (RECORDS,)),
        ("money", (INVOICE, PAYMENT)),
        ("material", (INVOICE, PAYMENT)),
        ("lease", (INVOICE, PAYMENT)),
    ],
)
def test_a_realised_contribution_needs_the_evidence_of_its_kind(kind, needed):
    assert rules.contribution_needs(kind=kind, realised=True) == needed


def test_a_contribution_to_an_internship_activity_also_needs_the_internship_agreement():
    assert rules.contribution_needs(kind="labour", realised=True, internship=True) == (
        HOURS,
        INTERNSHIP,
    )
    assert rules.contribution_needs(kind="money", realised=True, internship=True) == (
        INVOICE,
        PAYMENT,
        INTERNSHIP,
    )


@pytest.mark.parametrize("status", ContributionStatus.values)
def test_only_a_realised_or_certified_contribution_needs_evidence(status):
    needed = rules.contribution_needs(
        kind="labour", realised=status in REALISED_AND_UP, internship=True
    )
    if status in ("realised", "certified"):
        assert needed == (HOURS, INTERNSHIP)
    else:
        assert needed == ()


def test_worked_example_of_a_money_contribution_with_only_its_invoice():
    """€ 5,000 in money, realised, with the invoice uploaded: the proof of payment is missing;
    once it is there, nothing is."""
    needed = rules.contribution_needs(kind="money", realised=True)
    assert rules.missing(needed, [INVOICE]) == (PAYMENT,)
    assert rules.missing(needed, [INVOICE, PAYMENT]) == ()


def test_a_file_of_another_kind_proves_nothing_needed():
    needed = rules.contribution_needs(kind="labour", realised=True)
    assert rules.missing(needed, ["attendance_list", "other", INVOICE]) == (HOURS,)


def test_two_files_of_one_kind_count_once():
    needed = rules.contribution_needs(kind="material", realised=True)
    assert rules.missing(needed, [INVOICE, INVOICE]) == (PAYMENT,)


# --- Cost lines, by worked example ----------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "needed"),
    [
        ("internal_personnel", (HOURS,)),
        ("external_personnel", (HOURS,)),
        ("depreciation", (SCHEDULE,)),
        ("material", (INVOICE, PAYMENT)),
        ("rent", (INVOICE, PAYMENT)),
        ("other", (INVOICE, PAYMENT)),
    ],
)
def test_an_eligible_realised_cost_line_needs_the_evidence_of_its_category(category, needed):
    assert (
        rules.cost_line_needs(category=category, realised_amount=Decimal("1250.00"), eligible=True)
        == needed
    )


@pytest.mark.parametrize(
    ("realised_amount", "eligible"),
    [(None, True), (Decimal("0.00"), True), (Decimal("1250.00"), False), (None, False)],
)
def test_a_cost_line_not_realised_or_not_eligible_needs_nothing(realised_amount, eligible):
    assert (
        rules.cost_line_needs(
            category="material", realised_amount=realised_amount, eligible=eligible
        )
        == ()
    )


# --- What a file is ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "make", "content_type"), ALLOWED, ids=[a[0] for a in ALLOWED])
def test_each_accepted_type_is_told_by_its_content(name, make, content_type):
    file = io.BytesIO(make())
    file.seek(5)
    assert uploads.sniff(file).content_type == content_type
    assert file.tell() == 0


@pytest.mark.parametrize(
    ("name", "data"), LYING, ids=[f"{n}-{i}" for i, (n, _d) in enumerate(LYING)]
)
def test_what_is_no_accepted_type_is_told_too(name, data):
    assert uploads.sniff(io.BytesIO(data)) is None


def test_an_empty_file_is_no_type():
    assert uploads.sniff(io.BytesIO(b"")) is None


def test_text_past_the_first_chunk_is_read_too():
    """A NUL byte far into an otherwise plain text still makes it no CSV."""
    data = b"a;b\n" * 100_000 + b"\x00"
    assert uploads.sniff(io.BytesIO(data)) is None
    assert uploads.sniff(io.BytesIO(data[:-1])) is uploads.CSV
