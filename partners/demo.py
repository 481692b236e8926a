"""Demo data of the partners app: the fictitious region and its three accounts."""

from django.contrib.auth import get_user_model

from partners.models import Membership, Partnership, Role

DEMO_SLUG = "demo"
DEMO_PASSWORD = "sterk-demo-2026"
DEMO_ACCOUNTS = [
    ("leider@demo.sterk.test", "Lotte", "de Leider", Role.LEADER),
    ("redacteur@demo.sterk.test", "Ravi", "Redacteur", Role.EDITOR),
    ("lezer@demo.sterk.test", "Lieke", "Lezer", Role.VIEWER),
]


def seed(stdout=None) -> Partnership:
    """Create the demo partnership and accounts once; a second run changes nothing."""
    partnership, _ = Partnership.objects.get_or_create(
        slug=DEMO_SLUG,
        defaults={
            "name": "Demo: Sterk Techniek Voorbeeldregio",
            "region": "Voorbeeldregio (fictief)",
            "start_year": 2025,
            "end_year": 2028,
            "is_demo": True,
        },
    )
    User = get_user_model()
    for email, first_name, last_name, role in DEMO_ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, first_name=first_name, last_name=last_name
            )
        Membership.objects.get_or_create(
            partnership=partnership, user=user, defaults={"role": role}
        )
    return partnership
