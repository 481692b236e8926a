"""The activity plan and budget of a two-year block (docs/rules.md §22), as a workbook.

Two sheets:

- "Begroting en financiering": the regulation's shape. Per cost category its cost lines
  (price × quantity, the amount in the column of its year) with a subtotal per category and
  year; the in-kind contributions per kind; the total costs; the funding lines per source;
  the contributions in money and in kind, of business and of the other partners; the total
  funding and the balance. Contributions count from pledged up; lines funded by another
  scheme are listed apart and count nowhere, as in the threshold check (§3, §8).
- "Activiteitenplan": per goal the activities serving it (code in natural order, title,
  form of cooperation, lead, participants, status) with their planned hours: the hours of
  their labour contributions, pledged and up, per year of the block.

Every figure comes from the same facts as the summary (cofinancing.selectors.summary), so
the totals are the summary's to the cent. A fixed number of queries, however many rows.
"""

from collections import defaultdict
from decimal import Decimal
from io import BytesIO

from django.db.models import Sum
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from activities.models import Activity, ActivityStatus, Goal
from cofinancing.exporter import PERCENT_FORMAT, SHARE_FORMAT
from cofinancing.models import (
    PLEDGED_AND_UP,
    Budget,
    ContributionKind,
    CostCategory,
    CostLine,
    FundingSource,
)
from cofinancing.models import Contribution as ContributionModel
from cofinancing.reports.blocks import Block, natural_key
from cofinancing.selectors.summary import ThresholdFacts, threshold_facts
from cofinancing.summary import Summary, summarize
from cofinancing.valuation import IN_KIND, LABOUR, MONEY
from sterk.money import ZERO
from sterk.xlsx import SheetWriter

BUDGET_SHEET = "Begroting en financiering"
PLAN_SHEET = "Activiteitenplan"
QUANTITY_FORMAT = "#,##0.00"
# Columns of the budget sheet before the years: description, activity, price, quantity.
LEAD_COLUMNS = 4


def plan_filename(partnership, block: Block) -> str:
    return f"activiteitenplan-begroting-{partnership.slug}-{block.slug}.xlsx"


def block_summary(facts: ThresholdFacts, block: Block) -> Summary:
    """The summary's rules applied to the facts of the block's years only: its figures per
    year are the period summary's, and its total is the block's."""
    years = set(block.years)
    return summarize(
        share=facts.share,
        base=facts.base,
        years=block.years,
        contributions=[c for c in facts.contributions if c.year in years],
        cost_lines=[line for line in facts.cost_lines if line.year in years],
        funding_lines=[line for line in facts.funding_lines if line.year in years],
        machine_facts=[c for c in facts.machine_facts if c.year in years],
        excluded_costs=[line for line in facts.excluded_costs if line.year in years],
    )


def plan_workbook(*, partnership, budget: Budget, block: Block) -> bytes:
    """The workbook as bytes; twelve queries, whatever the number of rows."""
    facts = threshold_facts(budget=budget, statuses=PLEDGED_AND_UP)
    summary = block_summary(facts, block)
    cost_lines = list(
        CostLine.objects.filter(partnership=partnership, year__in=block.years)
        .select_related("activity")
        .order_by("year", "description", "pk")
    )
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet = SheetWriter(workbook.create_sheet(BUDGET_SHEET))
    _budget_sheet(sheet, partnership, budget, block, facts, summary, cost_lines)
    _plan_sheet(SheetWriter(workbook.create_sheet(PLAN_SHEET)), partnership, block)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Begroting en financiering -------------------------------------------------------------


def _title(sheet: SheetWriter, text: str) -> None:
    row = sheet.append([text])
    sheet.sheet.cell(row=row, column=1).font = Font(bold=True, size=14)


