"""Reads on the members of a partnership."""

from dataclasses import dataclass

from django.db.models import QuerySet

from partners.models import Interaction, Membership, Organisation


@dataclass(frozen=True)
class Ownership:
    """What a member owns in their partnership: the organisations they are relationship
    owner of and the next steps, not done yet, they are the owner of."""

    organisations: QuerySet[Organisation]
    open_next_steps: QuerySet[Interaction]


def member_ownership(*, membership: Membership) -> Ownership:
    partnership, user = membership.partnership_id, membership.user_id
    return Ownership(
        organisations=Organisation.objects.filter(partnership=partnership, relationship_owner=user),
        open_next_steps=Interaction.objects.filter(
            partnership=partnership, next_step_owner=user, next_step_done_at=None
        ).exclude(next_step=""),
    )
