"""`make prod-check`: Sterk run as in production, on this machine, checked from outside.

On a fresh PostgreSQL database (sterk_prodcheck, dropped afterwards) with DEBUG off, the
database task backend, a connection pool and, by default, S3 object storage (moto's S3
server on the loopback; `--storage local` for the local disk), it

1. migrates and collects the static files (WhiteNoise's manifest storage);
2. creates a project leader, a partnership and an agreement version, and queues the
   version's rendering;
3. starts gunicorn with 2 workers and a task worker (`manage.py db_worker`);
4. checks, over HTTP: /healthz answers ok (database, storage, queues); a static file is
   served by WhiteNoise under its hashed name with a long cache lifetime; signing in through
   the login form (with its CSRF token) opens the partnership's dashboard; the version's PDF,
   rendered by the worker into the shared storage, downloads as a PDF.

Every process it starts is stopped and the database dropped on any exit (an error, Ctrl-C,
SIGTERM). Exit status 0 when every check passed. Run it with the project's Python:

    .venv/bin/python scripts/prod_check.py [--storage s3|local] [--database-url URL]

`--make-data` is the step that runs inside Django (step 2); the script calls it itself.
"""

import argparse
import contextlib
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sterk_prodcheck"
DATABASE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
SLUG = "rooktest"
PARTNERSHIP_NAME = "Regio Rooktest"
EMAIL = "leider@rooktest.example"
BUCKET = "sterk-prodcheck"
# Environment variables of the parent that children keep; every setting is given explicitly.
KEPT_ENVIRONMENT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ", "FONTCONFIG_PATH")


class CheckFailed(Exception):
    pass


def say(message: str) -> None:
    print(f"prod-check: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- Processes --------------------------------------------------------------------------


class Processes:
    """The processes this script started, each in its own session (process group), so
    stopping one stops its children too (gunicorn's workers)."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(  # noqa: S603 - our own programs, fixed arguments
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.running[name] = process
        return process

    def check_alive(self) -> None:
        for name, process in self.running.items():
            if process.poll() is not None:
                raise CheckFailed(f"{name} stopped with exit status {process.returncode}")

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.running.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        self.running.clear()

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.log_dir / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def run_together(steps: dict[str, list[str]], env: dict, timeout: int = 150) -> dict[str, str]:
    """Run commands side by side and wait for all; their output by name. One failing (or
    taking longer than `timeout` seconds) fails the check; the others are stopped."""
    started = time.monotonic()
    running = {
        what: subprocess.Popen(  # noqa: S603 - our own programs, fixed arguments
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, start_new_session=True,
        )
        for what, command in steps.items()
    }  # fmt: skip
    outputs = {}
    try:
        for what, process in running.items():
            try:
                outputs[what], _ = process.communicate(
                    timeout=max(1, timeout - (time.monotonic() - started))
                )
            except subprocess.TimeoutExpired:
                raise CheckFailed(f"{what} took longer than {timeout} s") from None
            if process.returncode != 0:
                raise CheckFailed(f"{what} failed:\n{outputs[what][-4000:]}")
        say(f"{' and '.join(steps)} ({time.monotonic() - started:.1f} s)")
    finally:
        for process in running.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    return outputs


# --- The database -------------------------------------------------------------------------


def split_database_url(url: str) -> tuple[str, str]:
    """The maintenance database's URL (…/postgres) and the name of the check's database."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise CheckFailed(f"--database-url must be a postgres:// URL; got {url!r}")
    name = parsed.path.lstrip("/")
    if not DATABASE_NAME.match(name) or name in {"postgres", "template0", "template1"}:
        raise CheckFailed(f"--database-url must name a database of its own; got {name!r}")
    return urllib.parse.urlunsplit(parsed._replace(path="/postgres")), name


def recreate_database(maintenance_url: str, name: str, *, create: bool) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance_url, autocommit=True, connect_timeout=10) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if create:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            # A throw-away database: commits need not wait for the disk (migrate is faster).
            connection.execute(
                sql.SQL("ALTER DATABASE {} SET synchronous_commit TO off").format(
                    sql.Identifier(name)
                )
            )


# --- Object storage -------------------------------------------------------------------------


def s3_client(endpoint: str):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id="prodcheck",
        aws_secret_access_key="prodcheck-secret",
    )


def start_s3(processes: Processes, env: dict) -> dict:
    moto = BIN / "moto_server"
    if not moto.exists():
        raise CheckFailed(
            "moto_server is not installed (pip install 'moto[server]', in the dev extras); "
            "or run with --storage local"
        )
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    processes.start("s3", [str(moto), "-H", "127.0.0.1", "-p", str(port)], env)
    client = s3_client(endpoint)
    deadline = time.monotonic() + 30
    while True:
        processes.check_alive()
        try:
            client.create_bucket(
                Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
            )
            break
        except Exception:
            if time.monotonic() > deadline:
                raise CheckFailed("the S3 server did not start within 30 s") from None
            time.sleep(0.2)
    say(f"S3 server (moto) on {endpoint}, bucket {BUCKET}")
    return {
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "prodcheck",
        "AWS_SECRET_ACCESS_KEY": "prodcheck-secret",
        "AWS_S3_ADDRESSING_STYLE": "path",
    }


