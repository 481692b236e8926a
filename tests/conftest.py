import pytest
from django_scopes import scopes_disabled

from partners.models import Role
from tests.factories import MembershipFactory, PartnershipFactory, UserFactory


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    # Persistent connections would keep the live server's thread attached to the test
    # database, so PostgreSQL could not drop it at the end of the run.
    from django.conf import settings

    for database in settings.DATABASES.values():
        database["CONN_MAX_AGE"] = 0


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # WhiteNoise's manifest storage needs collectstatic; tests use plain storage.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path_factory):
    # Uploaded and generated files (PDFs, scans) and the development seal certificate go to
    # the run's temporary folder, never to var/ of the checkout. One folder per run (and per
    # xdist worker), so the seal certificate is made once.
    base = tmp_path_factory.getbasetemp()
    settings.MEDIA_ROOT = base / "media"
    settings.SEAL_DEV_DIR = base / "seal"


@pytest.fixture(autouse=True)
def _process_cache(settings):
    # The dashboard's kept panels (sterk/dashboard_cache.py) in this process's memory: the
    # default cache folder in var/ would be shared by xdist workers whose test databases
    # reuse the same ids.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}
    }


@pytest.fixture(autouse=True)
def _schemes(request):
    """Browser tests empty the database after themselves (TransactionTestCase), removing the
    schemes that migration 0002 made; put them back for every test that uses a database."""
    if {"db", "transactional_db"} & set(request.fixturenames):
        from cofinancing.schemes import ensure_schemes

        request.getfixturevalue(
            "transactional_db" if "transactional_db" in request.fixturenames else "db"
        )
        ensure_schemes()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def no_scopes():
    with scopes_disabled():
        yield


@pytest.fixture
def partnership(db):
    return PartnershipFactory(name="Regio Twente Techniek", slug="twente")


@pytest.fixture
def other_partnership(db):
    return PartnershipFactory(name="Regio Zeeland", slug="zeeland")


def _member(partnership, role, email):
    with scopes_disabled():
        return MembershipFactory(
            partnership=partnership, role=role, user=UserFactory(email=email)
        ).user


@pytest.fixture
def leader(partnership):
    return _member(partnership, Role.LEADER, "leider@twente.nl")


@pytest.fixture
def editor(partnership):
    return _member(partnership, Role.EDITOR, "redacteur@twente.nl")


@pytest.fixture
def viewer(partnership):
    return _member(partnership, Role.VIEWER, "lezer@twente.nl")


@pytest.fixture
def outsider(other_partnership):
    """A leader, but of another partnership."""
    return _member(other_partnership, Role.LEADER, "leider@zeeland.nl")


@pytest.fixture
def leader_client(client, leader):
    client.force_login(leader)
    return client


def pytest_collection_modifyitems(items):
    """Browser tests last in a run in one process (`-n 0`), so the quick tests report first.
    Under pytest-xdist (`make test`) they are one group that one worker starts with (below);
    Playwright runs only while they do (tests/e2e/conftest.py), so any test may follow."""
    items.sort(key=lambda item: "/e2e/" in str(item.fspath))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup` (make test), with every browser test (tests/e2e/) in one group: one
    worker runs them one after another, one Chromium and one live server at a time, while
    the other workers run the rest. Being the largest group, it is handed out first.

    Not the xdist_group mark: pytest-xdist 3.8 groups by a suffix it writes into the node
    id, which pytest 9.2's structured node ids ignore, so the mark silently groups nothing
    (pytest-dev/pytest-xdist#1386)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class BrowserGroupScheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid):
            if nodeid.startswith("tests/e2e/"):
                return "browser"
            return super()._split_scope(nodeid)

    return BrowserGroupScheduling(config, log)
