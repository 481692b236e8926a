"""Demo data of the activities app: four regional goals, twenty activities covering the
eight forms of cooperation, their participants with tasks, results and one evaluation round.

Runs after `partners.demo.seed()`, on the organisations it creates (looked up by name).
Everything is fictitious and dated on fixed days, so the data is the same on every run and
every day. Seeding twice changes nothing: rows are found by natural keys (goal title,
activity code, result by activity, date and description, evaluation by date), and an
activity that already exists keeps its goals and participants as they are.
"""

import datetime
from decimal import Decimal

from django_scopes import scopes_disabled

from activities.models import (
    Activity,
    ActivityHorizon,
    ActivityStatus,
    Evaluation,
    Goal,
    GoalHorizon,
    Participant,
    Result,
    ResultKind,
)
from activities.models import CooperationForm as F
from partners import demo as partners_demo
from partners.models import Membership, Organisation, Partnership, Role

D = datetime.date
SHORT, LONG = GoalHorizon.SHORT, GoalHorizon.LONG
QUICK, LONG_TERM = ActivityHorizon.QUICK_WIN, ActivityHorizon.LONG_TERM
IDEA, PLANNED, RUNNING, DONE, CANCELLED = (
    ActivityStatus.IDEA,
    ActivityStatus.PLANNED,
    ActivityStatus.RUNNING,
    ActivityStatus.COMPLETED,
    ActivityStatus.CANCELLED,
)
WIN, SETBACK = ResultKind.SUCCESS, ResultKind.SETBACK

# key, title, description, regional need, indicator, target, unit, horizon.
GOALS = {
    "instroom": (
        "Meer leerlingen kiezen voor techniek",
        "Meer leerlingen in het vmbo en mbo van de Voorbeeldregio kiezen een technische "
        "richting en maken die opleiding af.",
        "Bedrijven in de metaal, bouw en installatietechniek kunnen hun vacatures voor "
        "vakmensen niet vullen; de instroom in technische opleidingen daalt al jaren.",
        "Extra leerlingen in een technisch profiel ten opzichte van 2024",
        Decimal("150"),
        "leerlingen",
        LONG,
    ),
    "praktijk": (
        "Leren in echte bedrijven",
        "Elke leerling techniek doet in het vmbo of mbo minstens één echte opdracht, stage "
        "of praktijkles bij een bedrijf uit de regio.",
        "Leerlingen zien te weinig van het werk in de techniek zelf; scholen missen "
        "moderne machines en actuele opdrachten.",
        "Leerlingen met een praktijkopdracht, stage of praktijkles bij een bedrijf",
        Decimal("400"),
        "leerlingen",
        SHORT,
    ),
    "docenten": (
        "Docenten techniek blijven bij",
        "Docenten techniek lopen mee in bedrijven en geven samen met vakmensen les, zodat "
        "het onderwijs aansluit op het werk van nu.",
        "De techniek verandert snel (robotisering, warmtepompen, elektrisch rijden); "
        "docenten hebben weinig gelegenheid om bij te blijven.",
        "Docenten met een docentstage of een les samen met een vakmens",
        Decimal("40"),
        "docenten",
        SHORT,
    ),
    "eigenaarschap": (
        "Bedrijven zijn mede-eigenaar van het techniekonderwijs",
        "Bedrijven dragen niet alleen bij in geld of uren maar bepalen mee wat er geleerd "
        "wordt en nemen zelf activiteiten op zich.",
        "Samenwerking hangt nu af van een paar enthousiaste ondernemers; als zij stoppen, "
        "stopt de samenwerking.",
        "Bedrijven die zelf een activiteit trekken of er structureel aan bijdragen",
        Decimal("30"),
        "bedrijven",
        LONG,
    ),
}

# Organisations of partners.demo, by the key used there.
ORGANISATION_NAMES = {row[0]: row[1] for row in partners_demo.ORGANISATIONS}

