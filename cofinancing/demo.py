"""Demo data of the cofinancing app: a four-year budget under STO
2025–2028 whose business cofinancing meets the required 10% also without the O&O fund's
override, contributions of every kind from the demo organisations, an activity funded by
the RIF (its lines out unless they say why not), and one machine serving two activities in
one year within its limits. cofinancing/demo_settlement.py then realises the years gone by.

Runs after `partners.demo.seed()` and `activities.demo.seed(partnership)`, on the
organisations and activities they create (looked up by name and code). Everything is
fictitious. No value is typed in: contributions are valued by the rules
(cofinancing.services.contributions.contribution_save) and cost lines are price × quantity
(cofinancing.services.budget.cost_line_save). Seeding twice changes nothing: rows are found
by natural keys (contribution by organisation, activity, year, kind and description; cost
line by year, category and description; funding line by year, source and description) and
an existing row is left as it is.
"""

from decimal import Decimal

from django_scopes import scopes_disabled

from activities.models import Activity
from cofinancing import demo_settlement
from cofinancing.models import Budget, Contribution, CostLine, FundingLine, Scheme
from cofinancing.services.budget import cost_line_save, funding_line_save
from cofinancing.services.contributions import contribution_save
from partners import demo as partners_demo
from partners.models import Membership, Organisation, Partnership, Role

SCHEME = "sto-2025-2028"
YEARS = (2025, 2026, 2027, 2028)
ORGANISATION_NAMES = {row[0]: row[1] for row in partners_demo.ORGANISATIONS}
D = Decimal

# --- the budget -----------------------------------------------------------------------------

# Every year: category, description, price, quantity.
YEARLY_COSTS = [
    ("internal_personnel", "Projectleiding en coördinatie", D("85.00"), D("1600")),
    ("internal_personnel", "Ontwikkeltijd docenten vmbo en mbo", D("68.00"), D("5700")),
    ("external_personnel", "Procesbegeleiding en loopbaanexperts", D("115.00"), D("1200")),
    ("material", "Materiaal en gereedschap praktijkroutes", D("37500.00"), D("4")),
    ("depreciation", "Afschrijving lasrobots en CNC-machines scholen", D("9500.00"), D("12")),
    ("rent", "Huur praktijklokalen en Fablab", D("275.00"), D("400")),
]
# year, category, description, price, quantity, activity code (or None).
COST_LINES = [
    *[(year, *line, None) for year in YEARS for line in YEARLY_COSTS],
    (2025, "other", "Communicatie, website en startbijeenkomst", D("12500.00"), D("1"), None),
    (2026, "other", "Communicatie en techniekdagen", D("9800.00"), D("1"), "A17"),
    (2027, "other", "Communicatie en techniekdagen", D("9800.00"), D("1"), "A17"),
    (2028, "other", "Eindevaluatie en slotmanifestatie", D("14250.00"), D("1"), None),
    (2027, "rent", "Inrichting tweede praktijklokaal installatietechniek", D("4250.00"),
     D("2"), "A5"),
]  # fmt: skip

# year, source, description, amount.
FUNDING_LINES = [
    (2025, "subsidy", "STO-subsidie", D("850600.00")),
    (2026, "subsidy", "STO-subsidie", D("847900.00")),
    (2027, "subsidy", "STO-subsidie", D("891400.00")),
    (2028, "subsidy", "STO-subsidie", D("892350.00")),
    *[(year, "schools", "Eigen bijdrage ROC Voorbeeldstad", D("45000.00")) for year in YEARS],
    *[
        (year, "schools", "Eigen bijdrage Technisch College en Vakcollege", D("25000.00"))
        for year in YEARS
    ],
    (2025, "other_public", "Provincie Voorbeeldland, regiodeal techniek", D("40000.00")),
    (2026, "other_public", "Provincie Voorbeeldland, regiodeal techniek", D("40000.00")),
]

# --- contributions --------------------------------------------------------------------------

PLEDGED, CONFIRMED, REALISED = "pledged", "confirmed", "realised"

