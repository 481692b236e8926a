"""Demo data of the partners app: the fictitious region, its three accounts and a believable
partner landscape.

Every name, number and address below is made up: KvK numbers are derived from the name,
BRIN codes start with 99, websites and e-mail addresses live under `.example`, phone
numbers use subscriber numbers starting with 0, which are never issued. Dates are relative
to the day of seeding, so the follow-up list and "gone quiet" always have something to show.

Seeding twice changes nothing: rows are found by natural keys (organisation name, contact
name within its organisation, network name, contact moment by organisation, date, kind and
summary), and an organisation that already exists keeps its contacts, stage history and
contact moments as they are, even when seeded on a later day.
"""

import datetime
import unicodedata
import zlib
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_scopes import scopes_disabled

from partners.demo_entities import BOARD_CONTACTS, BOARD_INTERACTIONS, BOARDS, link_locations
from partners.demo_moments import AT_COMPANY, AT_SCHOOL, EVENT, INTERACTIONS, MEET
from partners.models import (
    GOVERNMENT_KINDS,
    SCHOOL_KINDS,
    ApprovalVia,
    Authority,
    Contact,
    EvidenceSource,
    Interaction,
    Membership,
    Network,
    NetworkMember,
    Organisation,
    Partnership,
    Role,
    Signatory,
    Stage,
    StageChange,
)
from partners.models import LegalForm as LF
from partners.models import NetworkKind as NK
from partners.models import OrganisationKind as OK
from partners.models import Sector as S

DEMO_SLUG = "demo"
DEMO_PASSWORD = "sterk-demo-2026"
DEMO_ACCOUNTS = [
    ("leider@demo.sterk.test", "Lotte", "de Leider", Role.LEADER),
    ("redacteur@demo.sterk.test", "Ravi", "Redacteur", Role.EDITOR),
    ("lezer@demo.sterk.test", "Lieke", "Lezer", Role.VIEWER),
]

# Relationship owners, by role.
LEAD, EDIT, VIEW = Role.LEADER, Role.EDITOR, Role.VIEWER

VS, OB, HL, BW, HM, WV = (
    "Voorbeeldstad",
    "Oosterbroek",
    "Heidelo",
    "Brugwijk",
    "Havenmond",
    "Westerveen",
)

