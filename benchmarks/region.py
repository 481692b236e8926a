"""The bench region of `make bench` (benchmarks/run.py): made once with bulk inserts and
kept for the next run. Imported after Django is set up."""

import datetime

from django.db import transaction
from django_scopes import scopes_disabled

from benchmarks.region_names import EMAIL, SLUG


def build_region(organisations: int):
    """The bench region, made once with bulk inserts; returns (partnership, user)."""
    from django.contrib.auth import get_user_model

    from activities.models import Activity, CooperationForm
    from cofinancing.models import Budget, Contribution, CostLine, FundingLine, Scheme
    from cofinancing.schemes import ensure_schemes
    from partners.models import Interaction, Membership, Organisation, Partnership, Role

    with scopes_disabled(), transaction.atomic():
        user = get_user_model().objects.filter(email=EMAIL).first()
        if user is None:
            user = get_user_model().objects.create_superuser(email=EMAIL, password=None)
        partnership = Partnership.objects.filter(slug=SLUG).first()
        if partnership is not None:
            have = Organisation.objects.filter(partnership=partnership).count()
            if have >= organisations:
                return partnership, user
            raise SystemExit(
                f"The bench region has {have} organisations, fewer than {organisations}: "
                "drop the database (or ask for fewer) and run again."
            )
        ensure_schemes()
        partnership = Partnership.objects.create(
            slug=SLUG, name="Regio Benchmark", region="Twente", start_year=2025, end_year=2028
        )
        Membership.objects.create(partnership=partnership, user=user, role=Role.LEADER)
        Budget.objects.create(
            partnership=partnership, scheme=Scheme.objects.get(code="sto-2025-2028")
        )
        kinds = ["company", "company", "mbo", "vmbo", "branch_organisation"]
        orgs = Organisation.objects.bulk_create(
            Organisation(
                partnership=partnership,
                name=f"Techniekbedrijf {index:04} B.V.",
                kind=kinds[index % len(kinds)],
                city=["Hengelo", "Enschede", "Almelo", "Oldenzaal"][index % 4],
                kvk_number=f"{20000000 + index:08d}",
            )
            for index in range(organisations)
        )
        activities = Activity.objects.bulk_create(
            Activity(
                partnership=partnership,
                short_code=f"A{index + 1}",
                title=f"Techniekdag {index + 1}",
                form=CooperationForm.GUEST_TEACHERS,
                lead_organisation=orgs[index],
            )
            for index in range(organisations // 10)
        )
        statuses = ["pledged", "confirmed", "realised", "certified"]
        Contribution.objects.bulk_create(
            Contribution(
                partnership=partnership,
                organisation=org,
                activity=activities[index % len(activities)],
                year=2025 + (index + second) % 4,
                kind="labour",
                description=f"Gastlessen {index}-{second}",
                hours=10 + index % 7,
                hourly_rate=50,
                value=50 * (10 + index % 7),
                status=statuses[(index + second) % 4],
            )
            for index, org in enumerate(orgs)
            for second in range(2)
        )
        today = datetime.date.today()
        Interaction.objects.bulk_create(
            Interaction(
                partnership=partnership,
                organisation=org,
                kind="visit",
                date=today - datetime.timedelta(days=index % 400),
                summary="Kennismaking en rondleiding in de werkplaats.",
            )
            for index, org in enumerate(orgs)
        )
        for year in range(2025, 2029):
            CostLine.objects.create(
                partnership=partnership, year=year, category="internal_personnel",
                description="Projectleider", unit_price=80, quantity=1000, amount=80000,
            )  # fmt: skip
            FundingLine.objects.create(
                partnership=partnership, year=year, source="subsidy",
                description="STO-subsidie", amount=150000,
            )  # fmt: skip
    return partnership, user


# Pages against the admin ----------------------------------------------------------------
