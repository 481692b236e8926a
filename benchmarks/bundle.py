"""Time and peak memory of building the accountant's bundle (docs/rules.md §24).

Not a test: run it by hand against a database that is migrated (SQLite by default, or
DATABASE_URL), on a quiet machine:

    .venv/bin/python benchmarks/bundle.py [--contributions 2000] [--megabytes 500]

It makes a throwaway partnership inside a transaction that is rolled back at the end: the
contributions with bulk_create, half of them realised with an evidence file each, the
files in a temporary media folder (sparse: a random first block, then a hole, so 500 MB
cost no disk and no time to make, but are read and hashed in full). It builds the bundle of
the period into a temporary file and prints one Markdown table row: the data, the time, the
ZIP's size, and the process's peak resident memory (resource.getrusage) before and after.
Files are streamed into the ZIP, so the peak should not grow with the evidence (< 200 MB).
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from decimal import Decimal as D
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sterk.settings")
MEDIA = tempfile.TemporaryDirectory(prefix="sterk-bundle-bench-")
os.environ["MEDIA_ROOT"] = MEDIA.name

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from bundle.building import bundle_write  # noqa: E402
from cofinancing.models import Budget, Contribution, Evidence, Scheme  # noqa: E402
from cofinancing.schemes import ensure_schemes  # noqa: E402
from partners.models import Organisation, Partnership  # noqa: E402

BLOCK = 4096


class Rollback(Exception):
    pass


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def sparse_file(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(os.urandom(min(BLOCK, size)))
        handle.truncate(size)


def make_region(contributions: int, megabytes: int) -> tuple[Partnership, int]:
    ensure_schemes()
    stamp = int(time.time())
    partnership = Partnership.objects.create(
        name=f"Benchmark bundel {stamp}",
        slug=f"bench-bundle-{stamp}",
        region="Benchmark",
        start_year=2025,
        end_year=2028,
    )
    Budget.objects.create(partnership=partnership, scheme=Scheme.objects.get(code="sto-2025-2028"))
    companies = Organisation.objects.bulk_create(
        Organisation(partnership=partnership, name=f"Bedrijf {n:03d} B.V.", kind="company")
        for n in range(40)
    )
    Contribution.objects.bulk_create(
        Contribution(
            partnership=partnership,
            organisation=companies[n % len(companies)],
            year=2025 + n % 4,
            kind="labour",
            description=f"Gastlessen {n}",
            hours=D("2"),
            value=D("100.00"),
            status="realised" if n % 2 else "pledged",
            realised_value=D("90.00") if n % 2 else None,
        )
        for n in range(contributions)
    )
    realised = list(Contribution.objects.filter(partnership=partnership, status="realised"))
    size = megabytes * 1024 * 1024 // max(1, len(realised))
    evidence = []
    for n, contribution in enumerate(realised):
        name = f"evidence/{partnership.pk}/bench-{n}"
        sparse_file(Path(MEDIA.name) / name, size)
        evidence.append(
            Evidence(
                partnership=partnership,
                contribution=contribution,
                kind="hours_statement",
                file=name,
                name=f"urenstaat {n}.pdf",
                content_type="application/pdf",
                size=size,
                sha256="0" * 64,  # not the real hash: listed CHANGED, copied all the same
            )
        )
    Evidence.objects.bulk_create(evidence)
    return partnership, len(evidence)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contributions", type=int, default=2000)
    parser.add_argument("--megabytes", type=int, default=500)
    options = parser.parse_args()
    with scopes_disabled():
        try:
            with transaction.atomic():
                partnership, files = make_region(options.contributions, options.megabytes)
                before = peak_mb()
                started = time.perf_counter()
                with tempfile.TemporaryFile() as target:
                    bundle_write(partnership=partnership, year=None, target=target)
                    zip_size = target.tell()
                seconds = time.perf_counter() - started
                raise Rollback
        except Rollback:
            pass
    print(
        "| contributions | evidence files | evidence | time | ZIP | peak RSS before | peak RSS after |"
    )
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {options.contributions:,} | {files:,} | {options.megabytes} MB "
        f"| {seconds:.1f} s | {zip_size / 1024 / 1024:.0f} MB | {before:.0f} MB "
        f"| {peak_mb():.0f} MB |"
    )
    MEDIA.cleanup()


if __name__ == "__main__":
    main()
