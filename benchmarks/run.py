"""`make bench`: Sterk measured side by side with what it is compared to, in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sterk_bench .venv/bin/python -m benchmarks.run

Builds (once; kept for the next run) a region "bench" of 2,000 organisations with two
contributions each, 200 activities and 2,000 contact moments on DATABASE_URL (PostgreSQL
recommended; without it a SQLite file in var/ with a warning), then measures, alternating
the two sides of every comparison round by round so drift hits both alike:

- the organisations list and the contributions list against the Django admin changelist of
  the same rows (the same partnership), as the same user (a superuser who leads the region),
  in process with Django's test client; goal ≤ 1.0×;
- dashboard throughput against benchmarks/reference.py (ten simple queries), both served by
  the same gunicorn with 2 workers, loaded by 4 client threads; goal ≥ 0.6×;
- the agreement PDF for 10, 50 and 150 parties against WeasyPrint alone on the same HTML and
  CSS (both PDF/A-3b); goal ≤ 1.2×;
- sealing the 50-party PDF; verifying a sealed PDF of 2 and of 50 signers;
- importing 5,000 contribution rows (time, queries), rolled back.

It runs with DEBUG off, as in production (static files collected into var/bench-static), and
writes benchmarks/results/<date>-<database>.md and .json. Measure on a quiet machine.
"""

import argparse
import datetime
import io
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results"
STATIC = ROOT / "var" / "bench-static"
from benchmarks.region_names import SLUG  # noqa: E402


