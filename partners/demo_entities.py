"""Demo legal entities: the school boards (bevoegd gezag) the demo schools belong to.

The agreement's parties are legal entities (docs/rules.md §11): the two vmbo schools belong
to one board (the penvoerder), the mbo college to its College van Bestuur, each primary
school to its own board. The boards sign for their schools; the schools keep their BRIN
code and their own contacts. Seeded by partners.demo with the other organisations; rows
have the same shape as partners.demo.ORGANISATIONS.
"""

from partners.demo_moments import MAIL, MEET
from partners.models import Authority, Role, Stage
from partners.models import LegalForm as LF
from partners.models import OrganisationKind as OK

LEAD, EDIT = Role.LEADER, Role.EDITOR

# key (also the web and e-mail domain), name, kind, sector, legal form, street, postal code,
# city, relationship owner, stage.
BOARDS = [
    ("svo-voorbeeldregio", "Stichting Voortgezet Onderwijs Voorbeeldregio", OK.SCHOOL_BOARD,
     "", LF.FOUNDATION, "Onderwijslaan 18", "7910 AB", "Voorbeeldstad", LEAD, Stage.SIGNED),
    ("rocbestuur-voorbeeldstad", "Stichting Regionaal Opleidingencentrum Voorbeeldstad",
     OK.SCHOOL_BOARD, "", LF.FOUNDATION, "Campusplein 1", "7910 EF", "Voorbeeldstad", LEAD,
     Stage.SIGNED),
    ("spo-voorbeeldstad", "Stichting Openbaar Primair Onderwijs Voorbeeldstad",
     OK.SCHOOL_BOARD, "", LF.FOUNDATION, "Stadhuisplein 8", "7900 AC", "Voorbeeldstad", EDIT,
     Stage.COMMITTED),
    ("scpo-heidelo", "Stichting Christelijk Primair Onderwijs Heidelo", OK.SCHOOL_BOARD, "",
     LF.FOUNDATION, "Kerkstraat 2", "7627 PA", "Heidelo", EDIT, Stage.COMMITTED),
]  # fmt: skip

# Each school and the board it belongs to. The hbo institution is a legal entity itself.
LOCATIONS = {
    "technischcollege-voorbeeldstad": "svo-voorbeeldregio",
    "vakcollege-havenmond": "svo-voorbeeldregio",
    "roc-voorbeeldstad": "rocbestuur-voorbeeldstad",
    "obs-devonk": "spo-voorbeeldstad",
    "cbs-hetkompas": "scpo-heidelo",
}

# The board members sign for the schools (partners.demo.CONTACTS has the schools' own).
BOARD = Authority.SCHOOL_BOARD
BOARD_CONTACTS = {
    "svo-voorbeeldregio": [("Petra Meulenbelt", "Voorzitter college van bestuur", BOARD),
                           ("Jolanda Verhoef", "Bestuurssecretaris", None)],
    "rocbestuur-voorbeeldstad": [("Wendy van Dam", "Lid College van Bestuur", BOARD),
                                 ("Rutger Hoeks", "Bestuurssecretaris", None)],
    "spo-voorbeeldstad": [("Ellen Vos", "Bestuurder", BOARD)],
    "scpo-heidelo": [("Hester Blom", "Bestuurder", BOARD)],
}  # fmt: skip

BOARD_INTERACTIONS = [
    ("svo-voorbeeldregio", 35, MEET, "Petra bevestigt dat de stichting als bevoegd gezag van het Technisch College en Vakcollege Havenmond penvoerder wordt.", "", None, False),
    ("svo-voorbeeldregio", 8, MAIL, "Jolanda stuurde het bestuursbesluit over het penvoerderschap.", "Besluit bij de aanvraag voegen", 5, False),
    ("rocbestuur-voorbeeldstad", 24, MEET, "Wendy tekent namens het College van Bestuur voor het ROC.", "", None, False),
    ("spo-voorbeeldstad", 19, MAIL, "Ellen tekent namens de stichting voor OBS De Vonk.", "", None, False),
    ("scpo-heidelo", 16, MAIL, "Hester tekent namens de stichting voor CBS Het Kompas; haar bewijs van bevoegdheid volgt.", "Statuten opvragen", 10, False),
]  # fmt: skip

# The penvoerder of the demo region: the board of its vmbo schools.
PENVOERDER = "svo-voorbeeldregio"


def link_locations(organisations: dict) -> None:
    """Put each demo school under its board, once; a school moved by hand stays where it
    is."""
    for school, board in LOCATIONS.items():
        location = organisations[school]
        if location.belongs_to_id is None:
            location.belongs_to = organisations[board]
            location.save(update_fields=["belongs_to"])
