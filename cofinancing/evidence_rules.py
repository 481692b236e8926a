"""Which evidence each contribution and cost line needs at settlement (docs/rules.md §16 and
§21, after STO's guidance on project administration: what an accountant asks for).

Pure functions over plain values; nothing here touches the database. The kinds are the
values of cofinancing.models.EvidenceKind (tests/test_evidence_rules.py checks they agree).

Contributions, by kind:

- labour → an hours statement;
- depreciation (a machine or equipment) → the depreciation schedule or an extract of the
  asset register;
- room → the booking or use records;
- money, material, lease → an invoice and a proof of payment;
- and a contribution to an activity whose form of cooperation is internships also → the
  internship agreement.

Cost lines, by category: internal and external personnel → an hours statement;
depreciation → the depreciation schedule; material, rent and other → an invoice and a proof
of payment.

Only what is claimed at settlement needs evidence: a contribution once it is realised (or
certified), a cost line once it has a realised amount above zero and is eligible. Before
that, nothing is missing.
"""

from collections.abc import Iterable
from decimal import Decimal

HOURS_STATEMENT = "hours_statement"
INVOICE = "invoice"
PROOF_OF_PAYMENT = "proof_of_payment"
DEPRECIATION_SCHEDULE = "depreciation_schedule"
USE_RECORDS = "use_records"
INTERNSHIP_AGREEMENT = "internship_agreement"

PAID = (INVOICE, PROOF_OF_PAYMENT)

CONTRIBUTION_EVIDENCE: dict[str, tuple[str, ...]] = {
    "labour": (HOURS_STATEMENT,),
    "depreciation": (DEPRECIATION_SCHEDULE,),
    "room": (USE_RECORDS,),
    "money": PAID,
    "material": PAID,
    "lease": PAID,
}

COST_LINE_EVIDENCE: dict[str, tuple[str, ...]] = {
    "internal_personnel": (HOURS_STATEMENT,),
    "external_personnel": (HOURS_STATEMENT,),
    "depreciation": (DEPRECIATION_SCHEDULE,),
    "material": PAID,
    "rent": PAID,
    "other": PAID,
}


def contribution_needs(*, kind: str, realised: bool, internship: bool = False) -> tuple[str, ...]:
    """The evidence kinds a contribution needs, in a fixed order.

    `realised`: its status is realised or certified (cofinancing.models.REALISED_AND_UP);
    `internship`: its activity's form of cooperation is internships."""
    if not realised:
        return ()
    needed = CONTRIBUTION_EVIDENCE.get(kind, ())
    return (*needed, INTERNSHIP_AGREEMENT) if internship else needed


def cost_line_needs(
    *, category: str, realised_amount: Decimal | None, eligible: bool
) -> tuple[str, ...]:
    """The evidence kinds a cost line needs: none until it has a realised amount above zero,
    and none when the cost is not eligible (it is not claimed)."""
    if not eligible or realised_amount is None or realised_amount <= 0:
        return ()
    return COST_LINE_EVIDENCE.get(category, PAID)


def missing(needed: Iterable[str], present: Iterable[str]) -> tuple[str, ...]:
    """The needed kinds of which no file is present, in the order they are needed. Any file
    of a kind counts; a file of a kind not needed (an attendance list, "other") proves
    nothing needed."""
    have = set(present)
    return tuple(kind for kind in needed if kind not in have)
