"""Writes on contacts and signatories.

Every write saves through the model (never `QuerySet.update`), so django-simple-history
records a row per change; inside a request the HistoryRequestMiddleware fills in the user.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Authority, Contact, Organisation, Signatory
from partners.selectors.contacts import signatory_of
from partners.signing import authorities_for_kind

# Fields of a signatory that together form the evidence of authority.
EVIDENCE_FIELDS = ("evidence_source", "evidence_reference", "evidence_date")
CONTACT_FIELDS = ("name", "email", "phone", "job_title", "is_primary", "receives_updates")


def _unset_other_primary(contact: Contact) -> None:
    # The partial unique constraint allows one primary contact per organisation, so the
    # previous one is unset first, in the same transaction.
    others = (
        Contact.objects.select_for_update()
        .filter(
            partnership_id=contact.partnership_id,
            organisation_id=contact.organisation_id,
            is_primary=True,
        )
        .exclude(pk=contact.pk)
    )
    for other in others:
        other.is_primary = False
        other.save(update_fields=["is_primary"])


def _save_contact(contact: Contact) -> Contact:
    if contact.receives_updates and not contact.email.strip():
        raise ValidationError(
            {"receives_updates": _("The update is sent by e-mail: add an e-mail address first.")}
        )
    with transaction.atomic():
        if contact.is_primary:
            _unset_other_primary(contact)
        # `code` is a fresh UUID; checking its uniqueness would only cost a query.
        contact.full_clean(exclude=["partnership", "organisation", "code"])
        contact.save()
    return contact


def contact_create(
    *,
    organisation: Organisation,
    name: str,
    email: str = "",
    phone: str = "",
    job_title: str = "",
    is_primary: bool = False,
    receives_updates: bool = False,
) -> Contact:
    """Add a person to an organisation.

    Making them the primary contact unsets the organisation's previous primary contact:
    an organisation has one primary contact.
    """
    contact = Contact(
        partnership_id=organisation.partnership_id,
        organisation=organisation,
        name=name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        job_title=job_title.strip(),
        is_primary=is_primary,
        receives_updates=receives_updates,
    )
    return _save_contact(contact)


def contact_update(*, contact: Contact, **fields) -> Contact:
    """Change a contact's name, e-mail, phone, job title, primary flag or opt-in to the
    partner update (same rules as contact_create). The organisation cannot change."""
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"contact_update got unknown fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(contact, name, value.strip() if isinstance(value, str) else value)
    return _save_contact(contact)


def contact_delete(*, contact: Contact) -> None:
    """Delete a contact. A signatory must be removed first, so the agreement's signing
    data never points at a person who is gone; links from contact moments just go."""
    signatory = signatory_of(contact)
    if signatory is not None:
        paired = list(
            Signatory.objects.filter(
                partnership_id=contact.partnership_id, co_signatory=signatory
            ).select_related("contact")
        )
        if paired:
            raise ValidationError(
                _(
                    "%(name)s is a signatory and the co-signatory of %(others)s. Remove the "
                    "signatory or choose another co-signatory first."
                )
                % {"name": contact.name, "others": ", ".join(s.contact.name for s in paired)}
            )
        raise ValidationError(
            _("%(name)s is a signatory. Remove the signatory first.") % {"name": contact.name}
        )
    try:
        with transaction.atomic():
            contact.delete()
    except ProtectedError as error:
        # Kept by what an app above partners records of them (a seat in a body, an action).
        kept_by = sorted({str(obj._meta.verbose_name) for obj in error.protected_objects})
        raise ValidationError(
            _("%(name)s is still named elsewhere (%(where)s). Remove them there first.")
            % {"name": contact.name, "where": ", ".join(kept_by)}
        ) from None


def _validate_signatory(
    *,
    contact: Contact,
    authority: str,
    co_signatory: Signatory | None,
    proxy_limit: Decimal | None,
    evidence_date,
    current: Signatory | None,
) -> None:
    errors: dict[str, str] = {}
    kind = contact.organisation.kind
    if authority not in Authority.values:
        errors["authority"] = _("Choose an existing kind of authority.")
    elif authority not in authorities_for_kind(kind):
        errors["authority"] = _(
            "%(authority)s does not fit an organisation of the kind %(kind)s."
        ) % {
            "authority": Authority(authority).label,
            "kind": contact.organisation.get_kind_display(),
        }
    if authority == Authority.JOINT_DIRECTOR and co_signatory is not None:
        if current is not None and co_signatory.pk == current.pk:
            errors["co_signatory"] = _("A signatory cannot be their own co-signatory.")
        elif (
            co_signatory.partnership_id != contact.partnership_id
            or co_signatory.contact.organisation_id != contact.organisation_id
        ):
            errors["co_signatory"] = _("The co-signatory must belong to the same organisation.")
    if authority == Authority.PROXY:
        if proxy_limit is None:
            errors["proxy_limit"] = _("A proxy needs the amount it is limited to.")
        elif not isinstance(proxy_limit, Decimal):
            raise TypeError("proxy_limit must be a Decimal")
        elif proxy_limit <= 0:
            errors["proxy_limit"] = _("The proxy limit must be more than € 0.")
    if evidence_date is not None and evidence_date > timezone.localdate():
        errors["evidence_date"] = _("The date of the evidence cannot be in the future.")
    if errors:
        raise ValidationError(errors)


def signatory_save(
    *,
    contact: Contact,
    authority: str,
    co_signatory: Signatory | None = None,
    proxy_limit: Decimal | None = None,
    evidence_source: str = "",
    evidence_reference: str = "",
    evidence_date=None,
) -> Signatory:
    """Make a contact a signatory, or change their authority and evidence.

    Rules (docs/rules.md §10):
    - the authority must fit the organisation's kind (`signing.authorities_for_kind`);
    - a jointly authorised director signs with a co-signatory: another signatory of the same
      organisation, never themselves. It may be missing while the second director is not
      recorded yet; the signing status then says so. When that co-signatory is also a jointly authorised
      director without a co-signatory, they are paired both ways (B.co_signatory = A), as
      the two sign together;
    - a proxy needs a limit above € 0; for every other authority the limit is cleared, as
      is the co-signatory for anything but a joint director;
    - the evidence date cannot be in the future;
    - changing the evidence (source, reference or date) clears who checked it and when:
      the check applies to the evidence that was checked, so it must be done again.
    """
    current = signatory_of(contact)
    reference = evidence_reference.strip()
    _validate_signatory(
        contact=contact,
        authority=authority,
        co_signatory=co_signatory,
        proxy_limit=proxy_limit,
        evidence_date=evidence_date,
        current=current,
    )
    if authority != Authority.JOINT_DIRECTOR:
        co_signatory = None
    if authority != Authority.PROXY:
        proxy_limit = None
    with transaction.atomic():
        signatory = current or Signatory(partnership_id=contact.partnership_id, contact=contact)
        new_evidence = (evidence_source, reference, evidence_date)
        old_evidence = tuple(getattr(signatory, name) for name in EVIDENCE_FIELDS)
        if signatory.pk is not None and new_evidence != old_evidence:
            signatory.checked_by = None
            signatory.checked_at = None
        signatory.authority = authority
        signatory.co_signatory = co_signatory
        signatory.proxy_limit = proxy_limit
        signatory.evidence_source = evidence_source
        signatory.evidence_reference = reference
        signatory.evidence_date = evidence_date
        signatory.full_clean(
            exclude=["code", "partnership", "contact", "checked_by", "co_signatory"]
        )
        signatory.save()
        if (
            co_signatory is not None
            and co_signatory.authority == Authority.JOINT_DIRECTOR
            and co_signatory.co_signatory_id is None
        ):
            co_signatory.co_signatory = signatory
            co_signatory.save(update_fields=["co_signatory"])
    contact.signatory = signatory
    return signatory


def signatory_check(*, signatory: Signatory, user) -> Signatory:
    """Record that `user` checked the evidence of authority now (docs/rules.md §10:
    who checked it and when). Only complete evidence can be checked."""
    if not all(getattr(signatory, name) for name in EVIDENCE_FIELDS):
        raise ValidationError(
            _(
                "The evidence of %(name)s is incomplete: record its source, reference and "
                "date before checking it."
            )
            % {"name": signatory.contact.name}
        )
    signatory.checked_by = user
    signatory.checked_at = timezone.now()
    signatory.save(update_fields=["checked_by", "checked_at"])
    return signatory


def signatory_remove(*, signatory: Signatory) -> None:
    """Remove a contact's signing authority (the contact stays). Signatories that named
    this one as co-signatory lose that link, saved one by one so history records it."""
    with transaction.atomic():
        paired = Signatory.objects.select_for_update().filter(
            partnership_id=signatory.partnership_id, co_signatory=signatory
        )
        for other in paired:
            other.co_signatory = None
            other.save(update_fields=["co_signatory"])
        signatory.delete()
