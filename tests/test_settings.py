import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from sterk.env import env_bool, env_database, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("Yes", True), (" on ", True), ("0", False), ("off", False)],
)
def test_env_bool_reads_common_spellings(raw, expected):
    assert env_bool("DEBUG", not expected, environ={"DEBUG": raw}) is expected


def test_env_bool_uses_default_when_unset():
    assert env_bool("DEBUG", True, environ={}) is True


@pytest.mark.parametrize("raw", ["maybe", "2", "tru", "<script>"])
def test_env_bool_rejects_other_values_naming_the_variable(raw):
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", True, environ={"DEBUG": raw})


def test_env_int_rejects_text_and_too_small_numbers():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be a whole number"):
        env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "twenty"})
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be at least 1"):
        env_int("EMAIL_PORT", 25, minimum=1, environ={"EMAIL_PORT": "0"})
    assert env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "587"}) == 587


def test_env_list_splits_on_commas_and_rejects_empty_items():
    assert env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.nl, b.nl"}) == [
        "a.nl",
        "b.nl",
    ]
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS"):
        env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.nl,,b.nl"})


def test_env_str_treats_empty_as_unset():
    assert env_str("SITE_URL", "x", environ={"SITE_URL": "  "}) == "x"


def test_env_database_parses_postgres_and_sqlite():
    pg = env_database("DATABASE_URL", "", environ={"DATABASE_URL": "postgres://u@db:5432/sterk"})
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert pg["NAME"] == "sterk"
    lite = env_database("DATABASE_URL", "sqlite:////tmp/x.sqlite3", environ={})
    assert lite["ENGINE"] == "django.db.backends.sqlite3"


@pytest.mark.parametrize("raw", ["nonsense", "mysql://u@h/db", "postgres://u@h:5432/"])
def test_env_database_rejects_malformed_or_unsupported_urls(raw):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env_database("DATABASE_URL", "", environ={"DATABASE_URL": raw})


def _manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Jk2pQ9vL4mN8rT1wZ5yB3cF6hD0gS2aE7uI9oP4lK1jH8nM5bV3cX6zQ2wE9r",
    "ALLOWED_HOSTS": "sterk.example.nl",
    "SITE_URL": "https://sterk.example.nl",
    "DATABASE_URL": "postgres://sterk@127.0.0.1:5432/sterk",
}


def test_deploy_check_is_silent_with_production_values():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_without_secret_key_refuses_to_start():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "perhaps"),
        ("DATABASE_URL", "nonsense"),
        ("EMAIL_PORT", "smtp"),
        ("LOG_LEVEL", "LOUD"),
        ("SEAL_TSA_URL", "ftp://x"),
    ],
)
def test_malformed_value_stops_start_up_naming_the_variable(name, value):
    result = _manage("check", **{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr.splitlines()[-1]


def test_env_example_documents_every_variable_settings_read():
    import re

    source = (ROOT / "sterk" / "settings.py").read_text()
    read = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', source))
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - documented == set()


def test_static_files_collect_with_the_production_storage(tmp_path):
    """WhiteNoise's manifest storage fails on a reference to a missing file (a vendored
    stylesheet naming its source map, say): then every page is a 500 in production."""
    result = _manage("collectstatic", "--no-input", "-v0", **PRODUCTION, STATIC_ROOT=str(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "staticfiles.json").exists()
