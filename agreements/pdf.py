"""The agreement as a PDF (docs/rules.md §12), rendered from a version's snapshot only.

Nothing here touches the database: a version's PDF must show exactly what its snapshot
holds, so it can be rendered again later (or in a task) with the same content. The document
is Dutch, whatever the reader's interface language. WeasyPrint gets its own small print
stylesheet and a URL fetcher that serves only files from the PDF template folder, so a
render never goes over the network (nor to the app itself).
"""

from collections import defaultdict
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from agreements.clauses import article_numbers, render_clause
from sterk.money import ZERO, format_euro
from sterk.printing import PDF_DIR, local_fetcher, stylesheets

STYLESHEET = PDF_DIR / "agreement.css"

# The clause after which each generated part is placed.
GENERATED_AFTER = {
    "parties": "parties",
    "tasks": "tasks",
    "contributions": "contributions",
    "signatures": "signatures",
}


def _money(value) -> str:
    return format_euro(_decimal(value))


def _decimal(value) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else ZERO


def _identifier(party: dict) -> str:
    if party.get("kvk_number"):
        return f"KvK-nummer {party['kvk_number']}"
    if party.get("brin_code"):
        return f"BRIN {party['brin_code']}"
    return "KvK-nummer of BRIN onbekend"


def _address(party: dict) -> str:
    place = " ".join(p for p in (party.get("postal_code"), party.get("city")) if p)
    return ", ".join(p for p in (party.get("address"), place) if p)


def _status_text(item: dict) -> str:
    """ "geleverd" for a realised or certified contribution, "toegezegd" for a promise."""
    delivered = item.get("delivered")
    if delivered is None:  # a snapshot from before the flag
        delivered = item.get("status") in ("realised", "certified")
    return "geleverd" if delivered else "toegezegd"


def _party(party: dict, penvoerder: str | None) -> dict:
    contributions = [
        {
            **item,
            "value_text": _money(item.get("value")),
            "status_text": _status_text(item),
        }
        for item in party.get("contributions") or []
    ]
    return {
        **party,
        "identifier": _identifier(party),
        "address_text": _address(party),
        "is_penvoerder": party.get("key") == penvoerder,
        "signatories": [
            {
                **signatory,
                "proxy_limit_text": _money(signatory["proxy_limit"])
                if signatory.get("proxy_limit") not in (None, "")
                else "",
            }
            for signatory in party.get("signatories") or []
        ],
        "contributions": contributions,
        "total_text": _money(party.get("total")),
    }


def _annex(parties: list[dict]) -> tuple[list[int], list[dict]]:
    """Per company (a party that counts as business) its counted contributions per kind
    per year, with totals; excluded contributions are left out, as in the cofinancing."""
    years = sorted(
        {
            int(item["year"])
            for party in parties
            for item in party["contributions"]
            if party.get("counts_as_business")
        }
    )
    companies = []
    for party in parties:
        if not party.get("counts_as_business"):
            continue
        cells: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        labels: dict[str, str] = {}
        for item in party["contributions"]:
            if item.get("excluded_reason"):
                continue
            cells[item["kind"]][int(item["year"])] += _decimal(item.get("value"))
            labels[item["kind"]] = item.get("kind_label") or item["kind"]
        rows = []
        for kind, per_year in cells.items():
            rows.append(
                {
                    "kind_label": labels[kind],
                    "years": [_money(per_year.get(year, ZERO)) for year in years],
                    "total": _money(sum(per_year.values(), ZERO)),
                }
            )
        total = sum((sum(per_year.values(), ZERO) for per_year in cells.values()), ZERO)
        companies.append({"name": party["name"], "rows": rows, "total": _money(total)})
    return years, companies


def _contributions_per_year(parties: list[dict]) -> tuple[list[int], list[dict]]:
    """Annex 3: per party its contributions per year (excluded ones left out), with totals."""
    years = sorted({int(item["year"]) for party in parties for item in party["contributions"]})
    rows = []
    for party in parties:
        per_year: dict[int, Decimal] = defaultdict(Decimal)
        for item in party["contributions"]:
            if not item.get("excluded_reason"):
                per_year[int(item["year"])] += _decimal(item.get("value"))
        rows.append(
            {
                "name": party["name"],
                "years": [_money(per_year.get(year, ZERO)) for year in years],
                "total": _money(sum(per_year.values(), ZERO)),
            }
        )
    totals = [
        _money(
            sum(
                (
                    _decimal(item.get("value"))
                    for party in parties
                    for item in party["contributions"]
                    if int(item["year"]) == year and not item.get("excluded_reason")
                ),
                ZERO,
            )
        )
        for year in years
    ]
    return years, rows, totals