def environment() -> dict:
    """The settings of the whole run (this process and gunicorn): production-like."""
    env = {
        "DJANGO_SETTINGS_MODULE": "sterk.settings",
        "DEBUG": "0",
        "BENCHMARK": "1",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-" + "x" * 50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "STATIC_ROOT": str(STATIC),
        "LOG_LEVEL": "ERROR",
    }
    if not os.environ.get("DATABASE_URL"):
        print(
            "WARNING: DATABASE_URL is not set; measuring on SQLite (var/bench.sqlite3). "
            "PostgreSQL is what production runs: set DATABASE_URL for figures that count.",
            file=sys.stderr,
        )
        (ROOT / "var").mkdir(exist_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    return env


os.environ.update(environment())

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def ratio(ours: float, theirs: float) -> float:
    return round(ours / theirs, 2) if theirs else float("nan")


# The region -----------------------------------------------------------------------------


def pages_against_admin(partnership, user, rounds: int) -> list[dict]:
    client = Client()
    client.force_login(user)
    admin = "/" + settings.ADMIN_URL_PREFIX
    pairs = [
        (
            "Organisations list vs admin changelist",
            f"/p/{SLUG}/partners/",
            f"{admin}partners/organisation/?partnership__id__exact={partnership.pk}",
        ),
        (
            "Contributions list vs admin changelist",
            f"/p/{SLUG}/cofinancing/contributions/",
            f"{admin}cofinancing/contribution/?partnership__id__exact={partnership.pk}",
        ),
    ]
    rows = []
    for label, ours, theirs in pairs:
        times = {ours: [], theirs: []}
        sizes, queries = {}, {}
        for url in (ours, theirs):  # warm up, and check both answer
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            sizes[url], queries[url] = len(response.content), len(captured)
        for index in range(rounds):
            for url in (ours, theirs) if index % 2 == 0 else (theirs, ours):
                start = time.perf_counter()
                client.get(url)
                times[url].append(time.perf_counter() - start)
        a, b = median_ms(times[ours]), median_ms(times[theirs])
        rows.append(
            {
                "measure": label,
                "sterk": f"{a} ms ({sizes[ours] // 1024} KB, {queries[ours]} queries)",
                "reference": f"{b} ms ({sizes[theirs] // 1024} KB, {queries[theirs]} queries)",
                "ratio": ratio(a, b),
                "goal": "≤ 1.0×",
                "met": ratio(a, b) <= 1.0,
            }
        )
    return rows


# Dashboard throughput under gunicorn ----------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load(port: int, path: str, cookie: str, seconds: float, threads: int) -> tuple[int, int]:
    """Requests answered 200 (and others) by `threads` keep-alive clients in `seconds`."""
    done, failed = [0], [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker():
        conn = HTTPConnection("127.0.0.1", port, timeout=30)
        ok = bad = 0
        while time.perf_counter() < stop:
            conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                ok += 1
            else:
                bad += 1
        conn.close()
        with lock:
            done[0] += ok
            failed[0] += bad

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return done[0], failed[0]


def dashboard_throughput(user, rounds: int, seconds: float) -> list[dict]:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    cookie = f"{name}={client.cookies[name].value}"
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [str(Path(sys.executable).parent / "gunicorn"), "sterk.wsgi:application",
         "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=os.environ.copy(),
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                conn = HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        paths = {"dashboard": f"/p/{SLUG}/", "reference": f"/bench/reference/{SLUG}/"}
        for path in paths.values():  # warm up both workers
            ok, bad = load(port, path, cookie, 1.0, 4)
            if not ok or bad:
                raise RuntimeError(f"{path} answered {bad} errors under gunicorn")
        totals = {name: 0 for name in paths}
        for index in range(rounds):
            order = list(paths) if index % 2 == 0 else list(reversed(paths))
            for name in order:
                totals[name] += load(port, paths[name], cookie, seconds, 4)[0]
    finally:
        server.terminate()
        server.wait(timeout=30)
    elapsed = rounds * seconds
    ours, theirs = totals["dashboard"] / elapsed, totals["reference"] / elapsed
    return [
        {
            "measure": "Dashboard throughput vs reference view (10 queries), gunicorn 2 workers",
            "sterk": f"{ours:.1f} req/s",
            "reference": f"{theirs:.1f} req/s",
            "ratio": ratio(ours, theirs),
            "goal": "≥ 0.6×",
            "met": ratio(ours, theirs) >= 0.6,
        }
    ]


# PDF, seal and verification -------------------------------------------------------------


def agreement_pdfs(rounds: int) -> tuple[list[dict], bytes]:
    from weasyprint import CSS, HTML

    from agreements.pdf import PDF_DIR, STYLESHEET, render_html, render_pdf
    from benchmarks.agreement_pdf import snapshot
    from sterk.printing import local_fetcher, stylesheets

    def weasyprint_alone(html: str) -> bytes:
        fetcher = local_fetcher()
        document = HTML(string=html, base_url=PDF_DIR.as_uri() + "/", url_fetcher=fetcher)
        return document.write_pdf(
            stylesheets=stylesheets(CSS, fetcher, STYLESHEET), pdf_variant="pdf/a-3b"
        )

    render_pdf(snapshot(1), number=1, snapshot_sha256="0" * 64)  # fonts and imports
    rows, pdf50 = [], b""
    for parties in (10, 50, 150):
        data = snapshot(parties)
        html = render_html(data, number=1, snapshot_sha256="0" * 64)
        times = {"sterk": [], "weasyprint": []}
        for index in range(rounds):
            sides = ["sterk", "weasyprint"] if index % 2 == 0 else ["weasyprint", "sterk"]
            for side in sides:
                start = time.perf_counter()
                if side == "sterk":
                    pdf = render_pdf(data, number=1, snapshot_sha256="0" * 64)
                else:
                    weasyprint_alone(html)
                times[side].append(time.perf_counter() - start)
        if parties == 50:
            pdf50 = pdf
        a, b = median_ms(times["sterk"]), median_ms(times["weasyprint"])
        rows.append(
            {
                "measure": f"Agreement PDF, {parties} parties, vs WeasyPrint alone",
                "sterk": f"{a} ms",
                "reference": f"{b} ms",
                "ratio": ratio(a, b),
                "goal": "≤ 1.2×",
                "met": ratio(a, b) <= 1.2,
            }
        )
    return rows, pdf50


def seal_and_verify(partnership, user, pdf: bytes, rounds: int) -> list[dict]:
    """The seal of the 50-party PDF, then the public verification of a sealed PDF that the
    records know, with 2 and with 50 signed signers (rolled back)."""
    import hashlib

    from django.utils import timezone

    from signing.models import RequestStatus, SignatureRequest, SigningRound
    from signing.sealing import seal_pdf
    from signing.verification import verify_upload
    from tests.factories import send_round, signing_version

    seal_times = []
    for _ in range(rounds):
        start = time.perf_counter()
        sealed = seal_pdf(pdf)
        seal_times.append(time.perf_counter() - start)
    rows = [
        {
            "measure": "Seal of the 50-party agreement PDF (PAdES, no timestamp server)",
            "sterk": f"{median_ms(seal_times)} ms",
            "reference": "",
            "ratio": "",
            "goal": "",
            "met": None,
        }
    ]

    class Rollback(Exception):
        pass

    for signers in (2, 50):
        try:
            with scopes_disabled(), transaction.atomic():
                version = signing_version(partnership, parties=signers, real_pdf=True)
                signing_round = send_round(version, user)
                SignatureRequest.objects.filter(round=signing_round).update(
                    status=RequestStatus.SIGNED, signed_at=timezone.now()
                )
                SigningRound.objects.filter(pk=signing_round.pk).update(
                    final_pdf_sha256=hashlib.sha256(sealed).hexdigest()
                )
                times, verdict = [], None
                for _ in range(rounds):
                    with CaptureQueriesContext(connection) as captured:
                        start = time.perf_counter()
                        verdict = verify_upload(sealed)
                        times.append(time.perf_counter() - start)
                rows.append(
                    {
                        "measure": f"Verification of a sealed PDF, {signers} signers",
                        "sterk": f"{median_ms(times)} ms ({len(captured)} queries, "
                        f"{len(verdict.signatures)} signatures shown)",
                        "reference": "",
                        "ratio": "",
                        "goal": "",
                        "met": None,
                    }
                )
                raise Rollback
        except Rollback:
            pass
        except Exception as error:  # noqa: BLE001 - a row that says why, not a crash
            rows.append(not_measured(f"Verification, {signers} signers", error))
    return rows


def not_measured(measure: str, error: Exception) -> dict:
    return {
        "measure": measure,
        "sterk": f"not measured: {type(error).__name__}: {str(error)[:120]}",
        "reference": "",
        "ratio": "",
        "goal": "",
        "met": None,
    }


# Import ---------------------------------------------------------------------------------


def import_rows(user, count: int) -> list[dict]:
    """Import a workbook of `count` labour contributions into a new region, rolled back."""
    from cofinancing.importer import import_workbook
    from tests.fixtures_xlsx import PARTNERSHIP, contribution_rows, workbook

    book = workbook(
        partnership={**PARTNERSHIP, "Naam": "Regio Import"},
        rows={"Bijdragen": contribution_rows(count)},
        as_bytes=True,
    )

    class Rollback(Exception):
        pass

    try:
        with scopes_disabled(), transaction.atomic():
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                result = import_workbook(io.BytesIO(book), partnership="bench-import", user=user)
                elapsed = time.perf_counter() - start
            if result.errors:
                raise RuntimeError(f"import refused: {result.errors[:3]}")
            raise Rollback
    except Rollback:
        pass
    return [
        {
            "measure": f"Import of {count:,} contribution rows (new region, rolled back)",
            "sterk": f"{elapsed:.2f} s ({len(captured)} queries)",
            "reference": "",
            "ratio": "",
            "goal": "",
            "met": None,
        }
    ]


# Report ---------------------------------------------------------------------------------


def machine() -> dict:
    vendor = connection.vendor
    version = ".".join(str(part) for part in connection.Database.__version__.split()[:1])
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        version = f"SQLite {connection.Database.sqlite_version}"
    return {
        "cores": os.cpu_count(),
        "nproc": len(os.sched_getaffinity(0)),  # what `nproc` prints
        "machine": platform.machine(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": version,
    }


def markdown(meta: dict, rows: list[dict]) -> str:
    m = meta["machine"]
    lines = [
        f"# Benchmark {meta['date']}",
        "",
        f"Machine: {m['nproc']} cores ({m['machine']}), {m['system']}, Python {m['python']}, "
        f"Django {m['django']}, {m['database']}. Region: {meta['organisations']:,} "
        f"organisations, {meta['contributions']:,} contributions, {meta['activities']:,} "
        f"activities, {meta['interactions']:,} contact moments. DEBUG off.",
        "",
        "| Measure | Sterk | Reference | Ratio | Goal | Met |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        met = {True: "yes", False: "**no**", None: ""}[row["met"]]
        ratio_text = f"{row['ratio']}×" if row["ratio"] != "" else ""
        lines.append(
            f"| {row['measure']} | {row['sterk']} | {row['reference']} | {ratio_text} "
            f"| {row['goal']} | {met} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    from benchmarks.region import build_region

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=9, help="alternating rounds per page")
    parser.add_argument("--pdf-rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0, help="per throughput slice")
    parser.add_argument("--throughput-rounds", type=int, default=4)
    parser.add_argument("--import-rows", type=int, default=5000)
    parser.add_argument(
        "--only",
        choices=["lists", "dashboard", "pdf", "import"],
        action="append",
        help="measure only these (repeatable); the results file then holds only them",
    )
    args = parser.parse_args()
    wanted = set(args.only or ["lists", "dashboard", "pdf", "import"])

    call_command("migrate", verbosity=0, interactive=False)
    print("collecting static files …", file=sys.stderr)
    shutil.rmtree(STATIC, ignore_errors=True)
    call_command("collectstatic", verbosity=0, interactive=False)
    print("building the region …", file=sys.stderr)
    partnership, user = build_region(args.organisations)

    from activities.models import Activity
    from cofinancing.models import Contribution
    from partners.models import Interaction, Organisation

    with scopes_disabled():
        meta = {
            "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "machine": machine(),
            "organisations": Organisation.objects.filter(partnership=partnership).count(),
            "contributions": Contribution.objects.filter(partnership=partnership).count(),
            "activities": Activity.objects.filter(partnership=partnership).count(),
            "interactions": Interaction.objects.filter(partnership=partnership).count(),
        }

    rows = []
    steps = [
        ("Lists vs admin", lambda: pages_against_admin(partnership, user, args.rounds)),
        (
            "Dashboard throughput",
            lambda: dashboard_throughput(user, args.throughput_rounds, args.seconds),
        ),
    ]
    steps = [s for s, part in zip(steps, ["lists", "dashboard"], strict=True) if part in wanted]
    for name, step in steps:
        print(f"measuring: {name} …", file=sys.stderr)
        try:
            rows.extend(step())
        except Exception as error:  # noqa: BLE001 - one failed measure must not hide the rest
            rows.append(not_measured(name, error))
    pdf = b""
    if "pdf" in wanted:
        print("measuring: agreement PDF …", file=sys.stderr)
        try:
            pdf_rows, pdf = agreement_pdfs(args.pdf_rounds)
            rows.extend(pdf_rows)
        except Exception as error:  # noqa: BLE001
            rows.append(not_measured("Agreement PDF", error))
    if pdf:
        print("measuring: seal and verification …", file=sys.stderr)
        try:
            rows.extend(seal_and_verify(partnership, user, pdf, args.pdf_rounds))
        except Exception as error:  # noqa: BLE001
            rows.append(not_measured("Seal and verification", error))
    if "import" in wanted:
        print("measuring: import …", file=sys.stderr)
        try:
            rows.extend(import_rows(user, args.import_rows))
        except Exception as error:  # noqa: BLE001
            rows.append(not_measured("Import", error))

    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = f"{datetime.date.today().isoformat()}-{connection.vendor}"
    if args.only:
        stem += "-" + "-".join(sorted(wanted))
    text = markdown(meta, rows)
    (RESULTS / f"{stem}.md").write_text(text)
    (RESULTS / f"{stem}.json").write_text(
        json.dumps({**meta, "rows": rows}, indent=2, ensure_ascii=False) + "\n"
    )
    print(text)
    print(f"written: benchmarks/results/{stem}.md and .json", file=sys.stderr)


if __name__ == "__main__":
    main()
