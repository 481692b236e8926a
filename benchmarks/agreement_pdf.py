"""Render time of the agreement PDF for 10, 50 and 150 parties.

Not a test: run it by hand, on a quiet machine, and compare seconds per page, which should
stay roughly flat as the number of parties grows:

    .venv/bin/python benchmarks/agreement_pdf.py [--repeat 3]

The snapshots are built in memory (no database), with one signatory, one task and two
contributions per party.
"""

import argparse
import logging
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sterk.settings")

import django  # noqa: E402

django.setup()

from agreements.clauses import DEFAULT_CLAUSES  # noqa: E402
from agreements.pdf import render_pdf  # noqa: E402


def party(index: int) -> dict:
    return {
        "key": f"party-{index}",
        "name": f"Partner {index:03} Techniek en Onderhoud B.V.",
        "kind": "company",
        "kind_label": "Bedrijf",
        "kvk_number": f"{10000000 + index}",
        "brin_code": "",
        "legal_form": "B.V.",
        "address": "Industrieweg 1",
        "postal_code": "7550 AA",
        "city": "Hengelo",
        "counts_as_business": True,
        "signatories": [
            {
                "key": f"signatory-{index}",
                "name": f"Ondertekenaar {index:03}",
                "job_title": "Directeur",
                "email": f"directie{index}@example.nl",
                "authority": "sole",
                "authority_label": "zelfstandig bevoegd",
                "proxy_limit": None,
                "co_signatory": None,
                "evidence_source": "kvk",
                "evidence_reference": "",
                "evidence_date": None,
                "checked_by": None,
                "checked_at": None,
            }
        ],
        "tasks": [
            {
                "activity_code": "guest-lessons",
                "activity_title": "Gastlessen metaal",
                "tasks": "Tien gastlessen per jaar verzorgen.",
                "responsibilities": "Een veilige werkplek en begeleiding.",
            }
        ],
        "contributions": [
            {
                "year": 2025,
                "kind": "labour",
                "kind_label": "Uren",
                "description": "30 gastlessen van 3 uur",
                "status": "confirmed",
                "valuation": "90 uur × € 50,00",
                "value": "4500.00",
                "excluded_reason": "",
            },
            {
                "year": 2026,
                "kind": "money",
                "kind_label": "Geld",
                "description": "Bijdrage",
                "status": "pledged",
                "valuation": "",
                "value": "1000.00",
                "excluded_reason": "",
            },
        ],
        "total": "5500.00",
    }


def snapshot(count: int) -> dict:
    return {
        "schema": 1,
        "partnership": {
            "name": "Regio Twente Techniek",
            "slug": "twente",
            "region": "Twente",
            "start_year": 2025,
            "end_year": 2028,
        },
        "scheme": {
            "code": "sto-2025-2028",
            "name": "STO 2025–2028",
            "share": "0.1000",
            "base": "eligible",
            "default_hourly_rate": "50.00",
        },
        "penvoerder": "party-0",
        "parties": [party(index) for index in range(count)],
        "cofinancing": {
            "rate": "0.10",
            "base_amount": f"{count * 50000}.00",
            "business_money": f"{count * 1000}.00",
            "business_in_kind": f"{count * 4500}.00",
            "business_total": f"{count * 5500}.00",
            "required": f"{count * 5000}.00",
            "shortfall": "0.00",
            "percentage": "11.00",
            "met": True,
            "excluded": [],
        },
        "clauses": [{"key": k, "title": t, "text": x} for k, t, x in DEFAULT_CLAUSES],
        "readiness": {"ready": True, "items": []},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10, 50, 150])
    args = parser.parse_args()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)

    render_pdf(snapshot(1), number=1, snapshot_sha256="0" * 64)  # warm up fonts and imports
    print(f"{'parties':>8} {'pages':>6} {'seconds':>8} {'s/page':>7} {'bytes':>9}")
    for count in args.sizes:
        data = snapshot(count)
        best = None
        for _ in range(args.repeat):
            start = time.perf_counter()
            pdf = render_pdf(data, number=1, snapshot_sha256="0" * 64)
            elapsed = time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
        pages = page_count(pdf)
        print(f"{count:>8} {pages:>6} {best:>8.2f} {best / pages:>7.3f} {len(pdf):>9}")


def page_count(pdf: bytes) -> int:
    """Pages as pdfinfo (poppler) counts them; the page objects sit in compressed streams."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run(  # noqa: S603
            ["pdfinfo", file.name],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        )
    return int(
        next(line.split()[1] for line in info.stdout.splitlines() if line.startswith("Pages:"))
    )


if __name__ == "__main__":
    main()