def _budget(snapshot: dict) -> dict | None:
    """Annex 2: the eligible budget per category per year, and per year the subsidy and the
    business cofinancing from the cofinancing report."""
    budget = snapshot.get("budget")
    if not budget:
        return None
    years = [str(year) for year in budget.get("years") or []]
    by_year = (snapshot.get("cofinancing") or {}).get("by_year") or {}

    def figures(key):
        return [_money((by_year.get(year) or {}).get(key)) for year in years]

    report_total = snapshot.get("cofinancing") or {}
    return {
        "years": years,
        "rows": [
            {
                "label": row["label"],
                "years": [_money(row["by_year"].get(year)) for year in years],
                "total": _money(row["total"]),
            }
            for row in budget.get("rows") or []
        ],
        "total_years": [_money(budget["total_by_year"].get(year)) for year in years],
        "total": _money(budget.get("total")),
        "subsidy": figures("subsidy"),
        "subsidy_total": _money(report_total.get("subsidy")),
        "business": figures("business_total"),
        "business_total": _money(report_total.get("business_total")),
    }


def _cofinancing(snapshot: dict) -> dict | None:
    data = snapshot.get("cofinancing")
    if not data:
        return None
    scheme = snapshot.get("scheme") or {}
    share = scheme.get("share") or data.get("rate")
    share_text = (
        format((_decimal(share) * 100).normalize(), "f").replace(".", ",") + "%" if share else "—"
    )
    return {
        "share": share_text,
        "base_amount": _money(data.get("base_amount")),
        "business_money": _money(data.get("business_money")),
        "business_in_kind": _money(data.get("business_in_kind")),
        "business_total": _money(data.get("business_total")),
        "required": _money(data.get("required")),
        "shortfall": _money(data.get("shortfall")),
        "percentage": (str(data.get("percentage") or "0.00")).replace(".", ",") + "%",
        "met": bool(data.get("met")),
        "excluded": [
            {**item, "value_text": _money(item.get("value"))} for item in data.get("excluded", [])
        ],
    }


def agreement_context(snapshot: dict, *, number: int, snapshot_sha256: str) -> dict:
    """Everything the template shows, from the snapshot alone; UnknownPlaceholder when a
    clause names a placeholder that does not exist."""
    parties = [_party(party, snapshot.get("penvoerder")) for party in snapshot["parties"]]
    clauses = snapshot.get("clauses") or []
    articles = [
        {
            "number": number,
            "key": clause["key"],
            "title": clause["title"],
            "paragraphs": render_clause(clause["text"], snapshot),
        }
        for number, clause in zip(article_numbers(clauses), clauses, strict=True)
    ]
    placed = {article["key"] for article in articles}
    years, companies = _annex(parties)
    contribution_years, contribution_rows, contribution_totals = _contributions_per_year(parties)
    grand_total = sum((_decimal(party.get("total")) for party in snapshot["parties"]), ZERO)
    scheme = snapshot.get("scheme") or {}
    return {
        "partnership": snapshot["partnership"],
        "scheme": scheme,
        "number": number,
        "hash_prefix": snapshot_sha256[:12],
        "parties": parties,
        "penvoerder": next((p for p in parties if p["is_penvoerder"]), None),
        "articles": articles,
        # A generated part whose clause is missing still appears, after the articles.
        "unplaced": {part for part, key in GENERATED_AFTER.items() if key not in placed},
        "grand_total": _money(grand_total),
        "cofinancing": _cofinancing(snapshot),
        "annex_years": years,
        "annex_companies": companies,
        "activities": snapshot.get("activities") or [],
        "budget": _budget(snapshot),
        "contribution_years": contribution_years,
        "contribution_rows": contribution_rows,
        "contribution_totals": contribution_totals,
    }


def render_html(snapshot: dict, *, number: int, snapshot_sha256: str) -> str:
    context = agreement_context(snapshot, number=number, snapshot_sha256=snapshot_sha256)
    with translation.override("nl"):
        return render_to_string("pdf/agreement.html", context)


def render_pdf(snapshot: dict, *, number: int, snapshot_sha256: str) -> bytes:
    """The agreement of this snapshot as a PDF/A-3b document (A4)."""
    from weasyprint import CSS, HTML  # importing WeasyPrint costs ~0.5 s: only when rendering

    html = render_html(snapshot, number=number, snapshot_sha256=snapshot_sha256)
    fetcher = local_fetcher()
    document = HTML(string=html, base_url=PDF_DIR.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=stylesheets(CSS, fetcher, STYLESHEET), pdf_variant="pdf/a-3b"
    )