# A rate other than the scheme's € 50 needs a written justification (docs/rules.md §5).
HYBRID_RATE = D("62.50")
HYBRID_JUSTIFICATION = (
    "De hybride docent wordt gewaardeerd tegen het uurtarief van de GPL van de CAO VO "
    "(schaal LB, inclusief werkgeverslasten), omdat hij lesgeeft als docent; berekening "
    "bijgevoegd bij de samenwerkingsovereenkomst."
)
NOT_IN_RIF = (
    "Het RIF-project betaalt alleen de huur van de robotcel; de uren van de engineer staan "
    "niet in de RIF-begroting en worden daar niet verantwoord."
)
CNC = {
    "acquisition_value": D("60000.00"),
    "residual_value": D("0.00"),
    "life_months": 120,
    "machine_id": "VDM-CNC-2019-01",
}
MILLING = {
    "acquisition_value": D("85000.00"),
    "residual_value": D("5000.00"),
    "life_months": 96,
    "project_share": D("100"),
    "machine_id": "MFO-FREES-07",
}


def _labour(hours, rate=None, justification=""):
    inputs = {"hours": D(hours)}
    if rate is not None:
        inputs.update(hourly_rate=rate, rate_justification=justification)
    return inputs


def _by_year(statuses):
    return dict(zip(YEARS, statuses, strict=True))


STATUS_BY_YEAR = _by_year([REALISED, CONFIRMED, PLEDGED, PLEDGED])

