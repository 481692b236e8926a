"""The guards on depreciating one machine (docs/rules.md §7). Pure functions; the services
call them under the budget's lock, so a form, the import and the admin all obey them.

Months are counted weighted by the project share: 12 months at 50% are 6. For one machine
(by its identifier):

- one contribution claims at most the 12 months of its own year;
- the weighted months of one year, over all its contributions, never exceed 12;
- the weighted months over all contributions and years never exceed its economic life, so
  no more than its depreciable value is ever claimed;
- a life shorter than the months left in the scheme's period, counted from the
  contribution's year, needs a justification (the life may not be shortened to the
  project).

Each refusal names the other contributions involved.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from cofinancing.valuation import HUNDRED, MONTHS_IN_YEAR, is_sentence
from sterk.money import format_euro


def machine_key(machine_id: str) -> str:
    """ "cnc-01 " and "CNC-01" are one machine."""
    return " ".join((machine_id or "").split()).upper()


@dataclass(frozen=True)
class MachineClaim:
    reference: str  # the contribution's public id ("" for one not saved yet)
    label: str  # how a message names it: "Van Dijk: CNC-draaibank (2026)"
    machine: str  # machine_key of the identifier
    year: int
    months: Decimal
    share: Decimal  # percent
    life: int
    # One machine has one acquisition value, residual value and life (None: not compared).
    acquisition: Decimal | None = None
    residual: Decimal | None = None

    @property
    def weighted(self) -> Decimal:
        return self.months * self.share / HUNDRED


def _values(claim: MachineClaim) -> tuple:
    return (claim.acquisition, claim.residual, claim.life)


def _months(value: Decimal) -> str:
    """6, 2,4 or 0,75: months as a Dutch number without trailing zeros."""
    text = f"{value.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _names(claims: list[MachineClaim]) -> str:
    return "; ".join(
        f"{c.label}, {_months(c.weighted)} {_('months')}"
        for c in sorted(claims, key=lambda c: (c.year, c.label, c.reference))
    )


def claim_errors(claim: MachineClaim, others: list[MachineClaim]) -> dict[str, list[str]]:
    """What is wrong with `claim` beside the other claims of the same machine; {} if nothing.

    `others` are the machine's other contributions that count (not cancelled), without
    `claim` itself.
    """
    errors: dict[str, list[str]] = defaultdict(list)
    if claim.months > MONTHS_IN_YEAR:
        errors["months_used"].append(
            _(
                "One contribution claims at most the 12 months of its own year; enter the "
                "other years as contributions of their own."
            )
        )
        return dict(errors)
    others = [o for o in others if o.machine == claim.machine and o.reference != claim.reference]
    differing = [o for o in others if _values(o) != _values(claim) and None not in _values(o)]
    if differing and None not in _values(claim):
        first = differing[0]
        errors["life_months"].append(
            _(
                "Machine %(machine)s is recorded with an acquisition value of %(acquisition)s, "
                "a residual value of %(residual)s and a life of %(life)s months (%(other)s): "
                "one machine has one set of values, whatever the contribution."
            )
            % {
                "machine": claim.machine,
                "acquisition": format_euro(first.acquisition),
                "residual": format_euro(first.residual),
                "life": first.life,
                "other": first.label,
            }
        )
        return dict(errors)
    same_year = [o for o in others if o.year == claim.year]
    in_year = claim.weighted + sum((o.weighted for o in same_year), Decimal(0))
    if same_year and in_year > MONTHS_IN_YEAR:
        errors["months_used"].append(
            _(
                "Machine %(machine)s would be claimed for %(months)s months in %(year)s, more "
                "than the 12 months of a year. Already claimed: %(others)s."
            )
            % {
                "machine": claim.machine,
                "months": _months(in_year),
                "year": claim.year,
                "others": _names(same_year),
            }
        )
    life = min([claim.life, *(o.life for o in others)])
    total = claim.weighted + sum((o.weighted for o in others), Decimal(0))
    if others and total > life:
        errors["months_used"].append(
            _(
                "Machine %(machine)s would be claimed for %(months)s months in all, more than "
                "its economic life of %(life)s months: never more than its depreciable value "
                "is claimed. Already claimed: %(others)s."
            )
            % {
                "machine": claim.machine,
                "months": _months(total),
                "life": life,
                "others": _names(others),
            }
        )
    return dict(errors)


def months_left(year: int, end_year: int) -> int:
    """The months of the scheme's period from the start of `year`."""
    return max(end_year - year + 1, 0) * MONTHS_IN_YEAR


def life_errors(*, life: int, year: int, end_year: int, justification: str) -> dict[str, list[str]]:
    """A life shorter than the months left in the period needs a justification."""
    left = months_left(year, end_year)
    if life >= left or is_sentence(justification):
        return {}
    return {
        "life_justification": [
            _(
                "An economic life of %(life)s months is shorter than the %(left)s months left in "
                "the scheme's period. The real life counts, never one shortened to the project: "
                "explain in at least a sentence why this is the machine's real life (for "
                "example from its asset register)."
            )
            % {"life": life, "left": left}
        ]
    }


def check_claims(claims: list[MachineClaim]) -> list[tuple[MachineClaim, dict]]:
    """Every claim of a whole set (the import's) checked against the others of its machine,
    in order of entry; returns (claim, errors) for those refused.

    The order matters for which one is named as refused, never for whether a set passes:
    a set passes only when every claim passes beside all the others before it, and the sums
    do not depend on order.
    """
    refused = []
    accepted: dict[str, list[MachineClaim]] = defaultdict(list)
    for claim in claims:
        errors = claim_errors(claim, accepted[claim.machine])
        if errors:
            refused.append((claim, errors))
        else:
            accepted[claim.machine].append(claim)
    return refused
