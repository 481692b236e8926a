"""What a signer types, checked (docs/rules.md §13): the statement they confirm, their name
against the one the document names, and a drawn signature."""

import base64
import binascii
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from signing.models import SignatureRequest

MAX_SIGNATURE_IMAGE = 200_000  # characters of the data: URL
PNG_PREFIX = "data:image/png;base64,"
# Evidence of authority reads "document, date; checked by …": the statement quotes the
# part before this separator.
CHECKED_SEPARATOR = "; "


def co_signers(signature_request: SignatureRequest) -> list[str]:
    """The others the document names to sign for the same organisation (joint authority,
    or a director with a co-signatory), from the document's frozen signers: no query."""
    signers = signature_request.round.document.signers or []
    return [
        signer["name"]
        for signer in signers
        if signer.get("party_key") == signature_request.party_key
        and signer.get("signatory_key") != signature_request.signatory_key
    ]


def statement_for(signature_request: SignatureRequest) -> str:
    """The statement the signatory confirms: who they sign for, as what, on what authority
    and where that shows (the evidence's document, not who checked it); with joint
    authority, who signs with them."""
    label = signature_request.authority_label
    authority = label[:1].lower() + label[1:]
    values = {
        "organisation": signature_request.organisation_name,
        "job_title": signature_request.job_title or _("signatory"),
        "authority": authority,
        "evidence": signature_request.evidence.split(CHECKED_SEPARATOR, 1)[0],
    }
    if values["evidence"]:
        text = (
            _(
                "I sign on behalf of %(organisation)s as %(job_title)s and am authorised to do "
                "so as %(authority)s, as shown by: %(evidence)s."
            )
            % values
        )
    else:
        text = (
            _(
                "I sign on behalf of %(organisation)s as %(job_title)s and am authorised to do "
                "so as %(authority)s."
            )
            % values
        )
    others = co_signers(signature_request)
    if others:
        text += " " + ngettext(
            "%(names)s also signs on behalf of %(organisation)s; together we represent it.",
            "%(names)s also sign on behalf of %(organisation)s; together we represent it.",
            len(others),
        ) % {"names": _join(others), "organisation": signature_request.organisation_name}
    return text


def _join(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C" in the current language."""
    if len(names) < 2:
        return "".join(names)
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _name_key(name: str) -> list[str]:
    """A name's words without accents, dots or case: "J.P. Gérritsen" → ["j", "p", "gerritsen"]."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return re.findall(r"[a-z]+", folded)


def name_matches(typed: str, recorded: str) -> bool:
    """Whether a typed name can be the recorded signatory's: it has at least two words and
    ends with the recorded family name ("P. Gerritsen" or "Peter Gerritsen" for Peter
    Gerritsen; not "Peter", not "Jan Jansen"). Initials and first names may vary."""
    typed_words, recorded_words = _name_key(typed), _name_key(recorded)
    if len(typed_words) < 2 or not recorded_words:
        return False
    return typed_words[-1] == recorded_words[-1]


def check_name(
    typed: str, signature_request: SignatureRequest, *, field: str = "typed_name"
) -> None:
    if not name_matches(typed, signature_request.name):
        raise ValidationError(
            {
                field: _(
                    "Type the full name of %(name)s, who is asked to sign. If that is not you, "
                    "tell the project leader that you are not the right person."
                )
                % {"name": signature_request.name}
            },
            code="name_mismatch",
        )


def clean_typed_name(value: str) -> str:
    name = " ".join((value or "").split())
    if len(name) < 2 or not any(ch.isalpha() for ch in name):
        raise ValidationError(_("Type your full name."), code="name")
    if len(name) > 200:
        raise ValidationError(_("A name can be at most 200 characters."), code="name")
    return name


def clean_signature_image(value: str) -> str:
    """ "" or a PNG as a data: URL of at most MAX_SIGNATURE_IMAGE characters."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > MAX_SIGNATURE_IMAGE or not value.startswith(PNG_PREFIX):
        raise ValidationError(
            _("The drawn signature could not be read. Draw it again or leave it empty."),
            code="image",
        )
    try:
        raw = base64.b64decode(value[len(PNG_PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValidationError(
            _("The drawn signature could not be read. Draw it again or leave it empty."),
            code="image",
        ) from error
    if not raw.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValidationError(
            _("The drawn signature could not be read. Draw it again or leave it empty."),
            code="image",
        )
    return value
