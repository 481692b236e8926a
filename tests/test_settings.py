import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from sterk.env import env_bool, env_database, env_int, env_list, env_str
from sterk.settings_servers import env_database_pool, env_seal_pkcs12, env_storages

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
        ("STORAGE_BACKEND", "ftp"),
        ("AWS_STORAGE_BUCKET_NAME", "Not_A_Bucket"),
        ("DATABASE_POOL", "lots"),
        ("SEAL_PKCS12_BASE64", "%%% not base64 %%%"),
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
    source += (ROOT / "sterk" / "settings_servers.py").read_text()
    read = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', source))
    assert {"STORAGE_BACKEND", "AWS_STORAGE_BUCKET_NAME", "DATABASE_POOL"} <= read
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - documented == set()


def test_static_files_collect_with_the_production_storage(tmp_path):
    """WhiteNoise's manifest storage fails on a reference to a missing file (a vendored
    stylesheet naming its source map, say): then every page is a 500 in production."""
    result = _manage("collectstatic", "--no-input", "-v0", **PRODUCTION, STATIC_ROOT=str(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "staticfiles.json").exists()


# --- Storage (issue 17 §4): the local disk by default, S3-compatible object storage ---------

S3 = {
    "STORAGE_BACKEND": "s3",
    "AWS_STORAGE_BUCKET_NAME": "sterk-media",
    "AWS_S3_ENDPOINT_URL": "https://s3.example.nl/",
    "AWS_S3_REGION_NAME": "eu-west-1",
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "secret/example+key",
}


def test_storage_is_the_local_disk_without_settings():
    assert env_storages(environ={}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert env_storages(environ={"STORAGE_BACKEND": " Local "})["BACKEND"].endswith(
        "FileSystemStorage"
    )


def test_storage_on_s3_takes_every_setting():
    config = env_storages(environ=S3)
    client_config = config["OPTIONS"].pop("client_config")
    assert client_config.s3 == {"addressing_style": None}
    assert (client_config.connect_timeout, client_config.read_timeout) == (5, 60)
    assert client_config.retries == {"max_attempts": 3, "mode": "standard"}
    assert config == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "sterk-media",
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
            "endpoint_url": "https://s3.example.nl",
            "region_name": "eu-west-1",
            "access_key": "AKIAEXAMPLE",
            "secret_key": "secret/example+key",
        },
    }


def test_a_bucket_alone_chooses_s3_with_the_servers_own_credentials():
    config = env_storages(environ={"AWS_STORAGE_BUCKET_NAME": "sterk-media"})
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    assert "access_key" not in config["OPTIONS"]
    assert "endpoint_url" not in config["OPTIONS"]