def _budget_sheet(sheet, partnership, budget, block, facts, summary, cost_lines) -> None:
    years = block.years
    scheme = budget.scheme
    _title(
        sheet,
        _("Activity plan and budget %(block)s of %(name)s")
        % {"block": block.label, "name": partnership.name},
    )
    sheet.append(
        [
            _("Scheme: %(scheme)s (%(first)s–%(last)s), base of the share: %(base)s.")
            % {
                "scheme": scheme.name,
                "first": scheme.start_year,
                "last": scheme.end_year,
                "base": scheme.get_base_display(),
            }
        ],
    )
    sheet.append(
        [
            _(
                "Every cost line is price × quantity. Contributions count from pledged up; "
                "in-kind contributions count as costs and as funding, money contributions as "
                "funding. Lines funded by another scheme are listed apart and count nowhere."
            )
        ],
    )
    sheet.blank()
    header = [_("Item"), _("Activity"), _("Price"), _("Quantity"), *years, _("Total")]
    header_row = sheet.append(header, bold=True)

    def row(label, per_year: dict, *, bold=False):
        cells = [per_year.get(year, ZERO) for year in years]
        sheet.append([label, None, None, None, *cells, sum(cells, ZERO)], bold=bold, money_from=3)

    # Costs: the lines per category, then the in-kind contributions per kind.
    sheet.append([_("Costs")], bold=True)
    counted = [line for line in cost_lines if line.eligible and not line.excluded_reason]
    by_category = defaultdict(list)
    for line in counted:
        by_category[line.category].append(line)
    for category in CostCategory:
        sheet.append([str(category.label)], bold=True)
        subtotal: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for line in by_category[category.value]:
            subtotal[line.year] += line.amount
            cells = [line.amount if year == line.year else None for year in years]
            number = sheet.append(
                [
                    line.description,
                    line.activity.short_code if line.activity else None,
                    line.unit_price,
                    line.quantity,
                    *cells,
                    line.amount,
                ],
                money_from=3,
            )
            sheet.formats(number, {4: QUANTITY_FORMAT})
        row(_("Subtotal %(category)s") % {"category": category.label}, subtotal, bold=True)
    kinds = {kind.value: kind.label for kind in ContributionKind}
    contributions = [c for c in facts.contributions if not c.excluded_reason and c.year in years]
    sheet.append([_("In-kind contributions")], bold=True)
    for kind in IN_KIND:
        row(str(kinds[kind]), _per_year(c for c in contributions if c.kind == kind))
    row(
        _("Subtotal in-kind contributions"),
        _per_year(c for c in contributions if c.kind in IN_KIND),
        bold=True,
    )
    figures = {year: summary.by_year[year] for year in years}
    row(_("Total costs"), {y: f.total_costs for y, f in figures.items()}, bold=True)
    sheet.blank()

    # Funding: the lines per source, then the contributions in money and in kind.
    sheet.append([_("Funding")], bold=True)
    for source in FundingSource:
        row(
            str(source.label),
            _per_year((f for f in facts.funding_lines if f.source == source.value), "amount"),
        )
    business = [c for c in contributions if c.counts_as_business]
    others = [c for c in contributions if not c.counts_as_business]
    for label, items, kinds_ in (
        (_("Business cofinancing: money"), business, (MONEY,)),
        (_("Business cofinancing: in kind"), business, IN_KIND),
        (_("Other partners: money"), others, (MONEY,)),
        (_("Other partners: in kind"), others, IN_KIND),
    ):
        row(label, _per_year(c for c in items if c.kind in kinds_))
    row(_("Total funding"), {y: f.total_funding for y, f in figures.items()}, bold=True)
    sheet.blank()
    row(_("Balance (funding − costs)"), {y: f.balance for y, f in figures.items()}, bold=True)
    sheet.blank()
    _share(sheet, summary, years)
    _excluded(sheet, cost_lines, facts, years)
    sheet.widths(46, 14, LEAD_COLUMNS + len(years) + 1)
    sheet.sheet.column_dimensions["B"].width = 12
    sheet.sheet.freeze_panes = sheet.sheet.cell(row=header_row + 1, column=2)


def _per_year(items, attribute="value") -> dict[int, Decimal]:
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for item in items:
        totals[item.year] += getattr(item, attribute)
    return totals


def _share(sheet, summary: Summary, years: list[int]) -> None:
    """The business share of the block, for information: it is checked over the period."""
    sheet.append([_("Business share (for information; checked over the whole period)")], bold=True)
    figures = [summary.by_year[year] for year in years] + [summary.total]
    for label, key, number_format in (
        (_("Base amount"), "base_amount", None),
        (_("Share required"), "share", SHARE_FORMAT),
        (_("Required"), "required", None),
        (_("Business total"), "business_total", None),
        (_("Percentage of the base"), "percentage", PERCENT_FORMAT),
    ):
        if key == "share":
            cells = [summary.share] * len(figures)
        elif key == "percentage":
            cells = [f.percentage / 100 for f in figures]
        else:
            cells = [getattr(f, key) for f in figures]
        sheet.append(
            [label, None, None, None, *cells],
            money_from=LEAD_COLUMNS + 1,
            number_format=number_format,
        )
    sheet.blank()


def _excluded(sheet, cost_lines, facts: ThresholdFacts, years: list[int]) -> None:
    """Lines funded by another scheme or not eligible, with the reason; they count nowhere
    above."""
    lines = [line for line in cost_lines if line.excluded_reason or not line.eligible]
    contributions = [c for c in facts.contributions if c.excluded_reason and c.year in years]
    if not lines and not contributions:
        return
    sheet.append([_("Not counted (funded by another scheme, or not eligible)")], bold=True)
    sheet.append([_("Item"), _("Reason"), None, None, _("Year"), _("Amount")], bold=True)
    for line in lines:
        sheet.append(
            [
                line.description,
                line.excluded_reason or str(line.get_ineligible_reason_display()),
                None,
                None,
                line.year,
                line.amount,
            ],
            money_from=LEAD_COLUMNS + 2,
        )
    for c in contributions:
        sheet.append(
            [
                f"{c.organisation_name}: {c.description}",
                c.excluded_reason,
                None,
                None,
                c.year,
                c.value,
            ],
            money_from=LEAD_COLUMNS + 2,
        )


