"""The cofinancing report of a partnership: the threshold check (docs/rules.md §3) as a
JSON-able dict, and the same figures as text for a person.

Amounts are strings with exactly two decimals ("1234.50"), so a reader never meets a binary
fraction; `rate` is the scheme's share as a decimal string ("0.10", "0.075"); `met` is a
boolean. The dict is also what the export's round trip is checked against: exporting a
partnership and importing the workbook elsewhere must give the same report.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from cofinancing.models import Base, Budget, ContributionKind
from cofinancing.selectors.summary import PLEDGED_AND_UP, partnership_summary
from cofinancing.summary import Figures, Summary
from cofinancing.valuation import KINDS
from sterk.money import CENT, ZERO, format_euro

# The amount keys of the period and of each year, in the report's order.
AMOUNT_KEYS = (
    "total_costs",
    "total_funding",
    "subsidy",
    "business_money",
    "business_in_kind",
    "business_total",
    "base_amount",
    "required",
    "shortfall",
)


def amount(value: Decimal) -> str:
    """'1234.50': exactly two decimals, never a float."""
    return str(value.quantize(CENT))


def rate(share: Decimal) -> str:
    """A scheme's share as a decimal string with at least two places: 0.1000 → '0.10',
    0.0750 → '0.075'."""
    text = format(share.normalize(), "f")
    if share.normalize().as_tuple().exponent > -2:
        text = str(share.quantize(CENT))
    return text


def _figures(figures: Figures) -> dict:
    return {
        **{key: amount(getattr(figures, key)) for key in AMOUNT_KEYS},
        "percentage": amount(figures.percentage),
        "met": figures.met,
    }


def report_data(*, partnership, budget: Budget, summary: Summary) -> dict:
    """The summary as one JSON-able dict: the format of `cofinancing_report --format json`."""
    total = _figures(summary.total)
    excluded = sorted(
        (
            {
                "organisation": fact.organisation_name,
                "description": fact.description,
                "value": amount(fact.value),
                "reason": fact.excluded_reason,
            }
            for fact in summary.excluded
        ),
        key=lambda item: (item["organisation"], item["description"], item["value"], item["reason"]),
    )
    return {
        "partnership": partnership.name,
        "scheme": budget.scheme.code,
        "rate": rate(summary.share),
        "base": summary.base,
        **{key: total[key] for key in AMOUNT_KEYS},
        "percentage": total["percentage"],
        "met": total["met"],
        "by_year": {str(year): _figures(summary.by_year[year]) for year in summary.years},
        "by_kind": {kind: amount(summary.by_kind.get(kind, ZERO)) for kind in KINDS},
        "by_organisation": [
            {
                "name": organisation.name,
                "kvk": organisation.kvk_number,
                "counts_as_business": organisation.counts_as_business,
                "total": amount(organisation.total),
            }
            for organisation in summary.by_organisation
        ],
        "excluded": excluded,
        "warnings": [str(warning) for warning in summary.warnings],
    }


def partnership_report(*, partnership, budget: Budget, statuses=PLEDGED_AND_UP) -> dict:
    """The report for the contributions with these statuses; a fixed number of queries."""
    summary = partnership_summary(partnership=partnership, statuses=statuses, budget=budget)
    return report_data(partnership=partnership, budget=budget, summary=summary)


# --- text for a person ---------------------------------------------------------------------


def _labels() -> dict[str, str]:
    return {
        "total_costs": _("Total costs"),
        "total_funding": _("Total funding"),
        "subsidy": _("Subsidy"),
        "business_money": _("Business: money"),
        "business_in_kind": _("Business: in kind"),
        "business_total": _("Business total"),
        "base_amount": _("Base amount"),
        "required": _("Required"),
        "shortfall": _("Shortfall"),
        "percentage": _("Percentage of the base"),
        "met": _("Share met"),
    }


def _kind_labels() -> dict[str, str]:
    return {kind.value: str(kind.label) for kind in ContributionKind}


def _euro(text: str) -> str:
    return format_euro(Decimal(text))


def _cell(key: str, figures: dict) -> str:
    if key == "met":
        return _("yes") if figures["met"] else _("no")
    if key == "percentage":
        return f"{figures['percentage'].replace('.', ',')} %"
    return _euro(figures[key])


def _table(headers: list[str], rows: list[list[str]], *, text_columns=(0,)) -> list[str]:
    """Text columns aligned left, figures right, two spaces between columns."""
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    lines = []
    for row in [headers, *rows]:
        cells = [
            cell.ljust(width) if index in text_columns else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def report_text(data: dict) -> str:
    """The report as aligned text: the settings, the figures per year and for the period,
    by kind, by organisation, the excluded contributions and the warnings."""
    labels = _labels()
    percent = (Decimal(data["rate"]) * 100).normalize()
    lines = [
        f"{_('Partnership')}: {data['partnership']}",
        f"{_('Scheme')}: {data['scheme']} ({format(percent, 'f').replace('.', ',')} %, "
        f"{_('base')}: {dict(Base.choices).get(data['base'], data['base'])})",
        "",
    ]
    years = list(data["by_year"])
    period = {key: data[key] for key in (*AMOUNT_KEYS, "percentage", "met")}
    keys = (*AMOUNT_KEYS, "percentage", "met")
    lines += _table(
        ["", *years, _("Total")],
        [
            [labels[key]]
            + [_cell(key, data["by_year"][year]) for year in years]
            + [_cell(key, period)]
            for key in keys
        ],
    )
    kinds = _kind_labels()
    lines += ["", _("By kind")]
    lines += _table(
        [_("Kind"), _("Amount")],
        [[kinds.get(kind, kind), _euro(value)] for kind, value in data["by_kind"].items()],
    )
    lines += ["", _("By organisation")]
    if data["by_organisation"]:
        lines += _table(
            [_("Organisation"), _("KvK number"), _("Business"), _("Total")],
            [
                [
                    item["name"],
                    item["kvk"],
                    _("yes") if item["counts_as_business"] else _("no"),
                    _euro(item["total"]),
                ]
                for item in data["by_organisation"]
            ],
            text_columns=(0, 1, 2),
        )
    else:
        lines.append(_("No contributions yet."))
    if data["excluded"]:
        lines += ["", _("Not counted (funded by another scheme)")]
        lines += _table(
            [_("Organisation"), _("Description"), _("Value"), _("Reason")],
            [
                [item["organisation"], item["description"], _euro(item["value"]), item["reason"]]
                for item in data["excluded"]
            ],
            text_columns=(0, 1, 3),
        )
    if data["warnings"]:
        lines += ["", _("Warnings")]
        lines += [f"- {warning}" for warning in data["warnings"]]
    return "\n".join(lines)