# key (also the web and e-mail domain), name, kind, sector, legal form, street, postal code,
# city, relationship owner, stage.
ORGANISATIONS = [
    ("vandijk-metaal", "Metaalbewerking Van Dijk B.V.", OK.COMPANY, S.METAL, LF.BV,
     "Smederijweg 14", "7901 AB", VS, LEAD, Stage.SIGNED),
    ("lasbedrijf-hendriks", "Lasbedrijf Hendriks & Zn.", OK.COMPANY, S.METAL, LF.PARTNERSHIP,
     "Koperslagerstraat 3", "7902 CD", VS, EDIT, Stage.COMMITTED),
    ("dewit-precisie", "Precisietechniek De Wit B.V.", OK.COMPANY, S.METAL, LF.BV,
     "Draaiersweg 22", "7611 EF", OB, EDIT, Stage.IN_CONVERSATION),
    ("staal-westerveen", "Staalconstructies Westerveen B.V.", OK.COMPANY, S.METAL, LF.BV,
     "Balkweg 6", "7652 FH", WV, LEAD, Stage.COMMITTED),
    ("bouwbedrijf-jansen", "Bouwbedrijf Jansen B.V.", OK.COMPANY, S.CONSTRUCTION, LF.BV,
     "Metselaarslaan 8", "7903 GH", VS, LEAD, Stage.SIGNED),
    ("kuipers-bakker", "Aannemersbedrijf Kuipers & Bakker", OK.COMPANY, S.CONSTRUCTION,
     LF.PARTNERSHIP, "Steigerbouwweg 5", "7621 JK", HL, EDIT, Stage.APPROACHED),
    ("infra-oost", "Wegenbouw Infra Oost B.V.", OK.COMPANY, S.CONSTRUCTION, LF.BV,
     "Asfaltweg 31", "7612 LM", OB, VIEW, Stage.PROSPECT),
    ("ontwikkelbedrijf-voorbeeldstad", "Ontwikkelbedrijf Voorbeeldstad B.V.", OK.COMPANY,
     S.CONSTRUCTION, LF.BV, "Stadhuisplein 2", "7900 AA", VS, LEAD, Stage.IN_CONVERSATION),
    ("installatietechniek-oost", "Installatietechniek Oost B.V.", OK.COMPANY, S.INSTALLATION,
     LF.BV, "Leidingstraat 40", "7904 NP", VS, LEAD, Stage.SIGNED),
    ("klimaat-smit", "Klimaattechniek Smit", OK.COMPANY, S.INSTALLATION, LF.SOLE,
     "Warmtepomplaan 2", "7622 RT", HL, EDIT, Stage.IN_CONVERSATION),
    ("mulder-elektro", "Elektrotechniek Mulder B.V.", OK.COMPANY, S.INSTALLATION, LF.BV,
     "Stroomweg 17", "7905 TV", VS, LEAD, Stage.COMMITTED),
    ("mf-oosterbroek", "Machinefabriek Oosterbroek B.V.", OK.COMPANY, S.TECHNOLOGY_INDUSTRY,
     LF.BV, "Fabriekskade 1", "7613 WX", OB, LEAD, Stage.SIGNED),
    ("veenstra-kunststof", "Kunststoftechniek Veenstra B.V.", OK.COMPANY,
     S.TECHNOLOGY_INDUSTRY, LF.BV, "Spuitgietweg 9", "7614 AB", OB, EDIT, Stage.PAUSED),
    ("robotica-heidelo", "Robotica Heidelo B.V.", OK.COMPANY, S.TECHNOLOGY_INDUSTRY, LF.BV,
     "Sensorstraat 6", "7623 CE", HL, EDIT, Stage.IN_CONVERSATION),
    ("softwarehuis-brugwijk", "Softwarehuis Brugwijk B.V.", OK.COMPANY, S.ICT, LF.BV,
     "Bitlaan 12", "7631 DG", BW, EDIT, Stage.APPROACHED),
    ("dc-voorbeeldregio", "Datacentrum Voorbeeldregio B.V.", OK.COMPANY, S.ICT, LF.BV,
     "Serverweg 50", "7632 HJ", BW, VIEW, Stage.PROSPECT),
    ("zorggroep-delinde", "Zorggroep De Linde", OK.COMPANY, S.HEALTHCARE, LF.FOUNDATION,
     "Lindenhof 1", "7906 KL", VS, LEAD, Stage.COMMITTED),
    ("mt-bos", "Medische Techniek Bos B.V.", OK.COMPANY, S.HEALTHCARE, LF.BV,
     "Scalpelstraat 4", "7633 MN", BW, EDIT, Stage.IN_CONVERSATION),
    ("groene-hoek", "Hoveniersbedrijf De Groene Hoek", OK.COMPANY, S.GREEN, LF.SOLE,
     "Wilgenpad 7", "7624 PR", HL, EDIT, Stage.SIGNED),
    ("kwekerij-vandenberg", "Kwekerij Van den Berg", OK.COMPANY, S.GREEN, LF.PARTNERSHIP,
     "Kasseweg 23", "7625 TV", HL, VIEW, Stage.ENDED),
    ("autovisser", "Autobedrijf Visser B.V.", OK.COMPANY, S.MOBILITY, LF.BV,
     "Garageweg 15", "7907 VW", VS, LEAD, Stage.SIGNED),
    ("dekker-transport", "Transportbedrijf Dekker & Zn. B.V.", OK.COMPANY, S.MOBILITY, LF.BV,
     "Vrachtweg 88", "7634 XY", BW, EDIT, Stage.APPROACHED),
    ("werf-havenmond", "Scheepswerf Havenmond B.V.", OK.COMPANY, S.MARITIME, LF.BV,
     "Scheepshelling 2", "7641 AC", HM, LEAD, Stage.COMMITTED),
    ("jachtbouw-vandermeer", "Jachtbouw Van der Meer", OK.COMPANY, S.MARITIME, LF.SOLE,
     "Kadijk 19", "7642 BD", HM, VIEW, Stage.PROSPECT),
    ("energie-westerveen", "Energietechniek Westerveen B.V.", OK.COMPANY, S.ENERGY, LF.BV,
     "Turbineweg 11", "7651 CE", WV, LEAD, Stage.SIGNED),
    ("energie-heidelo", "Energiecoöperatie Heidelo U.A.", OK.COMPANY, S.ENERGY,
     LF.COOPERATIVE, "Zonneweide 3", "7626 DF", HL, EDIT, Stage.IN_CONVERSATION),
    ("windservice-havenmond", "Windservice Havenmond B.V.", OK.COMPANY, S.ENERGY, LF.BV,
     "Rotorstraat 27", "7643 EG", HM, EDIT, Stage.PROSPECT),
    ("metaalkring", "Metaalkring Voorbeeldregio", OK.BRANCH_ORGANISATION, S.METAL,
     LF.ASSOCIATION, "Ambachtsplein 1", "7908 AB", VS, LEAD, Stage.SIGNED),
    ("bouw-infra-voorbeeldregio", "Vereniging Bouw & Infra Voorbeeldregio",
     OK.BRANCH_ORGANISATION, S.CONSTRUCTION, LF.ASSOCIATION, "Bouwplein 4", "7908 CD", VS,
     EDIT, Stage.IN_CONVERSATION),
    ("installatiekring-oost", "Installatiekring Oost", OK.BRANCH_ORGANISATION, S.INSTALLATION,
     LF.ASSOCIATION, "Leidingstraat 2", "7904 NA", VS, EDIT, Stage.APPROACHED),
    ("techniekbedrijven-voorbeeldregio", "Techniekbedrijven Voorbeeldregio",
     OK.COMPANY_NETWORK, S.TECHNOLOGY_INDUSTRY, LF.ASSOCIATION, "Innovatielaan 10", "7615 EF",
     OB, LEAD, Stage.SIGNED),
    ("ondernemerskring-havenmond", "Ondernemerskring Havenmond", OK.COMPANY_NETWORK,
     S.MARITIME, LF.ASSOCIATION, "Havenstraat 5", "7644 GH", HM, EDIT, Stage.COMMITTED),
    ("zorgtechnetwerk-brugwijk", "Zorgtechnologie Netwerk Brugwijk", OK.COMPANY_NETWORK,
     S.HEALTHCARE, LF.FOUNDATION, "Zorgplein 8", "7635 JK", BW, VIEW, Stage.PAUSED),
    ("opleidingsfonds-techniek", "Stichting Opleidingsfonds Techniek Voorbeeldregio",
     OK.OO_FUND, S.TECHNOLOGY_INDUSTRY, LF.FOUNDATION, "Fondsenlaan 3", "7909 KL", VS, LEAD,
     Stage.COMMITTED),
    ("gemeente-voorbeeldstad", "Gemeente Voorbeeldstad", OK.MUNICIPALITY, "", LF.PUBLIC_BODY,
     "Stadhuisplein 1", "7900 AA", VS, LEAD, Stage.SIGNED),
    ("gemeente-havenmond", "Gemeente Havenmond", OK.MUNICIPALITY, "", LF.PUBLIC_BODY,
     "Raadhuisstraat 1", "7640 AA", HM, EDIT, Stage.IN_CONVERSATION),
    ("provincie-voorbeeldland", "Provincie Voorbeeldland", OK.PROVINCE, "", LF.PUBLIC_BODY,
     "Statenlaan 1", "7900 BB", VS, LEAD, Stage.COMMITTED),
    ("obs-devonk", "OBS De Vonk", OK.PRIMARY_SCHOOL, "", LF.FOUNDATION, "Schoolstraat 12",
     "7909 MN", VS, EDIT, Stage.IN_CONVERSATION),
    ("cbs-hetkompas", "CBS Het Kompas", OK.PRIMARY_SCHOOL, "", LF.FOUNDATION,
     "Kompasweg 4", "7627 PR", HL, EDIT, Stage.APPROACHED),
    ("technischcollege-voorbeeldstad", "Technisch College Voorbeeldstad", OK.VMBO, "",
     LF.FOUNDATION, "Onderwijslaan 20", "7910 AB", VS, LEAD, Stage.SIGNED),
    ("vakcollege-havenmond", "Vakcollege Havenmond", OK.VMBO, "", LF.FOUNDATION,
     "Loodsenweg 9", "7645 CD", HM, EDIT, Stage.COMMITTED),
    ("roc-voorbeeldstad", "ROC Voorbeeldstad", OK.MBO, "", LF.FOUNDATION,
     "Campusplein 1", "7910 EF", VS, LEAD, Stage.SIGNED),
    ("hogeschool-voorbeeldregio", "Hogeschool Voorbeeldregio", OK.HBO, "", LF.FOUNDATION,
     "Kenniskwartier 5", "7616 GH", OB, LEAD, Stage.IN_CONVERSATION),
]  # fmt: skip