# --- Activiteitenplan ----------------------------------------------------------------------


def _in_block(activity: Activity, block: Block, hours: dict) -> bool:
    """Not cancelled, and running in the block by its dates (an open date is open), or with
    planned hours in it."""
    if activity.status == ActivityStatus.CANCELLED:
        return False
    starts = activity.start_date is None or activity.start_date.year <= block.last
    ends = activity.end_date is None or activity.end_date.year >= block.first
    return (starts and ends) or activity.pk in hours


def planned_hours(*, partnership, block: Block) -> dict[int, dict[int, Decimal]]:
    """{activity id: {year: hours}}: the hours of its labour contributions pledged and up,
    also those another scheme pays for (the work is planned all the same)."""
    rows = (
        ContributionModel.objects.filter(
            partnership=partnership,
            kind=LABOUR,
            status__in=PLEDGED_AND_UP,
            year__in=block.years,
            activity__isnull=False,
        )
        .values("activity_id", "year")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    hours: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for item in rows:
        hours[item["activity_id"]][item["year"]] = item["total"] or ZERO
    return hours


def _plan_sheet(sheet, partnership, block: Block) -> None:
    years = block.years
    hours = planned_hours(partnership=partnership, block=block)
    activities = sorted(
        (
            activity
            for activity in Activity.objects.filter(partnership=partnership)
            .select_related("lead_organisation")
            .prefetch_related("goals", "participants__organisation")
            if _in_block(activity, block, hours)
        ),
        key=lambda a: (natural_key(a.short_code), a.pk),
    )
    goals = list(Goal.objects.filter(partnership=partnership).order_by("title", "pk"))
    _title(
        sheet,
        _("Activity plan %(block)s of %(name)s") % {"block": block.label, "name": partnership.name},
    )
    sheet.append(
        [
            _(
                "Per goal the activities serving it; an activity serving two goals is listed "
                "under both. Planned hours: the hours of its labour contributions, pledged and "
                "up, in the block."
            )
        ],
    )
    sheet.blank()
    header = [
        _("Code"),
        _("Activity"),
        _("Form of cooperation"),
        _("Lead organisation"),
        _("Participants"),
        _("Status"),
        *[_("Hours %(year)s") % {"year": year} for year in years],
        _("Planned hours"),
    ]
    header_row = sheet.append(header, bold=True)
    groups = [(goal, [a for a in activities if goal in a.goals.all()]) for goal in goals]
    groups.append((None, [a for a in activities if not a.goals.all()]))
    for goal, items in groups:
        if goal is None and not items:
            continue
        if goal is None:
            sheet.append([_("Without a goal")], bold=True)
        else:
            sheet.append([_("Goal: %(title)s") % {"title": goal.title}], bold=True)
            if goal.indicator:
                sheet.append([_goal_measure(goal)])
        for activity in items:
            _activity_row(sheet, activity, years, hours.get(activity.pk, {}))
        if not items:
            sheet.append([_("No activities in this block.")])
        sheet.blank()
    total = [sum((hours.get(a.pk, {}).get(y, ZERO) for a in activities), ZERO) for y in years]
    row = sheet.append(
        [_("Total (every activity once)"), None, None, None, None, None, *total, sum(total, ZERO)],
        bold=True,
    )
    _hours_format(sheet, row, years)
    sheet.widths(10, 12, 6 + len(years) + 1)
    for letter, width in zip("BCDE", (40, 34, 28, 40), strict=True):
        sheet.sheet.column_dimensions[letter].width = width
    sheet.sheet.freeze_panes = sheet.sheet.cell(row=header_row + 1, column=3)


def _goal_measure(goal: Goal) -> str:
    if goal.target_value is None:
        return _("Indicator: %(indicator)s") % {"indicator": goal.indicator}
    return _("Indicator: %(indicator)s; target %(target)s %(unit)s") % {
        "indicator": goal.indicator,
        "target": f"{goal.target_value.normalize():f}".replace(".", ","),
        "unit": goal.unit,
    }


def _activity_row(sheet, activity: Activity, years: list[int], hours: dict) -> None:
    cells = [hours.get(year, ZERO) for year in years]
    participants = sorted(
        (p.organisation.name for p in activity.participants.all()), key=str.casefold
    )
    lead = activity.lead_organisation
    row = sheet.append(
        [
            activity.short_code,
            activity.title,
            activity.get_form_display(),
            lead.name if lead else None,
            ", ".join(participants) or None,
            activity.get_status_display(),
            *cells,
            sum(cells, ZERO),
        ],
    )
    _hours_format(sheet, row, years)


def _hours_format(sheet: SheetWriter, row: int, years: list[int]) -> None:
    sheet.formats(row, {7 + index: QUANTITY_FORMAT for index in range(len(years) + 1)})