# organisation key, activity code (or None), year, kind, description, status, inputs,
# other funding.
CONTRIBUTIONS = [
    # Money
    *[
        ("opleidingsfonds-techniek", "A1", year, "money",
         f"Storting materiaal praktijkroutes {year}", STATUS_BY_YEAR[year],
         {"amount": D("40000.00")}, "")
        for year in YEARS
    ],
    *[
        ("metaalkring", "A2", year, "money", f"Bijdrage techniekdag {year}: zaalhuur, vervoer "
         "en materiaal", STATUS_BY_YEAR[year], {"amount": D("7500.00")}, "")
        for year in YEARS
    ],
    # Companies pay into the practice routes every year: with these the share is met without
    # the O&O fund too, which counts as business only by the leader's override.
    *[
        (key, code, year, "money", f"{what} {year}", STATUS_BY_YEAR[year],
         {"amount": amount}, "")
        for key, code, what, amount in (
            ("vandijk-metaal", "A3", "Bijdrage praktijkroute verspanen", D("15000.00")),
            ("installatietechniek-oost", "A7", "Bijdrage praktijkroute installatietechniek",
             D("10000.00")),
            ("energie-westerveen", "A11", "Bijdrage leerwerkplaats servicetechniek",
             D("10000.00")),
            ("bouwbedrijf-jansen", "A12", "Bijdrage snuffelstages bouw", D("5000.00")),
        )
        for year in YEARS
    ],
    ("ontwikkelbedrijf-voorbeeldstad", "A5", 2027, "money",
     "Bijdrage aan de verbouwing van het praktijklokaal", PLEDGED, {"amount": D("5000.00")}, ""),
    # Labour at the scheme's default rate: 30 guest lessons × 3 hours × € 50 = € 4,500.
    ("vandijk-metaal", "A6", 2025, "labour", "Dertig gastlessen verspanen van drie uur",
     REALISED, _labour("90"), ""),
    ("vandijk-metaal", "A3", 2026, "labour", "Werkplaatsbegeleider bij de praktijklessen CNC",
     CONFIRMED, _labour("76"), ""),
    # Labour at another rate, with its justification.
    ("installatietechniek-oost", "A7", 2025, "labour", "Hybride docent elektrotechniek, "
     "twee dagen per week", REALISED, _labour("256", HYBRID_RATE, HYBRID_JUSTIFICATION), ""),
    ("installatietechniek-oost", "A7", 2026, "labour", "Hybride docent elektrotechniek, "
     "twee dagen per week", CONFIRMED, _labour("608", HYBRID_RATE, HYBRID_JUSTIFICATION), ""),
    ("installatietechniek-oost", "A7", 2027, "labour", "Hybride docent elektrotechniek, "
     "één dag per week", PLEDGED, _labour("304", HYBRID_RATE, HYBRID_JUSTIFICATION), ""),
    *[
        ("mf-oosterbroek", "A9", year, "labour", "Twee docentstages van een week met vaste "
         "begeleider", STATUS_BY_YEAR[year], _labour("80"), "")
        for year in (2025, 2026, 2027)
    ],
    *[
        ("energie-westerveen", "A11", year, "labour", "Praktijkopleider voor drie stagiairs "
         "servicetechniek", STATUS_BY_YEAR[year], _labour("240"), "")
        for year in YEARS
    ],
    ("bouwbedrijf-jansen", "A12", 2026, "labour", "Leermeester bij de snuffelstages op de "
     "bouwplaats", REALISED, _labour("72"), ""),
    # Pledged, then cancelled with its reason (cofinancing/demo_settlement.py).
    ("bouwbedrijf-jansen", "A12", 2026, "room", "Keet op de bouwplaats als leslokaal",
     CONFIRMED, {"units": D("12"), "unit_price": D("90.00")}, ""),
    *[
        ("autovisser", "A14", year, "labour", "Praktijklessen keuzevak elektrisch rijden",
         STATUS_BY_YEAR[year], _labour("120"), "")
        for year in (2025, 2026, 2027)
    ],
    # A15 is paid by a RIF project; the engineer's hours are not in its budget, and say so.
    *[
        ("robotica-heidelo", "A15", year, "labour", "Engineer voor tien praktijklessen robotica",
         STATUS_BY_YEAR[year], {**_labour("40"), "not_double_financed": NOT_IN_RIF}, "")
        for year in YEARS
    ],
    ("werf-havenmond", "A20", 2026, "labour", "Begeleiding lasopdrachten sloepbouw", CONFIRMED,
     _labour("160"), ""),
    ("werf-havenmond", "A20", 2027, "labour", "Begeleiding lasopdrachten sloepbouw", PLEDGED,
     _labour("160"), ""),
    ("groene-hoek", "A19", 2025, "labour", "Begeleiding ontwerp groen dak", REALISED,
     _labour("16"), ""),
    ("groene-hoek", "A19", 2026, "labour", "Begeleiding aanleg groen dak", REALISED,
     _labour("24"), ""),
    # Labour of schools: in kind, so it counts as cost and funding, but not as business.
    *[
        ("technischcollege-voorbeeldstad", "A17", year, "labour",
         "Organisatie regionale techniekdag", STATUS_BY_YEAR[year], _labour("80"), "")
        for year in YEARS
    ],
    ("roc-voorbeeldstad", "A15", 2025, "labour", "Ontwikkeling keuzevak robotica", REALISED,
     _labour("200"), ""),
    # Material
    ("groene-hoek", "A19", 2026, "material", "Sedumplanten en substraat voor het groene dak",
     REALISED, {"amount": D("3200.00")}, ""),
    ("werf-havenmond", "A20", 2026, "material", "Staal en lasdraad voor de sloep", CONFIRMED,
     {"amount": D("6500.00")}, ""),
    ("installatietechniek-oost", "A5", 2027, "material", "Installatiewanden en gereedschap "
     "voor het praktijklokaal", PLEDGED, {"amount": D("12000.00")}, ""),
    # Room: 20 dagdelen × € 250 = € 5,000.
    ("zorggroep-delinde", "A13", 2027, "room", "Werkplaats technische dienst, twintig dagdelen",
     PLEDGED, {"units": D("20"), "unit_price": D("250.00")}, ""),
    *[
        ("gemeente-voorbeeldstad", "A5", year, "room", "Praktijklokaal Stadhuisplein, twee "
         "dagdelen per week", PLEDGED, {"units": D("76"), "unit_price": D("125.00")}, "")
        for year in (2027, 2028)
    ],
    # Depreciation: a CNC lathe of € 60,000 over 120 months. In 2026 it serves two activities
    # (praktijklessen and gastlessen): 6 + 1,2 weighted months, within the year's 12.
    ("vandijk-metaal", "A3", 2025, "depreciation", "CNC-draaibank voor de praktijklessen",
     REALISED, {**CNC, "months_used": 4, "project_share": D("50")}, ""),
    ("vandijk-metaal", "A3", 2026, "depreciation", "CNC-draaibank voor de praktijklessen",
     CONFIRMED, {**CNC, "months_used": 12, "project_share": D("50")}, ""),
    ("vandijk-metaal", "A6", 2026, "depreciation", "CNC-draaibank voor de gastlessen verspanen",
     REALISED, {**CNC, "months_used": 6, "project_share": D("20")}, ""),
    ("mf-oosterbroek", "A4", 2025, "depreciation", "Gereviseerde freesmachine in het "
     "praktijklokaal", REALISED, {**MILLING, "months_used": 11}, ""),
    *[
        ("mf-oosterbroek", "A4", year, "depreciation", "Gereviseerde freesmachine in het "
         "praktijklokaal", STATUS_BY_YEAR[year], {**MILLING, "months_used": 12}, "")
        for year in (2026, 2027, 2028)
    ],
    # Lease
    ("autovisser", "A14", 2025, "lease", "Lease elektrische lesauto, vier maanden", REALISED,
     {"amount": D("1800.00")}, ""),
    ("autovisser", "A14", 2026, "lease", "Lease elektrische lesauto", CONFIRMED,
     {"amount": D("5400.00")}, ""),
    ("autovisser", "A14", 2027, "lease", "Lease elektrische lesauto, zeven maanden", PLEDGED,
     {"amount": D("3150.00")}, ""),
    # Funded by another scheme (the RIF project pays the robot cell): listed, not counted.
    ("robotica-heidelo", "A15", 2026, "lease", "Huur robotcel Fieldlab voor het keuzevak",
     CONFIRMED, {"amount": D("18000.00")}, "RIF-2024-017"),
]  # fmt: skip