BRIN_CODES = {
    "obs-devonk": "99VK",
    "cbs-hetkompas": "99KP",
    "technischcollege-voorbeeldstad": "99TC",
    "vakcollege-havenmond": "99VH",
    "roc-voorbeeldstad": "99RV",
    "hogeschool-voorbeeldregio": "99HV",
}

# The regulation leaves open whether an O&O fund counts as business; a project leader
# decides, in writing (docs/rules.md §4).
BUSINESS_OVERRIDES = {
    "opleidingsfonds-techniek": (
        True,
        "Het opleidingsfonds wordt volledig gevuld met premies van werkgevers in de techniek "
        "en draagt namens hen bij. De stuurgroep heeft besloten het mee te tellen als "
        "bedrijfsleven; zie het verslag van de stuurgroep.",
    ),
    "ontwikkelbedrijf-voorbeeldstad": (
        False,
        "Het ontwikkelbedrijf is volledig eigendom van de gemeente Voorbeeldstad; de bijdrage "
        "is in feite overheidsgeld en telt daarom niet als bedrijfsleven.",
    ),
}

NOTES = {
    "mulder-elektro": "Gezamenlijk bevoegde directie: de tweede bestuurder moet nog worden "
    "vastgelegd voordat de overeenkomst getekend kan worden.",
    "veenstra-kunststof": "Gepauzeerd tijdens de reorganisatie; na de zomer opnieuw benaderen.",
    "kwekerij-vandenberg": "Bedrijf stopt; bijdrage loopt tot het einde van het schooljaar.",
    "robotica-heidelo": "Snelgroeiende start-up; interesse in hbo-stagiairs mechatronica.",
    "svo-voorbeeldregio": "Penvoerder van de Sterk Techniekonderwijs-aanvraag in de regio, "
    "als bevoegd gezag van het Technisch College en Vakcollege Havenmond.",
}