# code, title, description, form, goals, lead, start, end, status, horizon,
# (other funding, note), participants as (organisation key, tasks, responsibilities).
ACTIVITIES = [
    ("A1", "Opleidingsfonds betaalt praktijkroutes",
     "Het opleidingsfonds betaalt de materiaalkosten van de praktijkroutes in het mbo.",
     F.FINANCIAL, ["praktijk", "eigenaarschap"], "opleidingsfonds-techniek",
     D(2025, 1, 1), D(2028, 12, 31), RUNNING, LONG_TERM, None,
     [("opleidingsfonds-techniek",
       "Stort jaarlijks € 40.000 voor materiaal in de praktijkroutes.",
       "Stelt het bestedingsplan vast met het ROC en controleert de besteding."),
      ("roc-voorbeeldstad",
       "Koopt het materiaal in en verantwoordt de uitgaven per schooljaar.",
       "Zorgt dat het materiaal alleen in de praktijkroutes wordt gebruikt.")]),
    ("A2", "Metaalkring sponsort de regionale techniekdag",
     "De Metaalkring draagt bij aan de kosten van de jaarlijkse techniekdag voor "
     "vmbo-leerlingen.",
     F.FINANCIAL, ["instroom"], "metaalkring",
     D(2025, 9, 1), D(2028, 7, 31), RUNNING, QUICK, None,
     [("metaalkring",
       "Betaalt jaarlijks € 7.500 aan zaalhuur, vervoer en materiaal.",
       "Roept de leden op om met een stand mee te doen."),
      ("technischcollege-voorbeeldstad",
       "Organiseert de dag en het vervoer van de leerlingen.",
       "Is eindverantwoordelijk voor de veiligheid van de leerlingen.")]),
    ("A3", "CNC-draaibank van Van Dijk voor praktijklessen",
     "Leerlingen van het Technisch College draaien op woensdagmiddag op de CNC-draaibank "
     "van Metaalbewerking Van Dijk.",
     F.FACILITIES, ["praktijk"], "vandijk-metaal",
     D(2025, 9, 1), D(2027, 7, 15), RUNNING, QUICK, None,
     [("vandijk-metaal",
       "Stelt de CNC-draaibank elke woensdagmiddag beschikbaar met een werkplaatsbegeleider.",
       "Zorgt voor onderhoud van de machine en de veiligheidsinstructie."),
      ("technischcollege-voorbeeldstad",
       "Plant de lessen in en stuurt per keer acht leerlingen met een docent.",
       "Houdt toezicht op de leerlingen en meldt schade direct.")]),
    ("A4", "Lesmachine in bruikleen van Machinefabriek Oosterbroek",
     "Een gereviseerde freesmachine staat vier jaar in het praktijklokaal van het ROC.",
     F.FACILITIES, ["praktijk", "docenten"], "mf-oosterbroek",
     D(2025, 2, 1), D(2028, 12, 31), RUNNING, LONG_TERM, None,
     [("mf-oosterbroek",
       "Levert en installeert de freesmachine en geeft de docenten een training.",
       "Blijft eigenaar en verzorgt het jaarlijkse onderhoud."),
      ("roc-voorbeeldstad",
       "Zet de machine in bij de opleiding verspanen en het keuzevak robotica.",
       "Verzekert de machine en gebruikt haar alleen voor onderwijs.")]),
    ("A5", "Praktijklokaal in het gemeentelijk gebouw",
     "De gemeente verhuurt een ruimte aan de Stadhuisplein als tweede praktijklokaal voor "
     "installatietechniek.",
     F.FACILITIES, ["praktijk"], "gemeente-voorbeeldstad",
     D(2027, 1, 1), D(2028, 12, 31), PLANNED, LONG_TERM, None,
     [("gemeente-voorbeeldstad",
       "Stelt het lokaal twee dagdelen per week beschikbaar.",
       "Zorgt voor een veilig gebouw en het beheer van de sleutels."),
      ("installatietechniek-oost",
       "Richt het lokaal in met installatiewanden en gereedschap.",
       "Onderhoudt de installatiewanden."),
      ("roc-voorbeeldstad",
       "Roostert de lessen in en stuurt de docenten aan.",
       "Is verantwoordelijk voor de leerlingen in het lokaal.")]),
    ("A6", "Gastlessen verspanen op het Technisch College",
     "Vakmensen van Van Dijk geven dertig gastlessen verspanen in het derde leerjaar.",
     F.GUEST_TEACHERS, ["instroom", "docenten"], "vandijk-metaal",
     D(2025, 10, 1), D(2026, 6, 30), DONE, QUICK, None,
     [("vandijk-metaal",
       "Levert een vakman voor dertig gastlessen van drie uur.",
       "Bereidt de lessen voor met de docent en neemt eigen gereedschap mee."),
      ("technischcollege-voorbeeldstad",
       "Plant de gastlessen in het rooster en is er met een docent bij.",
       "Evalueert elke gastles met de leerlingen.")]),
    ("A7", "Hybride docent elektrotechniek",
     "Youssef Amrani van Installatietechniek Oost geeft twee dagen per week les in de "
     "opleiding elektrotechniek.",
     F.GUEST_TEACHERS, ["docenten", "eigenaarschap"], "installatietechniek-oost",
     D(2025, 8, 25), D(2028, 7, 15), RUNNING, LONG_TERM, None,
     [("installatietechniek-oost",
       "Stelt een leermeester twee dagen per week beschikbaar als hybride docent.",
       "Blijft werkgever en betaalt het salaris voor de lesdagen."),
      ("roc-voorbeeldstad",
       "Begeleidt de hybride docent didactisch en zorgt voor een bevoegde collega.",
       "Is verantwoordelijk voor het onderwijsprogramma en de examens.")]),
    ("A8", "Lasdemonstraties en gastlessen lassen",
     "Lasbedrijf Hendriks en Staalconstructies Westerveen geven lasdemonstraties en "
     "gastlessen op Vakcollege Havenmond.",
     F.GUEST_TEACHERS, ["instroom"], "staal-westerveen",
     D(2026, 1, 15), D(2026, 12, 31), CANCELLED, QUICK, None,
     [("staal-westerveen",
       "Geeft twee gastlessen lassen per jaar.",
       "Neemt eigen lasapparatuur en beschermingsmiddelen mee."),
      ("lasbedrijf-hendriks",
       "Geeft een lasdemonstratie op de techniekdag.",
       "Zorgt voor een veilige opstelling met afscherming."),
      ("vakcollege-havenmond",
       "Roostert de gastlessen in en zorgt voor een geschikt lokaal.",
       "Houdt toezicht op de leerlingen.")]),
    ("A9", "Docentstages in de maakindustrie",
     "Docenten techniek lopen een week mee in de productie en de werkvoorbereiding.",
     F.TEACHER_PLACEMENTS, ["docenten"], "mf-oosterbroek",
     D(2025, 6, 1), D(2027, 12, 31), RUNNING, LONG_TERM, None,
     [("mf-oosterbroek",
       "Biedt jaarlijks twee docentstages van een week met een vaste begeleider.",
       "Zorgt voor een veiligheidsinstructie en een programma per stage."),
      ("technischcollege-voorbeeldstad",
       "Stuurt jaarlijks één docent en vervangt diens lessen.",
       "Zorgt dat de docent het geleerde verwerkt in een lesopdracht."),
      ("roc-voorbeeldstad",
       "Stuurt jaarlijks één docent en vervangt diens lessen.",
       "Deelt de lesopdrachten met het Technisch College.")]),
    ("A10", "Docenten lopen mee met warmtepompmonteurs",
     "Docenten installatietechniek lopen een dag mee bij het plaatsen van warmtepompen.",
     F.TEACHER_PLACEMENTS, ["docenten"], "klimaat-smit",
     D(2027, 3, 1), D(2027, 6, 30), IDEA, QUICK, None,
     [("klimaat-smit",
       "Neemt vier docenten elk een dag mee naar een klant.",
       "Vraagt de klant om toestemming en zorgt voor de veiligheid op locatie."),
      ("technischcollege-voorbeeldstad",
       "Kiest de docenten en regelt hun vervanging.",
       "Verwerkt de ervaringen in de lesmodule warmtepompen.")]),
    ("A11", "Stageplaatsen servicetechniek warmtenetten",
     "Energietechniek Westerveen begeleidt elk jaar drie mbo-stagiairs in de servicedienst.",
     F.INTERNSHIPS, ["praktijk", "eigenaarschap"], "energie-westerveen",
     D(2025, 9, 1), D(2028, 7, 15), RUNNING, LONG_TERM, None,
     [("energie-westerveen",
       "Biedt drie stageplaatsen per jaar met een erkende praktijkopleider.",
       "Beoordeelt de stagiairs mee voor de beroepspraktijkvorming."),
      ("roc-voorbeeldstad",
       "Selecteert de stagiairs en bezoekt hen elke periode.",
       "Blijft verantwoordelijk voor de opleiding en de examens.")]),
    ("A12", "Snuffelstages in de bouw voor vmbo-leerlingen",
     "Leerlingen van het Technisch College lopen drie dagen mee op een bouwplaats van "
     "Bouwbedrijf Jansen.",
     F.INTERNSHIPS, ["instroom", "praktijk"], "bouwbedrijf-jansen",
     D(2026, 2, 1), D(2026, 6, 30), DONE, QUICK, None,
     [("bouwbedrijf-jansen",
       "Ontvangt twaalf leerlingen per jaar, drie dagen elk, met Pieter Scholten als "
       "leermeester.",
       "Zorgt voor persoonlijke beschermingsmiddelen en een veiligheidsinstructie."),
      ("technischcollege-voorbeeldstad",
       "Bereidt de leerlingen voor met een les veiligheid op de bouwplaats.",
       "Is bereikbaar voor de leermeester tijdens de stagedagen.")]),
    ("A13", "Meelopen met de technische dienst in de zorg",
     "Leerlingen zien bij Zorggroep De Linde hoe techniek de zorg ondersteunt.",
     F.INTERNSHIPS, ["instroom"], "zorggroep-delinde",
     D(2027, 1, 15), D(2027, 12, 31), PLANNED, QUICK, None,
     [("zorggroep-delinde",
       "Laat twintig leerlingen per jaar een dag meelopen met de technische dienst.",
       "Waarborgt de privacy van cliënten tijdens de bezoeken."),
      ("roc-voorbeeldstad",
       "Koppelt de dag aan de opleiding zorgtechnologie.",
       "Begeleidt de leerlingen tijdens de dag.")]),
    ("A14", "Keuzevak elektrisch rijden",
     "Autobedrijf Visser ontwikkelt en geeft samen met het Technisch College een keuzevak "
     "over elektrische auto's.",
     F.ELECTIVES, ["instroom", "eigenaarschap"], "autovisser",
     D(2025, 9, 1), D(2027, 7, 15), RUNNING, LONG_TERM, None,
     [("autovisser",
       "Schrijft samen met de docent vier lesweken en geeft de praktijklessen in de "
       "werkplaats.",
       "Stelt een elektrische lesauto en meetapparatuur beschikbaar."),
      ("technischcollege-voorbeeldstad",
       "Neemt het keuzevak op in het programma en examineert het.",
       "Bewaakt dat het keuzevak aan de eisen van het examenprogramma voldoet.")]),
    ("A15", "Keuzevak robotica en automatisering",
     "ROC, Robotica Heidelo en Machinefabriek Oosterbroek ontwikkelen een keuzevak met de "
     "robotcel van het Fieldlab.",
     F.ELECTIVES, ["praktijk", "docenten"], "roc-voorbeeldstad",
     D(2025, 9, 1), D(2028, 7, 15), RUNNING, LONG_TERM,
     ("RIF-2024-017",
      "Het RIF-project Slimme Maakindustrie Oost betaalt de robotcel; de uren van de "
      "bedrijven vallen er niet onder en tellen mee als cofinanciering."),
     [("roc-voorbeeldstad",
       "Ontwikkelt het keuzevak en geeft de theorielessen.",
       "Is penvoerder van het RIF-project en houdt de kosten gescheiden."),
      ("robotica-heidelo",
       "Levert een engineer voor tien praktijklessen per jaar.",
       "Schrijft de programmeeropdrachten voor de robotcel."),
      ("mf-oosterbroek",
       "Brengt twee praktijkopdrachten uit de eigen productie in.",
       "Beoordeelt de eindopdracht samen met de docent.")]),
    ("A16", "Techniekweek op de basisscholen",
     "Groep 7 en 8 van twee basisscholen bouwen een week lang in het Fablab.",
     F.CAREER_ORIENTATION, ["instroom"], "roc-voorbeeldstad",
     D(2026, 3, 9), D(2026, 3, 13), DONE, QUICK, None,
     [("roc-voorbeeldstad",
       "Stelt het Fablab een week beschikbaar met twee begeleiders.",
       "Zorgt voor veilige opdrachten die bij de leeftijd passen."),
      ("obs-devonk",
       "Doet mee met groep 7 en 8 en regelt het vervoer.",
       "Laat de leerkrachten de leerlingen begeleiden."),
      ("cbs-hetkompas",
       "Doet mee met groep 8 en bereidt de week voor in de klas.",
       "Laat de leerkrachten de leerlingen begeleiden.")]),
    ("A17", "Regionale techniekdag",
     "Jaarlijkse dag waarop tweedejaars vmbo-leerlingen bij dertig bedrijven proeven aan "
     "techniek.",
     F.CAREER_ORIENTATION, ["instroom", "eigenaarschap"], "technischcollege-voorbeeldstad",
     D(2025, 10, 1), D(2028, 10, 31), RUNNING, QUICK, None,
     [("technischcollege-voorbeeldstad",
       "Organiseert de dag en nodigt de scholen uit.",
       "Is verantwoordelijk voor de planning en de veiligheid."),
      ("metaalkring",
       "Werft de deelnemende bedrijven onder de leden.",
       "Zorgt dat elk bedrijf een doe-opdracht meeneemt."),
      ("autovisser",
       "Staat met een elektrische auto en een doe-opdracht op de dag.",
       "Levert twee medewerkers voor de hele dag.")]),
    ("A18", "Bedrijfsbezoeken in het derde leerjaar",
     "Elke klas in het derde leerjaar bezoekt drie technische bedrijven.",
     F.CAREER_ORIENTATION, ["instroom"], "techniekbedrijven-voorbeeldregio",
     D(2027, 9, 1), D(2028, 6, 30), IDEA, LONG_TERM, None,
     [("techniekbedrijven-voorbeeldregio",
       "Stelt het bezoekschema op met de aangesloten bedrijven.",
       "Bewaakt dat elk bezoek een rondleiding en een doe-opdracht heeft."),
      ("technischcollege-voorbeeldstad",
       "Bereidt de bezoeken voor in de lessen loopbaanoriëntatie.",
       "Regelt het vervoer en de begeleiding.")]),
    ("A19", "Groen dak voor de fietsenstalling",
     "Leerlingen ontwerpen en leggen een groen dak op de fietsenstalling van de school.",
     F.REAL_ASSIGNMENTS, ["praktijk"], "groene-hoek",
     D(2025, 9, 1), D(2026, 6, 30), DONE, QUICK, None,
     [("groene-hoek",
       "Brengt de opdracht in en begeleidt het aanleggen van het dak.",
       "Levert de beplanting en keurt het eindresultaat."),
      ("technischcollege-voorbeeldstad",
       "Laat twee klassen het dak ontwerpen en doorrekenen.",
       "Zorgt dat de constructie veilig is voordat het dak wordt gelegd.")]),
    ("A20", "Scheepsbouwproject voor derdejaars",
     "Derdejaars bouwen onder begeleiding van de werf een sloep, van tekening tot "
     "tewaterlating.",
     F.REAL_ASSIGNMENTS, ["praktijk", "eigenaarschap"], "werf-havenmond",
     D(2026, 9, 1), D(2027, 7, 15), RUNNING, LONG_TERM, None,
     [("werf-havenmond",
       "Brengt het bouwproject in, levert staal en begeleidt de lasopdrachten.",
       "Keurt de lasverbindingen en de sloep voor de tewaterlating."),
      ("vakcollege-havenmond",
       "Plant het project in twee praktijkdagen per week.",
       "Is verantwoordelijk voor de leerlingen en de beoordeling."),
      ("ondernemerskring-havenmond",
       "Zoekt bedrijven die onderdelen en motoren sponsoren.",
       "Organiseert de tewaterlating als feestelijk moment.")]),
]  # fmt: skip