def seed(partnership: Partnership) -> Budget:
    """Add the budget and contributions to the demo partnership once; a second run changes
    nothing."""
    with scopes_disabled():
        return _Seed(partnership).seed()


class _Seed:
    def __init__(self, partnership: Partnership):
        self.partnership = partnership
        self.organisations = {
            organisation.name: organisation
            for organisation in Organisation.objects.filter(partnership=partnership)
        }
        self.activities = {
            activity.short_code.upper(): activity
            for activity in Activity.objects.filter(partnership=partnership)
        }
        leader = (
            Membership.objects.filter(partnership=partnership, role=Role.LEADER)
            .select_related("user")
            .order_by("user__email")
            .first()
        )
        self.user = leader.user if leader else None

    def organisation(self, key: str) -> Organisation:
        return self.organisations[ORGANISATION_NAMES[key]]

    def activity(self, code: str | None) -> Activity | None:
        return self.activities[code.upper()] if code else None

    def seed(self) -> Budget:
        self.budget, _ = Budget.objects.select_related("scheme").get_or_create(
            partnership=self.partnership, defaults={"scheme": Scheme.objects.get(code=SCHEME)}
        )
        for row in COST_LINES:
            self.cost_line(*row)
        for row in FUNDING_LINES:
            self.funding_line(*row)
        for row in CONTRIBUTIONS:
            self.contribution(*row)
        demo_settlement.seed(self.budget, self.user)
        return self.budget

    def cost_line(self, year, category, description, price, quantity, activity):
        lines = CostLine.objects.filter(partnership=self.partnership)
        if lines.filter(year=year, category=category, description=description).exists():
            return
        cost_line_save(
            budget=self.budget,
            year=year,
            category=category,
            description=description,
            unit_price=price,
            quantity=quantity,
            activity=self.activity(activity),
        )

    def funding_line(self, year, source, description, amount):
        lines = FundingLine.objects.filter(partnership=self.partnership)
        if lines.filter(year=year, source=source, description=description).exists():
            return
        funding_line_save(
            budget=self.budget, year=year, source=source, description=description, amount=amount
        )

    def contribution(self, key, code, year, kind, description, status, inputs, other_funding):
        organisation = self.organisation(key)
        activity = self.activity(code)
        if Contribution.objects.filter(
            partnership=self.partnership,
            organisation=organisation,
            activity=activity,
            year=year,
            kind=kind,
            description=description,
        ).exists():
            return
        contribution_save(
            budget=self.budget,
            user=self.user,
            organisation=organisation,
            activity=activity,
            year=year,
            kind=kind,
            description=description,
            status=status,
            other_funding=other_funding,
            **inputs,
        )