SOLE, JOINT, PROXY = Authority.SOLE_DIRECTOR, Authority.JOINT_DIRECTOR, Authority.PROXY
BOARD, MANDATE = Authority.SCHOOL_BOARD, Authority.MUNICIPAL_MANDATE

# Per organisation: name, job title, authority to sign (or None). The first is primary.
CONTACTS = {
    "vandijk-metaal": [("Jeroen van Dijk", "Directeur-eigenaar", SOLE),
                       ("Marieke Postma", "Hoofd opleidingen", None),
                       ("Kees Brouwer", "Werkplaatschef", None)],
    "lasbedrijf-hendriks": [("Henk Hendriks", "Eigenaar", SOLE),
                            ("Tom Hendriks", "Praktijkopleider lassen", None)],
    "dewit-precisie": [("Annelies de Wit", "Algemeen directeur", SOLE),
                       ("Bas Verhoeven", "HR-adviseur", None)],
    "staal-westerveen": [("Harm Wolters", "Directeur", SOLE),
                         ("Eline Bosman", "Projectleider", None)],
    "bouwbedrijf-jansen": [("Gerard Jansen", "Directeur", JOINT),
                           ("Ingrid Jansen-Vos", "Financieel directeur", JOINT),
                           ("Pieter Scholten", "Uitvoerder en leermeester", None)],
    "kuipers-bakker": [("Sandra Bakker", "Officemanager", None),
                       ("Wim Kuipers", "Vennoot", None)],
    "infra-oost": [("Erik Hofman", "Bedrijfsleider", None)],
    "ontwikkelbedrijf-voorbeeldstad": [("Wouter de Haan", "Directeur", SOLE)],
    "installatietechniek-oost": [("Marco Peters", "Algemeen directeur", SOLE),
                                 ("Linda Koster", "Manager opleidingen", PROXY),
                                 ("Youssef Amrani", "Leermeester elektrotechniek", None)],
    "klimaat-smit": [("Johan Smit", "Eigenaar", SOLE)],
    "mulder-elektro": [("Frank Mulder", "Directeur", JOINT),
                       ("Esther Mulder", "Personeelszaken", None)],
    "mf-oosterbroek": [("Dennis Kok", "Coördinator techniekpromotie", None),
                       ("Arjan Wessels", "CEO", SOLE),
                       ("Monique Lammers", "HR-directeur", PROXY)],
    "veenstra-kunststof": [("Ruud Veenstra", "Directeur", SOLE)],
    "robotica-heidelo": [("Sanne de Boer", "Oprichter en directeur", SOLE),
                         ("Niels Bakker", "Lead engineer", None)],
    "softwarehuis-brugwijk": [("Mehmet Yilmaz", "Directeur", None),
                              ("Lisa van Leeuwen", "Recruiter", None)],
    "dc-voorbeeldregio": [("Thijs Vermeulen", "Operationeel manager", None)],
    "zorggroep-delinde": [("Fatima El Amrani", "Teamleider opleidingen zorgtechnologie", None),
                          ("Carla Willems", "Bestuurder", SOLE)],
    "mt-bos": [("Judith Meijer", "Kwaliteitsmanager", None),
               ("Rob Bos", "Directeur", SOLE)],
    "groene-hoek": [("Bart Groenewegen", "Eigenaar", SOLE)],
    "kwekerij-vandenberg": [("Dirk van den Berg", "Vennoot", SOLE)],
    "autovisser": [("Ronald Visser", "Directeur", SOLE),
                   ("Patrick de Graaf", "Werkplaatsmanager", PROXY)],
    "dekker-transport": [("Mirjam Dekker", "Planner en opleidingscoördinator", None),
                         ("Hans Dekker", "Directeur", None)],
    "werf-havenmond": [("Klaas Zijlstra", "Algemeen directeur", SOLE),
                       ("Femke Dijkstra", "Opleidingscoördinator", None)],
    "jachtbouw-vandermeer": [("Sjoerd van der Meer", "Eigenaar", None)],
    "energie-westerveen": [("Marloes Kramer", "Directeur", SOLE),
                           ("Joost Huisman", "Teamleider service", None)],
    "energie-heidelo": [("Gert-Jan Timmer", "Voorzitter bestuur", SOLE),
                        ("Anouk Prins", "Secretaris", None)],
    "windservice-havenmond": [("Stefan Koopman", "Vestigingsmanager", None)],
    "metaalkring": [("Peter Gerritsen", "Voorzitter", SOLE),
                    ("Ilse Hoekstra", "Secretaris", None)],
    "bouw-infra-voorbeeldregio": [("Nicole Veldman", "Beleidsmedewerker onderwijs", None),
                                  ("Ton Claassen", "Voorzitter", SOLE)],
    "installatiekring-oost": [("Martin Brink", "Regiomanager", None)],
    "techniekbedrijven-voorbeeldregio": [("Hanneke Driessen", "Voorzitter", SOLE),
                                         ("Jasper Wouters", "Netwerkcoördinator", None)],
    "ondernemerskring-havenmond": [("Albert Schouten", "Voorzitter", SOLE)],
    "zorgtechnetwerk-brugwijk": [("Rianne Kuijpers", "Kwartiermaker", None)],
    "opleidingsfonds-techniek": [("Martijn Evers", "Directeur", SOLE),
                                 ("Saskia Lubbers", "Adviseur scholing", None)],
    "gemeente-voorbeeldstad": [("Michiel van Rijn", "Beleidsadviseur onderwijs", MANDATE),
                               ("Yvonne Hermans", "Wethouder onderwijs en economie", None)],
    "gemeente-havenmond": [("Sabine Mol", "Accountmanager bedrijven", None),
                           ("Anton de Jong", "Burgemeester", MANDATE)],
    "provincie-voorbeeldland": [("Rik Janssens", "Programmamanager arbeidsmarkt", None),
                                ("Marjolein Smits", "Gedeputeerde economie", MANDATE)],
    # The schools' board members sign for them at their boards (partners.demo_entities).
    "obs-devonk": [("Karin Hoogland", "Directeur", None)],
    "cbs-hetkompas": [("Gert van Wijk", "Directeur", None)],
    "technischcollege-voorbeeldstad": [("Mark Dijkman", "Teamleider techniek", None),
                                       ("Anja Rutten", "Rector", None)],
    "vakcollege-havenmond": [("Erwin Jonker", "Coördinator techniek", None)],
    "roc-voorbeeldstad": [("Ahmed Bouzid", "Projectleider Sterk Techniekonderwijs", None),
                          ("Bram Verbeek", "Directeur Techniek & Technologie", None)],
    "hogeschool-voorbeeldregio": [("Jan-Willem Smeets", "Lector Smart Industry", None),
                                  ("Heleen Franssen", "Lid College van Bestuur", BOARD)],
}  # fmt: skip

