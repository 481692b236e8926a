"""Writes on networks and their member organisations."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partners.models import Network, NetworkMember, Organisation, Partnership


def _check_name_free(*, partnership: Partnership, name: str, network: Network | None = None):
    """A partnership keeps one network per name, ignoring case, so lists and exports
    never show two networks nobody can tell apart."""
    others = Network.objects.filter(partnership=partnership, name__iexact=name)
    if network is not None and network.pk:
        others = others.exclude(pk=network.pk)
    if others.exists():
        raise ValidationError(
            {"name": _("This partnership already has a network called %(name)s.") % {"name": name}}
        )


def _check_description(description: str):
    # TextField.max_length is only a form hint; the service enforces it for every caller.
    limit = Network._meta.get_field("description").max_length
    if len(description) > limit:
        raise ValidationError(
            {
                "description": _("Keep the description to %(limit)d characters or fewer.")
                % {"limit": limit}
            }
        )


def network_create(
    *,
    partnership: Partnership,
    name: str,
    kind: str,
    website: str = "",
    description: str = "",
) -> Network:
    network = Network(
        partnership=partnership,
        name=name.strip(),
        kind=kind,
        website=website.strip(),
        description=description.strip(),
    )
    _check_description(network.description)
    _check_name_free(partnership=partnership, name=network.name)
    # The name rule is checked above with a field error; the database constraint backs it.
    network.full_clean(validate_constraints=False)
    with transaction.atomic():
        network.save()
    return network


def network_update(
    *, network: Network, name: str, kind: str, website: str = "", description: str = ""
) -> Network:
    network.name = name.strip()
    network.kind = kind
    network.website = website.strip()
    network.description = description.strip()
    _check_description(network.description)
    _check_name_free(partnership=network.partnership, name=network.name, network=network)
    network.full_clean(validate_constraints=False)
    with transaction.atomic():
        network.save()
    return network


def network_member_add(
    *, network: Network, organisation: Organisation, role: str = ""
) -> NetworkMember:
    """Only the network's own partnership's organisations can join, and each only once
    (the constraint `network_member_once`)."""
    if organisation.partnership_id != network.partnership_id:
        raise ValidationError({"organisation": _("Choose an organisation of this partnership.")})
    member = NetworkMember(
        partnership_id=network.partnership_id,
        network=network,
        organisation=organisation,
        role=role.strip(),
    )
    member.full_clean(exclude=["partnership", "network", "organisation"], validate_unique=False)
    with transaction.atomic():
        if NetworkMember.objects.filter(network=network, organisation=organisation).exists():
            raise ValidationError(
                {
                    "organisation": _("%(organisation)s is already a member of this network.")
                    % {"organisation": organisation.name}
                }
            )
        member.save()
    return member


def network_member_remove(*, member: NetworkMember) -> None:
    member.delete()


def network_member_change_role(*, member: NetworkMember, role: str = "") -> NetworkMember:
    """Change the role an organisation has in a network (at most 200 characters)."""
    member.role = role.strip()
    member.full_clean(exclude=["partnership", "network", "organisation"], validate_unique=False)
    member.save(update_fields=["role"])
    return member