def test_an_explicit_local_backend_wins_over_a_bucket():
    config = env_storages(environ={**S3, "STORAGE_BACKEND": "local"})
    assert config["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_addressing_style_and_key_prefix():
    options = env_storages(
        environ={**S3, "AWS_S3_ADDRESSING_STYLE": "Path", "AWS_LOCATION": "/sterk/prod/"}
    )["OPTIONS"]
    assert options["client_config"].s3 == {"addressing_style": "path"}
    assert options["location"] == "sterk/prod"
    auto = env_storages(environ={**S3, "AWS_S3_ADDRESSING_STYLE": "auto"})["OPTIONS"]
    assert auto["client_config"].s3 == {"addressing_style": None}


def test_the_configured_s3_storage_is_built_by_django_storages():
    from storages.backends.s3 import S3Storage

    options = env_storages(environ={**S3, "AWS_S3_ADDRESSING_STYLE": "virtual"})["OPTIONS"]
    storage = S3Storage(**options)
    assert storage.connection.meta.client.meta.config.s3["addressing_style"] == "virtual"
    assert storage.connection.meta.client.meta.config.connect_timeout == 5
    assert storage.bucket_name == "sterk-media"
    assert storage.file_overwrite is False
    assert storage.endpoint_url == "https://s3.example.nl"


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND"),
        ({"STORAGE_BACKEND": "s3"}, "AWS_STORAGE_BUCKET_NAME"),
        ({**S3, "AWS_STORAGE_BUCKET_NAME": "ab"}, "AWS_STORAGE_BUCKET_NAME"),
        ({**S3, "AWS_STORAGE_BUCKET_NAME": "Sterk_Media"}, "AWS_STORAGE_BUCKET_NAME"),
        ({**S3, "AWS_STORAGE_BUCKET_NAME": "-sterk"}, "AWS_STORAGE_BUCKET_NAME"),
        ({**S3, "AWS_STORAGE_BUCKET_NAME": "sterk..media"}, "AWS_STORAGE_BUCKET_NAME"),
        ({**S3, "AWS_STORAGE_BUCKET_NAME": "s" * 64}, "AWS_STORAGE_BUCKET_NAME"),
        ({**S3, "AWS_STORAGE_BUCKET_NAME": "sterk\x00media"}, "AWS_STORAGE_BUCKET_NAME"),
        ({**S3, "AWS_STORAGE_BUCKET_NAME": "<script>"}, "AWS_STORAGE_BUCKET_NAME"),
        ({**S3, "AWS_S3_ENDPOINT_URL": "s3.example.nl"}, "AWS_S3_ENDPOINT_URL"),
        ({**S3, "AWS_S3_ENDPOINT_URL": "ftp://s3.example.nl"}, "AWS_S3_ENDPOINT_URL"),
        ({**S3, "AWS_S3_ENDPOINT_URL": "https://" + "x" * 10_000}, "AWS_S3_ENDPOINT_URL"),
        ({**S3, "AWS_S3_REGION_NAME": "Europe West"}, "AWS_S3_REGION_NAME"),
        ({**S3, "AWS_ACCESS_KEY_ID": ""}, "AWS_ACCESS_KEY_ID"),
        ({**S3, "AWS_SECRET_ACCESS_KEY": ""}, "AWS_SECRET_ACCESS_KEY"),
        ({**S3, "AWS_S3_ADDRESSING_STYLE": "sideways"}, "AWS_S3_ADDRESSING_STYLE"),
        ({**S3, "AWS_LOCATION": "sterk/../other"}, "AWS_LOCATION"),
        ({**S3, "AWS_LOCATION": "sterk media"}, "AWS_LOCATION"),
    ],
)
def test_malformed_storage_settings_name_the_variable(environ, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        env_storages(environ=environ)


# --- The connection pool (DATABASE_POOL) --------------------------------------------------

POSTGRES = env_database("DATABASE_URL", "", environ={"DATABASE_URL": "postgres://u@db:5432/s"})
SQLITE = env_database("DATABASE_URL", "sqlite:////tmp/x.sqlite3", environ={})


@pytest.mark.parametrize("raw", [None, "", "false", "off", "0"])
def test_no_pool_unless_asked(raw):
    environ = {} if raw is None else {"DATABASE_POOL": raw}
    assert env_database_pool(POSTGRES, environ=environ) == POSTGRES
    assert env_database_pool(SQLITE, environ=environ) == SQLITE


def test_a_pool_of_four_by_default_or_the_size_asked():
    pooled = env_database_pool(POSTGRES, environ={"DATABASE_POOL": "true"})
    assert pooled["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 4, "timeout": 10}
    # Django refuses persistent connections beside a pool.
    assert pooled["CONN_MAX_AGE"] == 0
    assert POSTGRES["CONN_MAX_AGE"] == 60  # the parsed settings are not changed in place
    sized = env_database_pool(POSTGRES, environ={"DATABASE_POOL": "12"})
    assert sized["OPTIONS"]["pool"]["max_size"] == 12


def test_a_pool_keeps_other_database_options():
    database = {**POSTGRES, "OPTIONS": {"sslmode": "require"}}
    pooled = env_database_pool(database, environ={"DATABASE_POOL": "yes"})
    assert pooled["OPTIONS"]["sslmode"] == "require"
    assert pooled["OPTIONS"]["pool"]["max_size"] == 4


@pytest.mark.parametrize("raw", ["lots", "-3", "4.5", "101", "1" * 10_000, "true\x00"])
def test_a_malformed_pool_size_names_the_variable(raw):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOL"):
        env_database_pool(POSTGRES, environ={"DATABASE_POOL": raw})


def test_a_pool_on_sqlite_stops_start_up():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOL needs PostgreSQL"):
        env_database_pool(SQLITE, environ={"DATABASE_POOL": "true"})


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (DATABASE_URL)",
)
def test_django_connects_through_the_pool_on_postgresql():
    script = (
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SELECT 1')\n"
        "    assert cursor.fetchone() == (1,)\n"
        "print(type(connection.pool).__name__, connection.pool.max_size)\n"
    )
    # The server's maintenance database: it always exists and nothing is written.
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    result = _manage("shell", "-v", "0", "-c", script, DATABASE_URL=url, DATABASE_POOL="3")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines()[-1].split() == ["ConnectionPool", "3"]


# --- The seal certificate from a setting (SEAL_PKCS12_BASE64) -----------------------------


def _pkcs12_bytes(tmp_path, common_name="Sterk productiezegel", passphrase=None) -> bytes:
    from tests.test_sealing import _pkcs12

    return _pkcs12(tmp_path / "seal.p12", common_name, passphrase).read_bytes()


def test_seal_certificate_from_base64_even_wrapped_over_lines(tmp_path):
    import base64

    data = _pkcs12_bytes(tmp_path)
    encoded = base64.encodebytes(data).decode()  # wrapped at 76 characters
    assert "\n" in encoded.strip()
    assert env_seal_pkcs12(environ={"SEAL_PKCS12_BASE64": encoded}) == data
    assert env_seal_pkcs12(environ={}) is None


@pytest.mark.parametrize("raw", ["%%%", "abc", "YWJj=x", "\x00", "é" * 10_000])
def test_a_seal_certificate_that_is_not_base64_names_the_variable(raw):
    with pytest.raises(ImproperlyConfigured, match="SEAL_PKCS12_BASE64"):
        env_seal_pkcs12(environ={"SEAL_PKCS12_BASE64": raw})


def test_a_seal_certificate_as_path_and_as_base64_is_refused():
    with pytest.raises(ImproperlyConfigured, match="SEAL_PKCS12_BASE64 or SEAL_PKCS12_PATH"):
        env_seal_pkcs12(
            environ={"SEAL_PKCS12_BASE64": "YWJj", "SEAL_PKCS12_PATH": "/etc/sterk/seal.p12"}
        )


def test_the_seal_is_made_with_the_certificate_from_the_setting(settings, tmp_path):
    from signing.sealing import platform_signer, seal_pdf
    from tests.factories import tiny_real_pdf

    settings.SEAL_PKCS12_PATH = None
    settings.SEAL_PKCS12_DATA = _pkcs12_bytes(tmp_path, "Sterk zegel uit setting", b"pw")
    settings.SEAL_PKCS12_PASSPHRASE = "pw"
    settings.SEAL_DEV_DIR = tmp_path / "dev"
    signer = platform_signer()
    assert signer.signing_cert.subject.native["common_name"] == "Sterk zegel uit setting"
    assert seal_pdf(tiny_real_pdf()).startswith(b"%PDF")
    assert not (tmp_path / "dev").exists()  # no development certificate was made


def test_a_wrong_passphrase_for_the_setting_names_it(settings, tmp_path):
    from signing.sealing import platform_signer

    settings.SEAL_PKCS12_PATH = None
    settings.SEAL_PKCS12_DATA = _pkcs12_bytes(tmp_path, passphrase=b"goed")
    settings.SEAL_PKCS12_PASSPHRASE = "fout"
    with pytest.raises(ImproperlyConfigured, match="SEAL_PKCS12_BASE64"):
        platform_signer()