# activity, date, kind, description, goal (or None), value, celebrated.
RESULTS = [
    ("A1", D(2025, 12, 15), WIN, "Eerste storting van € 40.000 ontvangen; materiaal voor "
     "de praktijkroutes besteld.", None, None, False),
    ("A2", D(2025, 10, 16), WIN, "Techniekdag 2025 met 420 leerlingen en 31 bedrijven; 25 "
     "leerlingen kozen daarna een technisch profiel.", "instroom", Decimal("25"), True),
    ("A3", D(2025, 11, 12), WIN, "Eerste groep van acht leerlingen heeft een onderdeel "
     "gedraaid op de CNC-draaibank.", "praktijk", Decimal("8"), False),
    ("A3", D(2026, 4, 8), WIN, "Nog 52 leerlingen hadden een praktijkles op de "
     "CNC-draaibank; zestig in totaal.", "praktijk", Decimal("52"), False),
    ("A4", D(2025, 3, 20), WIN, "Freesmachine geplaatst en vier docenten getraind.",
     "docenten", Decimal("4"), True),
    ("A4", D(2026, 1, 22), SETBACK, "Freesmachine drie weken stil door een defecte "
     "spindel; lessen verschoven.", None, None, False),
    ("A6", D(2026, 6, 25), WIN, "Alle dertig gastlessen gegeven; twaalf leerlingen kiezen "
     "het profiel produceren, installeren en energie.", "instroom", Decimal("12"), True),
    ("A7", D(2026, 2, 2), WIN, "De hybride docent heeft het eerste semester afgerond; "
     "studenten waarderen de lessen met een 8,1.", "docenten", Decimal("1"), False),
    ("A7", D(2026, 9, 14), SETBACK, "Roosterproblemen: de hybride docent kan in het nieuwe "
     "schooljaar maar één dag per week.", None, None, False),
    ("A9", D(2025, 11, 28), WIN, "Twee docenten hebben een docentstage van een week "
     "afgerond.", "docenten", Decimal("2"), False),
    ("A9", D(2026, 10, 30), WIN, "Twee nieuwe docentstages afgerond; de lesopdrachten zijn "
     "gedeeld met beide scholen.", "docenten", Decimal("2"), False),
    ("A11", D(2026, 2, 1), WIN, "Drie stagiairs gestart in de servicedienst.",
     "praktijk", Decimal("3"), False),
    ("A11", D(2026, 11, 20), SETBACK, "Een stagiair is gestopt; een vervanger wordt gezocht "
     "via het ROC.", None, None, False),
    ("A12", D(2026, 6, 26), WIN, "Twaalf leerlingen liepen drie dagen mee op de bouwplaats "
     "van de brede school.", "praktijk", Decimal("12"), True),
    ("A14", D(2026, 1, 30), WIN, "Eerste lichting van achttien leerlingen heeft het "
     "keuzevak elektrisch rijden gehaald.", "instroom", Decimal("18"), True),
    ("A15", D(2026, 5, 18), SETBACK, "Levering van de robotcel vertraagd; de eerste "
     "praktijklessen schuiven naar het najaar.", None, None, False),
    ("A16", D(2026, 3, 13), WIN, "85 leerlingen van groep 7 en 8 bouwden een robotarm in "
     "het Fablab.", None, None, True),
    ("A17", D(2026, 10, 15), WIN, "Techniekdag 2026 met 460 leerlingen en 34 bedrijven, "
     "waarvan 6 voor het eerst.", "eigenaarschap", Decimal("6"), True),
    ("A19", D(2026, 6, 12), WIN, "Het groene dak ligt erop; 48 leerlingen werkten mee aan "
     "ontwerp en aanleg.", "praktijk", Decimal("48"), True),
    ("A20", D(2026, 10, 8), WIN, "De kiel van de sloep is gelast; drie bedrijven sponsoren "
     "onderdelen.", "eigenaarschap", Decimal("3"), False),
]  # fmt: skip