# --- HTTP -------------------------------------------------------------------------------------


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects by itself."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirect()
        )

    def request(self, path: str, data: dict | None = None, timeout: float = 30):
        body = None if data is None else urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - http://127.0.0.1
        request.add_header("Referer", self.base + path)
        try:
            response = self.opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as error:  # 3xx, 4xx and 5xx
            response = error
        with response:
            return response.status, dict(response.headers), response.read()

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)


def wait_for_health(browser: Browser, processes: Processes) -> dict:
    deadline = time.monotonic() + 45
    while True:
        processes.check_alive()
        try:
            status, _headers, body = browser.request("/healthz", timeout=5)
            if status == 200:
                return json.loads(body)
            if time.monotonic() > deadline:
                raise CheckFailed(f"/healthz answered {status}: {body[:500]!r}")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise CheckFailed("gunicorn did not answer /healthz within 45 s") from None
        time.sleep(0.3)


def check_health(browser: Browser, processes: Processes) -> None:
    answer = wait_for_health(browser, processes)
    checks = answer.get("checks", {})
    if answer.get("status") != "ok" or not {"database", "storage", "queue:tasks"} <= set(checks):
        raise CheckFailed(f"/healthz is not as expected: {answer}")
    say(f"/healthz ok ({', '.join(sorted(checks))})")


