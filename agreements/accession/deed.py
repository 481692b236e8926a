"""The deed's content, frozen as a snapshot when it is made, and its PDF rendered from that
snapshot only (like a version of the agreement, docs/rules.md §12, §25). The document is
Dutch whatever the reader's language."""

from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from agreements.clauses import article_numbers
from agreements.pdf import _address, _identifier, _money
from sterk.printing import PDF_DIR, local_fetcher, stylesheets

STYLESHEET = PDF_DIR / "agreement.css"
SCHEMA = 1


def _article(version_snapshot: dict, key: str) -> dict:
    """The number and title of the version's article with `key` ({} when it has none)."""
    clauses = version_snapshot.get("clauses") or []
    for number, clause in zip(article_numbers(clauses), clauses, strict=True):
        if clause.get("key") == key and number:
            return {"number": number, "title": clause.get("title") or ""}
    return {}


def deed_snapshot(*, version, signed_round, joining: dict, penvoerder: dict, number: int) -> dict:
    """Everything the deed shows, as plain data: the agreement acceded to (its version, its
    sealed PDF's SHA-256 and when everyone signed it), the joining party as the agreement
    would print it (tasks, contributions, signatories) and the penvoerder with its signers."""
    partnership = version.snapshot.get("partnership") or {}
    completed = signed_round.completed_at
    return {
        "schema": SCHEMA,
        "number": number,
        "partnership": {
            key: partnership.get(key)
            for key in ("name", "slug", "region", "start_year", "end_year")
        },
        "scheme": (version.snapshot.get("scheme") or {}).get("name") or "",
        "agreement": {
            "version": version.number,
            "snapshot_sha256": version.snapshot_sha256,
            "sealed_sha256": signed_round.final_pdf_sha256 or "",
            "signed_on": timezone.localdate(completed).isoformat() if completed else "",
            "accession_article": _article(version.snapshot, "joining"),
            "party_count": len(version.snapshot.get("parties") or []),
        },
        "joining": joining,
        "penvoerder": penvoerder,
    }


def title_of(snapshot: dict) -> str:
    name = (snapshot.get("joining") or {}).get("name") or ""
    partnership = (snapshot.get("partnership") or {}).get("name") or ""
    return f"Toetredingsverklaring {name} tot de samenwerkingsovereenkomst {partnership}"


def _party(party: dict) -> dict:
    return {**party, "identifier": _identifier(party), "address_text": _address(party)}


def deed_context(snapshot: dict, *, snapshot_sha256: str) -> dict:
    joining = _party(snapshot["joining"])
    years: dict[int, list] = {}
    for item in joining.get("contributions") or []:
        years.setdefault(int(item["year"]), []).append(
            {**item, "value_text": _money(item.get("value"))}
        )
    contribution_years = [
        {
            "year": year,
            "items": items,
            "total": _money(sum((Decimal(i.get("value") or "0") for i in items), Decimal(0))),
        }
        for year, items in sorted(years.items())
    ]
    agreement = snapshot["agreement"]
    signed_on = agreement.get("signed_on")
    with translation.override("nl"):
        signed_text = (
            formats.date_format(timezone.datetime.fromisoformat(signed_on).date(), "j F Y")
            if signed_on
            else ""
        )
    return {
        "title": title_of(snapshot),
        "snapshot": snapshot,
        "partnership": snapshot["partnership"],
        "agreement": agreement,
        "signed_text": signed_text,
        "joining": joining,
        "penvoerder": _party(snapshot["penvoerder"]),
        "signing_parties": [snapshot["joining"], snapshot["penvoerder"]],
        "contribution_years": contribution_years,
        "total_text": _money(joining.get("total")),
        "hash_prefix": snapshot_sha256[:12],
    }


def render_html(snapshot: dict, *, snapshot_sha256: str) -> str:
    with translation.override("nl"):
        return render_to_string(
            "pdf/accession.html", deed_context(snapshot, snapshot_sha256=snapshot_sha256)
        )


def render_pdf(snapshot: dict, *, snapshot_sha256: str) -> bytes:
    from weasyprint import CSS, HTML  # importing WeasyPrint costs ~0.5 s: only when rendering

    html = render_html(snapshot, snapshot_sha256=snapshot_sha256)
    fetcher = local_fetcher()
    document = HTML(string=html, base_url=PDF_DIR.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=stylesheets(CSS, fetcher, STYLESHEET), pdf_variant="pdf/a-3b"
    )
