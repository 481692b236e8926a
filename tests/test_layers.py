"""The import contracts of pyproject.toml ([tool.importlinter]), checked by `lint-imports`.

The code keeps every contract: apps depend only leftwards, sterk's helpers and accounts
import no app, and no package has an import cycle inside it. `make lint` runs the same
check; here a violation fails the suite too. A copy of the code with one forbidden import
added shows that each contract can fail.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = (
    "sterk",
    "outbox",
    "accounts",
    "partners",
    "signing",
    "activities",
    "governance",
    "cofinancing",
    "outreach",
    "updates",
    "agreements",
    "bundle",
)
BROKEN = re.compile(r" BROKEN( \(\d+ ignored imports?\))?$")


def lint_imports(directory: Path) -> subprocess.CompletedProcess:
    # Without a cache: parallel test workers must not write the same cache files.
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_code_keeps_every_import_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"Contracts: \d+ kept, 0 broken", result.stdout), result.stdout


@pytest.fixture
def code_copy(tmp_path):
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("partners/signing.py", "from agreements.models import Agreement", "Layers:"),
        ("activities/models.py", "from cofinancing.models import Budget", "Layers:"),
        ("sterk/money.py", "from partners.models import Partnership", "The helpers in sterk/"),
        ("sterk/forms.py", "import cofinancing.valuation", "The helpers in sterk/"),
        ("accounts/models.py", "from agreements.models import Agreement", "accounts (the user"),
        ("accounts/views.py", "from partners.models import Partnership", "accounts (the user"),
        ("cofinancing/importer/spec.py", "import cofinancing.importer.plan", "No import cycles"),
        ("agreements/readiness.py", "from agreements.snapshot import signers", "No import cycles"),
        ("signing/kinds.py", "from agreements.models import Agreement", "Layers:"),
        ("signing/steps.py", "import cofinancing.summary", "Layers:"),
        ("signing/sending.py", "from activities.models import Activity", "Layers:"),
        ("partners/tenancy.py", "from signing.models import Document", "Layers:"),
        ("sterk/canonical.py", "from signing.kinds import kind_of", "The helpers in sterk/"),
        ("signing/state.py", "from signing.steps import VERIFIED_TTL", "No import cycles"),
        ("outbox/services.py", "from partners.models import Partnership", "The mail outbox"),
        ("outbox/listeners.py", "from signing.delivery import link", "The mail outbox"),
        ("agreements/selectors.py", "from bundle.models import BundleBuild", "Layers:"),
        ("cofinancing/panels.py", "import bundle.panels", "Layers:"),
        ("bundle/archive.py", "from bundle.services import README", "No import cycles"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(code_copy, module, line, contract):
    path = code_copy / module
    path.write_text(path.read_text() + f"\n{line}\n")

    result = lint_imports(code_copy)

    assert result.returncode == 1, result.stdout + result.stderr
    # An import may break more than one contract: sterk.forms importing cofinancing also
    # makes every app that uses sterk.forms depend on cofinancing.
    broken = [row for row in result.stdout.splitlines() if BROKEN.search(row)]
    assert any(row.startswith(contract) for row in broken), result.stdout


def test_signing_does_not_name_the_apps_above_it_even_as_a_string():
    """No `apps.get_model("agreements", …)`, no "agreements.Agreement": only a registered kind
    knows its subject. Templates of signing are held to the same rule."""
    higher = re.compile(r"""["'](agreements|cofinancing|activities)[.:"']""")
    offending = []
    for path in [*(ROOT / "signing").rglob("*.py"), *(ROOT / "templates" / "signing").rglob("*")]:
        if path.is_file() and "migrations" not in path.parts:
            for number, row in enumerate(path.read_text().splitlines(), 1):
                if higher.search(row) or "get_model" in row:
                    offending.append(f"{path.relative_to(ROOT)}:{number}: {row.strip()}")
    assert offending == []