EVALUATION_DATE = D(2026, 6, 18)
EVALUATION = {
    "answer_goals": "Ja. De vier doelen passen nog bij de regio; vooral de vraag naar "
    "installatiemonteurs is verder gegroeid.",
    "answer_results": "Grotendeels. Praktijklessen en gastlessen lopen goed; de docentstages "
    "blijven achter bij het doel van veertig docenten.",
    "answer_works": "Wat werkt: vaste contactpersonen per bedrijf en de techniekdag. Wat "
    "nog niet werkt: roosters van scholen en bedrijven op elkaar afstemmen, en de "
    "lasgastlessen in Havenmond zijn gestopt.",
    "answer_satisfied": "De meeste partners wel. Staalconstructies Westerveen voelt zich "
    "vooral adviseur; zij willen zelf een activiteit trekken.",
    "answer_adjust": "Het doel voor docenten bijstellen naar dertig docenten in 2027 en "
    "meer bedrijven een activiteit laten trekken.",
    "decisions": "1. Westerveen trekt vanaf 2027 een nieuwe lasactiviteit.\n"
    "2. Roosters voor praktijklessen worden in april voor het hele schooljaar vastgelegd.\n"
    "3. Volgende evaluatieronde in juni 2027.",
    "other_participants": "Twee studenten van de studentenraad van het ROC",
}
EVALUATION_ORGANISATIONS = [
    "roc-voorbeeldstad",
    "technischcollege-voorbeeldstad",
    "vandijk-metaal",
    "mf-oosterbroek",
    "installatietechniek-oost",
    "staal-westerveen",
    "techniekbedrijven-voorbeeldregio",
    "gemeente-voorbeeldstad",
]
EVALUATION_ROLES = [Role.LEADER, Role.EDITOR]