# Proxies may sign up to an amount (docs/rules.md §10).
PROXY_LIMITS = {
    "Linda Koster": Decimal("25000.00"),
    "Monique Lammers": Decimal("50000.00"),
    "Patrick de Graaf": Decimal("10000.00"),
}
# Signatories whose evidence nobody has checked yet, and one whose evidence is missing.
UNCHECKED = {"Johan Smit", "Sanne de Boer", "Carla Willems", "Anton de Jong", "Hester Blom"}
NO_EVIDENCE = {"Rob Bos", "Heleen Franssen"}

EVIDENCE = {
    SOLE: (EvidenceSource.KVK_EXTRACT, "Uittreksel Handelsregister KvK {kvk}"),
    JOINT: (EvidenceSource.KVK_EXTRACT, "Uittreksel Handelsregister KvK {kvk}"),
    PROXY: (EvidenceSource.POWER_OF_ATTORNEY, "Volmacht van de directie aan {name}"),
    BOARD: (EvidenceSource.BOARD_REGULATIONS, "Statuten en bestuursreglement {org}"),
    MANDATE: (EvidenceSource.MANDATE_DECISION, "Mandaatbesluit {org}, art. 3"),
}

# name, kind, domain, description, members with their role.
NETWORKS = [
    ("Techniekpact Voorbeeldregio", NK.TECHNIEKPACT, "techniekpact-voorbeeldregio",
     "Regionale tafel van onderwijs, overheid en bedrijfsleven die de techniekagenda van de "
     "Voorbeeldregio trekt.",
     [("gemeente-voorbeeldstad", "Voorzitter"), ("provincie-voorbeeldland", "Financier"),
      ("roc-voorbeeldstad", "Namens het mbo"),
      ("techniekbedrijven-voorbeeldregio", "Namens het bedrijfsleven"),
      ("metaalkring", "Lid"), ("technischcollege-voorbeeldstad", "Lid"),
      ("installatiekring-oost", "Toehoorder")]),
    ("Jet-Net & TechNet Voorbeeldstad", NK.JETNET, "jetnet-voorbeeldstad",
     "Bedrijven en scholen die samen techniek zichtbaar maken in het basis- en voortgezet "
     "onderwijs.",
     [("mf-oosterbroek", "Trekker bedrijfsleven"), ("energie-westerveen", "Lid"),
      ("technischcollege-voorbeeldstad", "Trekker onderwijs"),
      ("obs-devonk", "Deelnemende school"), ("cbs-hetkompas", "Deelnemende school"),
      ("vakcollege-havenmond", "Deelnemende school")]),
    ("Fablab Voorbeeldstad", NK.FABLAB, "fablab-voorbeeldstad",
     "Open werkplaats met 3D-printers, lasersnijders en een elektronicahoek in het ROC.",
     [("roc-voorbeeldstad", "Gastheer"), ("softwarehuis-brugwijk", "Vrijwillige begeleiders"),
      ("dewit-precisie", "Levert materiaal"), ("obs-devonk", "Gebruiker"),
      ("hogeschool-voorbeeldregio", "Partner onderzoek")]),
    ("Fieldlab Slimme Maakindustrie Oost", NK.FIELDLAB, "fieldlab-maakindustrie-oost",
     "Proeftuin voor robotisering en data in de maakindustrie, met praktijkroutes voor "
     "studenten.",
     [("mf-oosterbroek", "Initiatiefnemer"), ("robotica-heidelo", "Technologiepartner"),
      ("veenstra-kunststof", "Deelnemer"), ("hogeschool-voorbeeldregio", "Kennispartner"),
      ("roc-voorbeeldstad", "Onderwijspartner")]),
    ("Bedrijvenkring Voorbeeldstad", NK.BUSINESS_CLUB, "bedrijvenkring-voorbeeldstad",
     "Ondernemersvereniging van Voorbeeldstad met een werkgroep onderwijs en arbeidsmarkt.",
     [("bouwbedrijf-jansen", "Bestuurslid"), ("vandijk-metaal", "Lid"),
      ("installatietechniek-oost", "Lid"), ("autovisser", "Lid"), ("mulder-elektro", "Lid"),
      ("gemeente-voorbeeldstad", "Accountmanager bedrijven")]),
]  # fmt: skip


