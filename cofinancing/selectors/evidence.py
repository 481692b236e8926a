"""Reads on evidence files: the files of one contribution or cost line with what it still
needs, and the list of what is missing across a partnership (docs/rules.md §21), in a fixed
number of queries. The rules themselves are in cofinancing/evidence_rules.py.

The missing list is shared: the missing-evidence page and its Excel export show it, and the
settlement page includes it (templates/cofinancing/evidence/_missing.html takes its rows).
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from activities.models import CooperationForm
from cofinancing import evidence_rules as rules
from cofinancing.models import (
    REALISED_AND_UP,
    Contribution,
    CostLine,
    Evidence,
    EvidenceKind,
)
from partners.models import Organisation, Partnership


def kind_labels(kinds) -> list[str]:
    return [str(EvidenceKind(kind).label) for kind in kinds]


def contribution_needs(contribution: Contribution) -> tuple[str, ...]:
    """The evidence kinds this contribution needs (its activity must be loaded already)."""
    activity = contribution.activity
    return rules.contribution_needs(
        kind=contribution.kind,
        realised=contribution.status in REALISED_AND_UP,
        internship=activity is not None and activity.form == CooperationForm.INTERNSHIPS,
    )


def cost_line_needs(cost_line: CostLine) -> tuple[str, ...]:
    return rules.cost_line_needs(
        category=cost_line.category,
        realised_amount=cost_line.realised_amount,
        eligible=cost_line.eligible,
    )


# --- One contribution or cost line --------------------------------------------------------


@dataclass(frozen=True)
class EvidenceState:
    files: list[Evidence]
    needed: tuple[str, ...]
    missing: tuple[str, ...]
    # What it will need once it is claimed: the upload form suggests the first of these.
    will_need: tuple[str, ...] = ()

    @property
    def suggested_kind(self) -> str | None:
        return self.first_missing or next(iter(self.will_need), None)

    @property
    def needed_labels(self) -> list[str]:
        return kind_labels(self.needed)

    @property
    def missing_labels(self) -> list[str]:
        return kind_labels(self.missing)

    @property
    def first_missing(self) -> str | None:
        return self.missing[0] if self.missing else None


def evidence_state(
    *, contribution: Contribution | None = None, cost_line: CostLine | None = None
) -> EvidenceState:
    """The files of a contribution or a cost line (oldest first, with who uploaded them), what
    it needs and what of that is missing. One query."""
    if contribution is not None:
        files = Evidence.objects.filter(contribution=contribution)
        needed = contribution_needs(contribution)
        activity = contribution.activity
        will_need = rules.contribution_needs(
            kind=contribution.kind,
            realised=True,
            internship=activity is not None and activity.form == CooperationForm.INTERNSHIPS,
        )
    else:
        files = Evidence.objects.filter(cost_line=cost_line)
        needed = cost_line_needs(cost_line)
        will_need = rules.COST_LINE_EVIDENCE.get(cost_line.category, rules.PAID)
    files = list(files.select_related("uploaded_by").order_by("uploaded_at", "pk"))
    return EvidenceState(
        files=files,
        needed=needed,
        missing=rules.missing(needed, (evidence.kind for evidence in files)),
        will_need=rules.missing(will_need, (evidence.kind for evidence in files)),
    )


# --- What is missing, across the partnership ----------------------------------------------


@dataclass(frozen=True)
class MissingRow:
    """A contribution or a cost line that lacks evidence. `organisation` is the
    contributing organisation; a cost line has none (it is the project's own cost)."""

    year: int
    organisation: Organisation | None
    contribution: Contribution | None
    cost_line: CostLine | None
    missing: tuple[str, ...]

    @property
    def item(self):
        return self.contribution if self.contribution is not None else self.cost_line

    @property
    def is_contribution(self) -> bool:
        return self.contribution is not None

    @property
    def description(self) -> str:
        return self.item.description

    @property
    def what(self) -> str:
        """Its kind (a contribution) or category (a cost line), as a person reads it."""
        if self.contribution is not None:
            return str(self.contribution.get_kind_display())
        return str(self.cost_line.get_category_display())

    @property
    def value(self) -> Decimal:
        """The realised value or amount: what is claimed, so what must be proven."""
        if self.contribution is not None:
            realised = self.contribution.realised_value
            return self.contribution.value if realised is None else realised
        return self.cost_line.realised_amount

    @property
    def missing_labels(self) -> list[str]:
        return kind_labels(self.missing)


def _present_kinds(*, partnership: Partnership, year: int | None):
    """{("c", contribution_id) or ("l", cost_line_id): {kind, ...}}, in one query."""
    files = Evidence.objects.filter(partnership=partnership)
    if year is not None:
        files = files.filter(Q(contribution__year=year) | Q(cost_line__year=year))
    present = defaultdict(set)
    for contribution_id, cost_line_id, kind in (
        files.order_by().values_list("contribution_id", "cost_line_id", "kind").distinct()
    ):
        key = ("c", contribution_id) if contribution_id is not None else ("l", cost_line_id)
        present[key].add(kind)
    return present


def missing_evidence(
    partnership: Partnership,
    year: int | None = None,
    *,
    organisation: Organisation | None = None,
) -> list[MissingRow]:
    """Every realised contribution and every eligible cost line with a realised amount that
    lacks a kind of evidence it needs (cofinancing/evidence_rules.py), with the kinds it
    lacks. Sorted by year, then contributions by organisation and description, then cost
    lines by category and description.

    `year` narrows to one year; `organisation` to that organisation's contributions (cost
    lines belong to no organisation, so they are left out then). Three queries, however
    many rows."""
    contributions = (
        Contribution.objects.filter(partnership=partnership, status__in=REALISED_AND_UP)
        .select_related("organisation", "activity")
        .order_by("year", "organisation__name", "description", "pk")
    )
    cost_lines = CostLine.objects.filter(
        partnership=partnership, eligible=True, realised_amount__gt=0
    ).order_by("year", "category", "description", "pk")
    if year is not None:
        contributions = contributions.filter(year=year)
        cost_lines = cost_lines.filter(year=year)
    if organisation is not None:
        contributions = contributions.filter(organisation=organisation)
        cost_lines = cost_lines.none()
    present = _present_kinds(partnership=partnership, year=year)
    rows = []
    for contribution in contributions:
        lacking = rules.missing(contribution_needs(contribution), present[("c", contribution.pk)])
        if lacking:
            rows.append(
                MissingRow(
                    contribution.year, contribution.organisation, contribution, None, lacking
                )
            )
    for cost_line in cost_lines:
        lacking = rules.missing(cost_line_needs(cost_line), present[("l", cost_line.pk)])
        if lacking:
            rows.append(MissingRow(cost_line.year, None, None, cost_line, lacking))
    rows.sort(key=lambda row: (row.year, not row.is_contribution))
    return rows


def missing_export_headers() -> list[str]:
    return [
        _("Year"),
        _("Organisation"),
        _("Contribution or cost line"),
        _("Description"),
        _("Kind or category"),
        _("Realised value"),
        _("Missing evidence"),
    ]


MISSING_MONEY_COLUMNS = (5,)


def missing_export_rows(rows: list[MissingRow]):
    for row in rows:
        yield [
            row.year,
            row.organisation.name if row.organisation is not None else "",
            _("Contribution") if row.is_contribution else _("Cost line"),
            row.description,
            row.what,
            row.value,
            ", ".join(row.missing_labels),
        ]