def seed(partnership: Partnership) -> None:
    """Add the goals, activities, results and evaluation round to the demo partnership once;
    a second run changes nothing."""
    with scopes_disabled():
        _Plan(partnership).seed()


class _Plan:
    def __init__(self, partnership: Partnership):
        self.partnership = partnership
        self.organisations = {
            organisation.name: organisation
            for organisation in Organisation.objects.filter(partnership=partnership)
        }
        memberships = Membership.objects.filter(partnership=partnership).select_related("user")
        # The first member with a role, by e-mail address, so the choice is stable.
        self.users = {}
        for membership in memberships.order_by("user__email"):
            self.users.setdefault(membership.role, membership.user)

    def organisation(self, key: str) -> Organisation:
        return self.organisations[ORGANISATION_NAMES[key]]

    def seed(self):
        goals = {key: self.goal(*row) for key, row in GOALS.items()}
        activities = {row[0]: self.activity(*row, goals=goals) for row in ACTIVITIES}
        for row in RESULTS:
            self.result(*row, activities=activities, goals=goals)
        self.evaluation()

    def goal(self, title, description, need, indicator, target, unit, horizon):
        goal, _ = Goal.objects.get_or_create(
            partnership=self.partnership,
            title=title,
            defaults={
                "description": description,
                "regional_need": need,
                "indicator": indicator,
                "target_value": target,
                "unit": unit,
                "horizon": horizon,
            },
        )
        return goal

    def activity(
        self,
        short_code,
        title,
        description,
        form,
        goal_keys,
        lead,
        start,
        end,
        status,
        horizon,
        funding,
        participants,
        *,
        goals,
    ):
        funding, note = funding or ("", "")
        activity, created = Activity.objects.get_or_create(
            partnership=self.partnership,
            short_code__iexact=short_code,
            defaults={
                "short_code": short_code,
                "title": title,
                "description": description,
                "form": form,
                "lead_organisation": self.organisation(lead),
                "start_date": start,
                "end_date": end,
                "status": status,
                "horizon": horizon,
                "other_funding": funding,
                "other_funding_note": note,
            },
        )
        if created:
            activity.goals.set([goals[key] for key in goal_keys])
            for key, tasks, responsibilities in participants:
                Participant.objects.get_or_create(
                    partnership=self.partnership,
                    activity=activity,
                    organisation=self.organisation(key),
                    defaults={"tasks": tasks, "responsibilities": responsibilities},
                )
        return activity

    def result(self, code, date, kind, description, goal, value, celebrated, *, activities, goals):
        # Successes are recorded by the editor, setbacks by the leader who shares them.
        author = self.users.get(Role.EDITOR if kind == WIN else Role.LEADER)
        Result.objects.get_or_create(
            partnership=self.partnership,
            activity=activities[code],
            date=date,
            description=description,
            defaults={
                "kind": kind,
                "goal": goals[goal] if goal else None,
                "value": value,
                "celebrated": celebrated,
                "created_by": author,
            },
        )

    def evaluation(self):
        evaluation, created = Evaluation.objects.get_or_create(
            partnership=self.partnership,
            date=EVALUATION_DATE,
            defaults={**EVALUATION, "created_by": self.users.get(Role.LEADER)},
        )
        if created:
            evaluation.members.set(
                [self.users[role] for role in EVALUATION_ROLES if role in self.users]
            )
            evaluation.organisations.set(
                [self.organisation(key) for key in EVALUATION_ORGANISATIONS]
            )