PEOPLE = CONTACTS | BOARD_CONTACTS
MOMENTS = [*INTERACTIONS, *BOARD_INTERACTIONS]

PIPELINE = [Stage.PROSPECT, Stage.APPROACHED, Stage.IN_CONVERSATION, Stage.COMMITTED]
STAGE_PATHS = {
    Stage.PROSPECT: PIPELINE[:1],
    Stage.APPROACHED: PIPELINE[:2],
    Stage.IN_CONVERSATION: PIPELINE[:3],
    Stage.COMMITTED: PIPELINE,
    Stage.SIGNED: [*PIPELINE, Stage.SIGNED],
    Stage.PAUSED: [*PIPELINE[:3], Stage.PAUSED],
    Stage.ENDED: [*PIPELINE, Stage.SIGNED, Stage.ENDED],
}


def seed(stdout=None) -> Partnership:
    """Create the demo partnership, accounts and partner landscape once; a second run
    changes nothing."""
    with scopes_disabled():
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
        users = _seed_accounts(partnership)
        _Landscape(partnership, users, timezone.localdate()).seed()
    return partnership


def _seed_accounts(partnership: Partnership) -> dict:
    User = get_user_model()
    users = {}
    for email, first_name, last_name, role in DEMO_ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, first_name=first_name, last_name=last_name
            )
        Membership.objects.get_or_create(
            partnership=partnership, user=user, defaults={"role": role}
        )
        users[role] = user
    return users


