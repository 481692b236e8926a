"""Writes on evidence files: adding one to a contribution or a cost line, and deleting it
(docs/rules.md §16 and §21).

What a file is, is decided by its content (sterk.uploads.sniff), never by its name or by the
type the browser claims; a name whose extension says otherwise is refused, so nobody
downloads "factuur.pdf" and gets something else. The stored path comes from the evidence's
code (cofinancing.models.evidence_path); the name a person gave the file is kept, cleaned to
one line, only to be shown and to name the download.

Files and rows stay together: the file is written before its row and deleted again when the
row cannot be saved, and a deleted row's file is removed only after the deletion commits.
"""

import hashlib
import os
import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cofinancing.models import Contribution, CostLine, Evidence, EvidenceKind
from partners.models import Partnership
from sterk.uploads import FILE_TYPES, MAX_UPLOAD_BYTES, FileType, sniff
from sterk.validators import has_line_break

MAX_NOTE = 300
MAX_NAME = 255
NAMELESS = "document"


def allowed_types_message() -> str:
    return _(
        "This file is not one of the types Sterk accepts as evidence. Upload a PDF, PNG, "
        "JPEG, Excel (XLSX), Word (DOCX), OpenDocument text (ODT) or CSV file."
    )


def too_large_message() -> str:
    return _(
        "This file is larger than 20 MB. Upload a smaller file: scan at a lower resolution, "
        "or split it into parts."
    )


def empty_message() -> str:
    return _("This file is empty. Choose the file itself.")


def clean_file_name(name: str, file_type: FileType) -> str:
    """The name to show and to download as: the last part of what the browser sent, on one
    line, without control or direction-changing characters, at most 255 characters, ending
    in an extension of `file_type` (a nameless or extensionless file gets its first one).
    Refuses a name whose extension belongs to another type."""
    name = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char for char in name
    )
    name = " ".join(name.split()).strip(" .")
    stem, extension = os.path.splitext(name)
    if not extension:
        stem, extension = name or NAMELESS, file_type.extensions[0]
    elif extension.lower() not in file_type.extensions:
        raise _refused(
            "file",
            _(
                "The name of this file ends in %(extension)s, but it is a %(type)s file. "
                "Give it the right extension, or choose the right file."
            )
            % {"extension": extension, "type": file_type.label},
            "extension",
        )
    stem = stem[: MAX_NAME - len(extension)].rstrip(" .") or NAMELESS
    return stem + extension


def _refused(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _checked_file(file) -> tuple[FileType, str]:
    if file is None:
        raise _refused("file", _("Choose a file."), "required")
    if file.size is None or file.size > MAX_UPLOAD_BYTES:
        raise _refused("file", too_large_message(), "too_large")
    if file.size == 0:
        raise _refused("file", empty_message(), "empty")
    file_type = sniff(file)
    if file_type is None or file_type not in FILE_TYPES:
        raise _refused("file", allowed_types_message(), "type")
    return file_type, clean_file_name(getattr(file, "name", ""), file_type)


def _checked_note(note: str) -> str:
    note = (note or "").strip()
    if has_line_break(note):
        raise _refused("note", _("Keep the note on one line: remove the line break."), "line_break")
    if len(note) > MAX_NOTE:
        raise _refused(
            "note",
            _("Keep the note to at most %(max)s characters.") % {"max": MAX_NOTE},
            "too_long",
        )
    return note


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _proven(contribution, cost_line):
    if (contribution is None) == (cost_line is None):
        raise ValueError("evidence proves a contribution or a cost line, exactly one")
    return contribution if contribution is not None else cost_line


def _lock(proven, partnership: Partnership) -> None:
    """Lock the contribution or cost line, so it cannot be deleted while its evidence is
    saved; refuse when it is gone or not the partnership's."""
    model = type(proven)
    if not model.objects.select_for_update().filter(pk=proven.pk, partnership=partnership):
        raise ValidationError(
            _("What this file should prove no longer exists. Nothing was saved."),
            code="gone",
        )


def evidence_add(
    *,
    partnership: Partnership,
    user,
    kind: str,
    file,
    note: str = "",
    contribution: Contribution | None = None,
    cost_line: CostLine | None = None,
) -> Evidence:
    """Keep `file` as evidence of kind `kind` for a contribution or a cost line of
    `partnership` (docs/rules.md §21): its SHA-256, size and the type read from its content.

    Refused (ValidationError, nothing written): another partnership's contribution or cost
    line, an unknown kind, a note of more than one line or over 300 characters, an empty
    file, one over 20 MB, one that is none of the accepted types or whose name claims
    another type. A file written for a row that then cannot be saved is deleted again.
    """
    proven = _proven(contribution, cost_line)
    if proven.partnership_id != partnership.pk:
        raise ValidationError(_("This belongs to another partnership."), code="partnership")
    if kind not in EvidenceKind.values:
        raise _refused("kind", _("Choose the kind of evidence."), "kind")
    note = _checked_note(note)
    file_type, name = _checked_file(file)
    evidence = Evidence(
        partnership=partnership,
        contribution=contribution,
        cost_line=cost_line,
        kind=kind,
        name=name,
        content_type=file_type.content_type,
        size=file.size,
        sha256=_sha256(file),
        note=note,
        uploaded_by=user,
    )
    evidence.full_clean(exclude=["file", "partnership", "contribution", "cost_line", "uploaded_by"])
    _refuse_twice(evidence)
    evidence.file.save(name, file, save=False)
    try:
        with transaction.atomic():
            _lock(proven, partnership)
            _refuse_twice(evidence)  # again under the lock: a double submit adds it once
            evidence.save()
    except BaseException:
        # The row was not saved: its file must not stay behind.
        evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


def _refuse_twice(evidence: Evidence) -> None:
    """The same file (by its SHA-256) is attached to a line once as one kind of evidence (a
    paid invoice may well be both the invoice and the proof of payment)."""
    same = (
        Evidence.objects.filter(
            contribution=evidence.contribution,
            cost_line=evidence.cost_line,
            kind=evidence.kind,
            sha256=evidence.sha256,
        )
        .values_list("name", flat=True)
        .first()
    )
    if same is not None:
        raise _refused(
            "file",
            _("This file is already attached as this kind of evidence, as “%(name)s”.")
            % {"name": same},
            "duplicate",
        )


def evidence_delete(*, evidence: Evidence) -> None:
    """Delete the evidence; its file goes once the deletion has committed, so a rollback
    never leaves a row without its file."""
    storage, stored_name = evidence.file.storage, evidence.file.name
    with transaction.atomic():
        evidence.delete()
        transaction.on_commit(lambda: storage.delete(stored_name), robust=True)


def has_evidence_error() -> ValidationError:
    return ValidationError(
        _("This has evidence files. Delete those first; nothing was deleted."),
        code="has_evidence",
    )


def refuse_delete_with_evidence(proven) -> None:
    """A contribution or cost line with evidence is not deleted: its files would lose what
    they prove. The message says what to do instead."""
    if proven.evidence.exists():
        raise has_evidence_error()
