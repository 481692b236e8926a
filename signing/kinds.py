"""Kinds of document that signing can sign, registered by the apps that own them.

Signing sits on partners alone: it cannot know what an agreement, a statement or a deed is.
An app that has a document to sign registers a `DocumentKind` in its AppConfig.ready() (as
apps register panels with partners), and signing asks the kind whenever the answer depends
on the subject: who may send it, whether a newer document replaced it, what happens when
everyone signed, what the signature page and the decline form add.

Every hook takes the `Document`; only the kind reads `document.subject`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.text import slugify


@dataclass(frozen=True)
class DeclineField:
    """A field a kind adds to the decline form (e.g. the items a signer disputes)."""

    name: str
    label: str
    help_text: str = ""
    required: bool = False
    max_length: int = 2000


def _never(document) -> bool:
    return False


def _nothing(document, signing_round) -> None:
    return None


def _not_told(document, signature_request) -> None:
    return None


def _no_lines(document) -> list[tuple[str, str]]:
    return []


def _no_url(document) -> str:
    return ""


def default_filename(document) -> str:
    return f"{slugify(document.title) or 'document'}.pdf"


def signed_filename(kind: "DocumentKind", document) -> str:
    """The sealed PDF's name: the document's, marked as signed."""
    name = kind.filename(document) if kind else default_filename(document)
    return f"{name.removesuffix('.pdf')}-ondertekend.pdf"


@dataclass(frozen=True)
class DocumentKind:
    """What signing needs to know of one kind of document.

    - `send_need`: who may send it (a `partners.tenancy` need: "lead" or "write"); the
      send page refuses everyone else.
    - `is_superseded(document)`: a newer document replaces this one; its links stop working.
    - `on_complete(document, signing_round)`: run once after everyone signed, in its own
      transaction; if it raises, the round shows the error and `retry_sealing` runs it again.
    - `signature_page(document)`: extra (label, value) rows for the signature page, in the
      document's language.
    - `subject_url(document)`: the leader's page of what was signed ("" for none).
    - `filename(document)`: the PDF's file name (the sealed one adds "-ondertekend").
    - `decline_fields`: what a signer who declines fills in besides the reason.
    - `on_decline(document, signature_request)`: run when a signer declined, inside the
      decline's transaction (the request holds the reason and the decline fields).
    """

    key: str
    label: str
    send_need: str = "lead"
    is_superseded: Callable = _never
    on_complete: Callable = _nothing
    signature_page: Callable = _no_lines
    subject_url: Callable = _no_url
    filename: Callable = default_filename
    decline_fields: tuple[DeclineField, ...] = field(default_factory=tuple)
    on_decline: Callable = _not_told


class UnknownKind(LookupError):
    """A document whose kind no app registered (the app was removed or not installed)."""


_KINDS: dict[str, DocumentKind] = {}


def register_kind(kind: DocumentKind) -> DocumentKind:
    """Register a kind; registering the same key again replaces it (tests, reloads)."""
    _KINDS[kind.key] = kind
    return kind


def unregister_kind(key: str) -> None:
    _KINDS.pop(key, None)


def kind_of(document) -> DocumentKind:
    try:
        return _KINDS[document.kind]
    except KeyError:
        raise UnknownKind(f"no document kind {document.kind!r} is registered") from None


def find_kind(document) -> DocumentKind | None:
    return _KINDS.get(document.kind)


def document_filename(document) -> str:
    kind = find_kind(document)
    return kind.filename(document) if kind else default_filename(document)
