import re
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def _entries():
    text = PO.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid") for line in lines):
            continue
        yield "\n".join(lines)


def test_dutch_catalogue_is_complete_and_has_no_fuzzy_entries():
    untranslated, fuzzy = [], []
    for entry in _entries():
        msgid = entry[entry.index("msgid") :].splitlines()[:2]
        if re.search(r"^#,.*\bfuzzy\b", entry, re.M):
            fuzzy.append(msgid)
        if "Project-Id-Version" in entry:
            continue  # the header
        if re.search(r'^msgstr(?:\[\d\])? ""\n(?!")', entry + "\n", re.M):
            untranslated.append(msgid)
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


def test_compiled_catalogue_exists_for_a_fresh_checkout():
    # A fresh machine may lack GNU gettext, so the compiled file is committed; CI checks
    # that it matches the source.
    assert PO.with_suffix(".mo").exists(), "run make messages"