def check_static(browser: Browser) -> None:
    status, _headers, page = browser.request("/accounts/login/")
    if status != 200:
        raise CheckFailed(f"the login page answered {status}")
    # WhiteNoise's manifest storage: static files under a name with their content's hash.
    match = re.search(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
    if match is None:
        raise CheckFailed("the login page links no hashed stylesheet (collectstatic?)")
    path = match.group(1).decode()
    status, headers, body = browser.request(path)
    cache = headers.get("Cache-Control", "")
    if status != 200 or not body or "max-age=315360000" not in cache:
        raise CheckFailed(f"{path} answered {status} with Cache-Control {cache!r}")
    say(f"static file {path} served by WhiteNoise ({len(body)} bytes, {cache})")


def sign_in(browser: Browser, password: str) -> None:
    status, _headers, page = browser.request("/accounts/login/")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or match is None:
        raise CheckFailed("the login form has no CSRF token")
    form = {
        "csrfmiddlewaretoken": match.group(1).decode(),
        "username": EMAIL,
        "password": password,
    }
    status, headers, body = browser.request("/accounts/login/", form)
    if status != 302 or "/accounts/login/" in headers.get("Location", ""):
        raise CheckFailed(f"signing in failed: {status} {body[:500]!r}")
    status, _headers, page = browser.request(f"/p/{SLUG}/")
    if status != 200 or PARTNERSHIP_NAME.encode() not in page:
        raise CheckFailed(f"the dashboard after signing in answered {status}")
    say(f"signed in through the login form; /p/{SLUG}/ rendered ({len(page)} bytes)")


def check_version_pdf(browser: Browser, processes: Processes, code: str, stored) -> None:
    path = f"/p/{SLUG}/agreements/versions/{code}/download/"
    deadline = time.monotonic() + 75
    while True:
        processes.check_alive()
        status, headers, body = browser.request(path)
        if status == 200:
            break
        if status != 404 or time.monotonic() > deadline:
            raise CheckFailed(f"the version's PDF answered {status} (not rendered within 75 s?)")
        time.sleep(0.5)
    if not body.startswith(b"%PDF-") or headers.get("Content-Type") != "application/pdf":
        raise CheckFailed(f"the version's download is no PDF: {body[:40]!r}")
    names = stored("agreements/")
    if len(names) != 1:
        raise CheckFailed(f"expected the version's PDF in the storage, found {names}")
    say(f"version PDF rendered by the worker into {names[0]} and downloaded ({len(body)} bytes)")


# --- Step 2, inside Django ----------------------------------------------------------------------


def make_data() -> None:
    """A project leader, a partnership and a version of its agreement whose rendering is
    queued for the worker. The version is made without the readiness check: this is about
    the machinery, not the agreement's content."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sterk.settings")
    import django

    django.setup()
    from django_scopes import scopes_disabled

    from accounts.models import User
    from agreements.models import AgreementVersion
    from agreements.services import agreement_for
    from agreements.snapshot import build_snapshot
    from agreements.tasks import render_version
    from partners.models import Membership, Partnership, Role
    from sterk.canonical import snapshot_hash

    with scopes_disabled():
        user = User.objects.create_user(EMAIL, os.environ["PROD_CHECK_PASSWORD"])
        partnership = Partnership.objects.create(
            name=PARTNERSHIP_NAME, slug=SLUG, region="Rooktest", start_year=2025, end_year=2028
        )
        Membership.objects.create(partnership=partnership, user=user, role=Role.LEADER)
        snapshot = build_snapshot(partnership=partnership)
        version = AgreementVersion.objects.create(
            partnership=partnership,
            agreement=agreement_for(partnership),
            number=1,
            snapshot=snapshot,
            snapshot_sha256=snapshot_hash(snapshot),
            created_by=user,
        )
    result = render_version.enqueue(version.pk)
    print(json.dumps({"code": str(version.code), "task": str(result.id)}))


# --- The check ------------------------------------------------------------------------------------


def check(options) -> None:
    started = time.monotonic()
    maintenance_url, name = split_database_url(options.database_url)
    work = Path(tempfile.mkdtemp(prefix="sterk-prodcheck-"))
    processes = Processes(work)
    database_made = False
    try:
        env = {key: os.environ[key] for key in KEPT_ENVIRONMENT if key in os.environ}
        port = free_port()
        password = secrets.token_urlsafe(18)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "sterk.settings",
                "DEBUG": "false",
                "SECRET_KEY": secrets.token_urlsafe(60),
                "ALLOWED_HOSTS": "127.0.0.1",
                "SITE_URL": f"http://127.0.0.1:{port}",
                "DATABASE_URL": options.database_url,
                "DATABASE_POOL": "4",
                "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
                "STATIC_ROOT": str(work / "static"),
                "MEDIA_ROOT": str(work / "media"),
                "SEAL_DEV_DIR": str(work / "seal"),
                # Plain HTTP on the loopback: the HTTPS settings that are strict by default.
                "SECURE_SSL_REDIRECT": "false",
                "SESSION_COOKIE_SECURE": "false",
                "CSRF_COOKIE_SECURE": "false",
                "SECURE_HSTS_SECONDS": "0",
                "LOG_LEVEL": "WARNING",
                "PROD_CHECK_PASSWORD": password,
            }
        )
        recreate_database(maintenance_url, name, create=True)
        database_made = True
        say(f"database {name} created")
        if options.storage == "s3":
            env.update(start_s3(processes, env))
            client = s3_client(env["AWS_S3_ENDPOINT_URL"])

            def stored(prefix):
                listed = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
                return [entry["Key"] for entry in listed.get("Contents", [])]
        else:

            def stored(prefix):
                folder = work / "media" / prefix
                return [str(p.relative_to(work / "media")) for p in folder.glob("*")]

        manage = [sys.executable, "manage.py"]
        run_together(
            {
                "migrate": [*manage, "migrate", "--no-input", "-v", "0"],
                "collectstatic": [*manage, "collectstatic", "--no-input", "-v", "0"],
            },
            env,
        )
        processes.start(
            "gunicorn",
            [str(BIN / "gunicorn"), "sterk.wsgi:application", "--workers", "2",
             "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning"],
            env,
        )  # fmt: skip
        processes.start(
            "worker",
            [*manage, "db_worker", "--queue-name", "*", "--interval", "0.5", "--no-startup-delay"],
            env,
        )
        say(f"gunicorn (2 workers) on 127.0.0.1:{port} and the task worker starting")
        made = run_together(
            {"user, partnership, version": [sys.executable, __file__, "--make-data"]}, env
        )
        code = json.loads(made["user, partnership, version"].strip().splitlines()[-1])["code"]
        browser = Browser(f"http://127.0.0.1:{port}")
        check_health(browser, processes)
        check_static(browser)
        sign_in(browser, password)
        check_version_pdf(browser, processes, code, stored)
        say(f"every check passed ({options.storage} storage); stopping and cleaning up")
    except BaseException:
        for process_name in list(processes.running):
            tail = processes.log_tail(process_name)
            if tail:
                print(f"--- last lines of {process_name}:\n{tail}", file=sys.stderr)
        raise
    finally:
        processes.stop_all()
        if database_made:
            try:
                recreate_database(maintenance_url, name, create=False)
            except Exception as error:  # the check's verdict stays; say what is left over
                say(f"could not drop database {name}: {error}")
        shutil.rmtree(work, ignore_errors=True)
        say(f"done in {time.monotonic() - started:.1f} s")


def _stop_on_signal(signum, _frame):
    raise SystemExit(128 + signum)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--storage", choices=["s3", "local"], default="s3")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("PROD_CHECK_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="a PostgreSQL database of its own: created, and dropped afterwards",
    )
    parser.add_argument("--make-data", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.make_data:
        make_data()
        return 0
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, _stop_on_signal)
    try:
        check(options)
    except CheckFailed as failure:
        say(f"FAILED: {failure}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
