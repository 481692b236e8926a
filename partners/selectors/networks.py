"""Reads on networks and their member organisations."""

from django.db.models import Count, Prefetch, QuerySet

from partners.models import Network, NetworkMember, Organisation, Partnership


def network_list(*, partnership: Partnership) -> QuerySet[Network]:
    """The partnership's networks, each with `member_count`, ordered by name."""
    return (
        Network.objects.filter(partnership=partnership)
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("name", "pk")
    )


def network_members(*, network: Network) -> QuerySet[NetworkMember]:
    """The members of one network with their organisation, by organisation name."""
    return (
        NetworkMember.objects.filter(partnership=network.partnership_id, network=network)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )


def network_export_rows(*, networks: QuerySet[Network]) -> list[tuple]:
    """One row per network–member pair, and one row with an empty organisation for a network
    without members: (network, kind, website, organisation, organisation kind, role)."""
    members = NetworkMember.objects.select_related("organisation").order_by(
        "organisation__name", "pk"
    )
    rows = []
    for network in networks.prefetch_related(Prefetch("memberships", queryset=members)):
        kind = network.get_kind_display()
        memberships = network.memberships.all()
        if not memberships:
            rows.append((network.name, kind, network.website, "", "", ""))
        for member in memberships:
            rows.append(
                (
                    network.name,
                    kind,
                    network.website,
                    member.organisation.name,
                    member.organisation.get_kind_display(),
                    member.role,
                )
            )
    return rows


def organisations_not_in_network(*, network: Network) -> QuerySet[Organisation]:
    """The partnership's organisations that may still join this network."""
    return (
        Organisation.objects.filter(partnership=network.partnership_id)
        .exclude(network_memberships__network=network)
        .order_by("name", "pk")
    )


def organisation_networks(*, organisation: Organisation) -> list[NetworkMember]:
    """The networks an organisation belongs to (with its role), for the organisation page."""
    return list(
        NetworkMember.objects.filter(
            partnership=organisation.partnership_id, organisation=organisation
        )
        .select_related("network")
        .order_by("network__name", "pk")
    )
