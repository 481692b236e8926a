"""Reads on contacts and signatories, shaped so pages run a fixed number of queries."""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet

from partners.models import Contact, Organisation, Partnership, Signatory
from partners.signing import SignatoryFacts, SigningStatus, signing_status

# Everything a contact row shows about its signatory, joined in the same query.
_SIGNATORY_RELATED = (
    "signatory",
    "signatory__checked_by",
    "signatory__co_signatory__contact",
)

__all__ = [
    "contact_list",
    "organisation_contacts",
    "organisation_signing_status",
    "signatory_facts",
    "signatory_of",
]


def signatory_of(contact: Contact) -> Signatory | None:
    """The contact's signatory row, or None (the reverse one-to-one raises when absent)."""
    try:
        return contact.signatory
    except ObjectDoesNotExist:
        return None


def contact_list(*, partnership: Partnership) -> QuerySet[Contact]:
    """All contacts of a partnership with their organisation and signatory (one query)."""
    return (
        Contact.objects.filter(partnership=partnership)
        .select_related("organisation", *_SIGNATORY_RELATED)
        .order_by("organisation__name", "-is_primary", "name", "pk")
    )


def organisation_contacts(*, organisation: Organisation) -> list[Contact]:
    """The organisation's contacts, primary first, with signatory, its checker and its
    co-signatory's contact joined in (one query). `contact.signatory` raises when a contact
    is not a signatory; use `signatory_of(contact)` in Python (templates treat it as empty)."""
    return list(
        Contact.objects.filter(
            partnership_id=organisation.partnership_id, organisation=organisation
        )
        .select_related(*_SIGNATORY_RELATED)
        .order_by("-is_primary", "name", "pk")
    )


def signatory_facts(signatory: Signatory) -> SignatoryFacts:
    return SignatoryFacts(
        pk=signatory.pk,
        name=signatory.contact.name,
        authority=signatory.authority,
        has_evidence=bool(
            signatory.evidence_source and signatory.evidence_reference and signatory.evidence_date
        ),
        is_checked=signatory.checked_at is not None,
        co_signatory_pk=signatory.co_signatory_id,
        proxy_limit=signatory.proxy_limit,
    )


def organisation_signing_status(
    *, organisation: Organisation, contacts: list[Contact]
) -> SigningStatus:
    """Whether the organisation has a valid signatory, and why not, from contacts already
    loaded by `organisation_contacts` (no queries)."""
    facts = []
    for contact in contacts:
        signatory = signatory_of(contact)
        if signatory is not None:
            facts.append(signatory_facts(signatory))
    return signing_status(organisation.kind, facts)