def kvk_number(name: str) -> str:
    """A fictitious but stable 8-digit KvK number for a demo organisation."""
    return str(90_000_000 + zlib.crc32(name.encode()) % 10_000_000)


def email_address(name: str, domain: str) -> str:
    first, *rest = name.lower().split()
    local = f"{first}.{''.join(rest)}"
    ascii_local = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode()
    return f"{ascii_local}@{domain}.example"


class _Landscape:
    """Seeds organisations with their people, history and contact moments, then networks."""

    def __init__(self, partnership, users, today):
        self.partnership = partnership
        self.users = users
        self.today = today
        self.leader = users[LEAD]

    def at(self, days_ago: int, hour: int = 10) -> datetime.datetime:
        day = self.today - datetime.timedelta(days=days_ago)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    def seed(self):
        organisations = {}
        for index, row in enumerate([*ORGANISATIONS, *BOARDS]):
            key, stage = row[0], row[-1]
            moments = [moment[1:] for moment in MOMENTS if moment[0] == key]
            moves = self.stage_moves(index, stage, [moment[0] for moment in moments])
            organisation, created = self.organisation(*row, changed=moves[-1][2])
            organisations[key] = organisation
            if created:
                # The owner does the work; a viewer cannot, so the leader acts for them.
                owner = organisation.relationship_owner
                actor = self.leader if owner == self.users[VIEW] else owner
                self.people(index, key, organisation)
                self.contact_moments(organisation, actor, moments)
                self.stage_history(organisation, actor, moves)
        link_locations(organisations)
        self.networks(organisations)

    def organisation(
        self, key, name, kind, sector, legal_form, address, postal, city, owner, stage, changed
    ):
        override, justification = BUSINESS_OVERRIDES.get(key, (None, ""))
        has_kvk = kind not in SCHOOL_KINDS and kind not in GOVERNMENT_KINDS
        return Organisation.objects.get_or_create(
            partnership=self.partnership,
            name=name,
            defaults={
                "kind": kind,
                "sector": sector,
                "kvk_number": kvk_number(name) if has_kvk else "",
                "brin_code": BRIN_CODES.get(key, ""),
                "legal_form": legal_form,
                "address": address,
                "postal_code": postal,
                "city": city,
                "website": f"https://www.{key}.example/",
                "notes": NOTES.get(key, ""),
                "relationship_owner": self.users[owner],
                "business_override": override,
                "business_justification": justification,
                # Decided by the project leader, as the organisation form records it.
                "business_approved_by": self.leader if override is not None else None,
                "business_approved_at": changed if override is not None else None,
                "business_approved_via": ApprovalVia.FORM if override is not None else "",
                "stage": stage,
                "stage_changed_at": changed,
            },
        )

    def people(self, index, key, organisation):
        signatories = []
        for position, (name, job_title, authority) in enumerate(PEOPLE[key]):
            contact, _ = Contact.objects.get_or_create(
                partnership=self.partnership,
                organisation=organisation,
                name=name,
                defaults={
                    "email": email_address(name, key),
                    "phone": f"0599 0{index:02d} 1{position:02d}",
                    "job_title": job_title,
                    "is_primary": position == 0,
                },
            )
            if authority:
                signatories.append(self.signatory(contact, authority, days_ago=30 + 3 * index))
        joint = [s for s in signatories if s.authority == JOINT]
        # Jointly authorised directors sign together; a lone one shows the missing partner.
        if len(joint) == 2:
            first, second = joint
            first.co_signatory, second.co_signatory = second, first
            first.save(update_fields=["co_signatory"])
            second.save(update_fields=["co_signatory"])

    def signatory(self, contact, authority, days_ago):
        organisation = contact.organisation
        source, reference = EVIDENCE[authority]
        evidence = {}
        if contact.name not in NO_EVIDENCE:
            evidence = {
                "evidence_source": source,
                "evidence_reference": reference.format(
                    kvk=organisation.kvk_number, name=contact.name, org=organisation.name
                ),
                "evidence_date": self.today - datetime.timedelta(days=days_ago),
            }
        if evidence and contact.name not in UNCHECKED:
            evidence |= {"checked_by": self.leader, "checked_at": self.at(days_ago - 2)}
        signatory, _ = Signatory.objects.get_or_create(
            partnership=self.partnership,
            contact=contact,
            defaults={
                "authority": authority,
                "proxy_limit": PROXY_LIMITS.get(contact.name),
                **evidence,
            },
        )
        return signatory

    def contact_moments(self, organisation, actor, moments):
        people = list(
            Contact.objects.filter(partnership=self.partnership, organisation=organisation)
        )
        for days_ago, kind, summary, next_step, due_in, done in moments:
            due = None if due_in is None else self.today + datetime.timedelta(days=due_in)
            interaction, created = Interaction.objects.get_or_create(
                partnership=self.partnership,
                organisation=organisation,
                date=self.today - datetime.timedelta(days=days_ago),
                kind=kind,
                summary=summary,
                defaults={
                    "next_step": next_step,
                    "next_step_due": due,
                    "next_step_owner": actor if next_step else None,
                    "next_step_done_at": self.at(-due_in, hour=15) if done else None,
                    "next_step_done_by": actor if done else None,
                    "created_by": actor,
                },
            )
            if created:
                # Contacts are ordered primary first: calls and e-mails go to the primary.
                interaction.contacts.set(
                    people if kind in (MEET, AT_COMPANY, AT_SCHOOL, EVENT) else people[:1]
                )
                interaction.members.set({actor, self.leader} if kind in (MEET, EVENT) else {actor})

    def stage_moves(self, index, stage, contact_days):
        """The moves that brought an organisation to its stage, as (from, to, when): added
        before its first contact moment, moved step by step until its latest one."""
        path = STAGE_PATHS[stage]
        start = max([60 + (index * 17) % 120, *(days + 5 for days in contact_days)])
        last = min(contact_days, default=start // 2)
        steps = max(len(path) - 1, 1)
        return [
            (previous, to_stage, self.at(start - (start - last) * step // steps, hour=9 + step))
            for step, (previous, to_stage) in enumerate(zip(["", *path], path, strict=False))
        ]

    def stage_history(self, organisation, actor, moves):
        for from_stage, to_stage, moved_at in moves:
            StageChange.objects.get_or_create(
                partnership=self.partnership,
                organisation=organisation,
                from_stage=from_stage,
                to_stage=to_stage,
                defaults={"changed_by": actor, "changed_at": moved_at},
            )

    def networks(self, organisations):
        for name, kind, domain, description, members in NETWORKS:
            network, _ = Network.objects.get_or_create(
                partnership=self.partnership,
                name=name,
                defaults={
                    "kind": kind,
                    "website": f"https://www.{domain}.example/",
                    "description": description,
                },
            )
            for key, role in members:
                NetworkMember.objects.get_or_create(
                    partnership=self.partnership,
                    network=network,
                    organisation=organisations[key],
                    defaults={"role": role},
                )
