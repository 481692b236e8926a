"""The clause texts of the cooperation agreement (samenwerkingsovereenkomst).

The default text is Dutch and written for Sterk Techniekonderwijs; a project leader may
replace the text of any clause for their partnership (a `ClauseText` row) and restore the
default by deleting that row. Clause texts are plain paragraphs, separated by an empty
line, with placeholders such as {partnership} filled in from the version's snapshot.
Generated parts (the parties, the tasks per party, the contributions table, the signature
blocks) are rendered by the PDF template after the clause with the same key, never by a
placeholder, so a leader cannot remove them by editing a text.
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.models import ClauseText
from sterk.money import format_euro

MAX_CLAUSE_LENGTH = 20000

# (key, title, text). The keys are stable: URLs, overrides and the PDF template use them.
DEFAULT_CLAUSES: list[tuple[str, str, str]] = [
    (
        "parties",
        "Partijen en vertegenwoordiging",
        """Deze overeenkomst wordt gesloten tussen de {party_count} partijen die hieronder zijn genoemd, samen het samenwerkingsverband {partnership} in de regio {region}.

Iedere partij wordt bij het sluiten van deze overeenkomst vertegenwoordigd door de persoon of personen die bij die partij zijn vermeld. Die persoon verklaart door ondertekening dat hij of zij bevoegd is de partij te vertegenwoordigen, zoals blijkt uit het Handelsregister van de Kamer van Koophandel, de statuten, een volmacht of een mandaatbesluit.

Een gevolmachtigde tekent niet voor een bijdrage die hoger is dan de grens van zijn of haar volmacht. Waar twee bestuurders gezamenlijk bevoegd zijn, tekenen zij beiden.""",
    ),
    (
        "considerations",
        "Overwegingen",
        """Partijen overwegen het volgende.

a. De regeling {scheme} ondersteunt scholen voor voortgezet onderwijs met een vmbo-afdeling bij het versterken van het technisch onderwijs, in samenwerking met het regionale bedrijfsleven, het mbo en andere partners.

b. Voor de looptijd {start_year} tot en met {end_year} hebben partijen een regionaal plan opgesteld waarin de gezamenlijke ambitie, de activiteiten en de begroting van het samenwerkingsverband zijn beschreven. Dat plan is de basis van deze overeenkomst.

c. De regeling vraagt dat het bedrijfsleven ten minste {share} cofinanciert, in geld of in natura. Partijen willen vastleggen wie welke taken uitvoert, wie wat bijdraagt en hoe de cofinanciering is opgebouwd en over de bedrijven is verdeeld.

d. Partijen willen hun samenwerking duurzaam maken en ook na afloop van de subsidie voortzetten.""",
    ),
    (
        "purpose",
        "Doel en werkwijze",
        """Het doel van deze overeenkomst is dat partijen samen het regionale plan van {partnership} uitvoeren, zodat leerlingen in de regio {region} aantrekkelijk, actueel en toekomstgericht techniekonderwijs krijgen dat aansluit op de vraag van de arbeidsmarkt.

Partijen werken samen in activiteiten zoals gastlessen en praktijkbegeleiding, het beschikbaar stellen van ruimtes, machines en materiaal, stages en bedrijfsbezoeken, het gezamenlijk ontwikkelen en verzorgen van keuzevakken, loopbaanoriëntatie en het inbrengen van echte opdrachten uit de praktijk.

Partijen overleggen ten minste twee keer per jaar over de voortgang, evalueren de gezamenlijke ambitie en de resultaten en stellen de activiteiten zo nodig bij. Iedere partij wijst een vaste contactpersoon aan.""",
    ),
    (
        "penvoerder",
        "De penvoerder",
        """{penvoerder} is penvoerder van het samenwerkingsverband. De penvoerder vraagt de subsidie aan en is het aanspreekpunt voor de subsidieverstrekker.

De penvoerder voert de administratie van het samenwerkingsverband, coördineert de uitvoering van de activiteiten, verzamelt de gegevens en bewijsstukken van de partijen en stelt de voortgangsrapportages en de verantwoording op.

De penvoerder informeert de partijen tijdig over beslissingen en verzoeken van de subsidieverstrekker. De penvoerder neemt geen verplichtingen op zich namens een andere partij zonder diens schriftelijke instemming.""",
    ),
    (
        "tasks",
        "Taken en verantwoordelijkheden",
        """Iedere partij voert de taken uit en draagt de verantwoordelijkheden die hieronder per partij zijn vermeld, zoals vastgelegd in de activiteiten van het regionale plan.

Een partij die een taak niet of niet op tijd kan uitvoeren, meldt dat zo snel mogelijk aan de penvoerder. Partijen zoeken dan samen naar een oplossing.""",
    ),
    (
        "contributions",
        "Bijdragen en cofinanciering",
        """Iedere partij levert de bijdragen die hieronder per partij en per jaar zijn vermeld. Bijdragen in natura worden gewaardeerd volgens de regels van de regeling: uren tegen het uurtarief van de regeling of een verantwoord ander tarief, machines en apparatuur op basis van afschrijving over de werkelijke economische levensduur en nooit tegen de aanschafprijs, ruimtes tegen een huurwaarde per eenheid.

De cofinanciering door het bedrijfsleven bedraagt in totaal {business_total}. Vereist is ten minste {required}, {share} van de grondslag. Een bijdrage die al uit een andere subsidie wordt betaald, telt niet mee voor de cofinanciering.

Een partij die een toegezegde bijdrage niet kan leveren, meldt dat zo snel mogelijk aan de penvoerder, zodat partijen tijdig voor vervanging kunnen zorgen.""",
    ),
    (
        "administration",
        "Administratie en bewijs",
        """Iedere partij legt haar bijdragen vast en bewaart de bewijsstukken: urenregistraties van medewerkers die uren bijdragen, facturen en betaalbewijzen van geld, materiaal, huur en lease, en de berekening van de afschrijving van machines en apparatuur.

Iedere partij geeft de penvoerder op verzoek een verklaring van de geleverde bijdragen, ondertekend door een bevoegde persoon, en verleent medewerking aan een controle door of namens de subsidieverstrekker.

Partijen bewaren de administratie en de bewijsstukken ten minste zeven jaar na de vaststelling van de subsidie.""",
    ),
    (
        "term",
        "Looptijd",
        """Deze overeenkomst gaat in op de dag waarop alle partijen haar hebben ondertekend en loopt tot en met 31 december {end_year}.

De verplichtingen over administratie, bewijs, geheimhouding en persoonsgegevens blijven gelden na het einde van de overeenkomst, zolang dat voor de verantwoording van de subsidie nodig is.""",
    ),
    (
        "joining",
        "Toetreding en uittreding",
        """Een nieuwe partij kan toetreden met instemming van de penvoerder en de andere partijen. De toetreding wordt vastgelegd in een nieuwe versie van deze overeenkomst, die de nieuwe partij en haar bijdragen vermeldt.

Een partij kan uittreden met een opzegtermijn van drie maanden, door een schriftelijke mededeling aan de penvoerder. De uittredende partij levert de bijdragen die zij tot de dag van uittreding heeft toegezegd en draagt haar administratie en bewijsstukken over aan de penvoerder. Partijen stellen daarna een nieuwe versie van deze overeenkomst vast.""",
    ),
    (
        "confidentiality",
        "Geheimhouding en persoonsgegevens",
        """Partijen houden vertrouwelijke informatie die zij van elkaar ontvangen geheim en gebruiken die alleen voor de uitvoering van deze overeenkomst.

Partijen verwerken persoonsgegevens van leerlingen, medewerkers en contactpersonen alleen voor zover dat voor de uitvoering van deze overeenkomst en de verantwoording van de subsidie nodig is, en houden zich daarbij aan de Algemene verordening gegevensbescherming (AVG). Waar een partij persoonsgegevens verwerkt in opdracht van een andere partij, sluiten zij een verwerkersovereenkomst.

Een partij meldt een inbreuk in verband met persoonsgegevens zonder onnodige vertraging aan de partij die verwerkingsverantwoordelijke is.""",
    ),
    (
        "liability",
        "Aansprakelijkheid",
        """Iedere partij is verantwoordelijk voor haar eigen taken en bijdragen en is niet aansprakelijk voor tekortkomingen van een andere partij.

Wordt de subsidie geheel of gedeeltelijk teruggevorderd doordat een partij haar verplichtingen niet is nagekomen, dan draagt die partij de gevolgen daarvan, tenzij partijen schriftelijk iets anders afspreken.

Leerlingen en medewerkers die bij een andere partij activiteiten uitvoeren, volgen de veiligheidsinstructies van die partij. Iedere partij zorgt voor een passende verzekering van haar eigen aansprakelijkheid.""",
    ),
    (
        "disputes",
        "Geschillen en toepasselijk recht",
        """Op deze overeenkomst is Nederlands recht van toepassing.

Partijen proberen een geschil eerst in onderling overleg op te lossen, zo nodig met hulp van een onafhankelijke bemiddelaar. Lukt dat niet binnen twee maanden, dan wordt het geschil voorgelegd aan de bevoegde rechter in het arrondissement waar de penvoerder is gevestigd.""",
    ),
    (
        "signatures",
        "Ondertekening",
        """Aldus overeengekomen en ondertekend door de {party_count} partijen van {partnership}, ieder vertegenwoordigd door een daartoe bevoegde persoon. Een elektronische handtekening heeft dezelfde rechtsgevolgen als een handgeschreven handtekening.""",
    ),
]

DEFAULT_BY_KEY = {key: (title, text) for key, title, text in DEFAULT_CLAUSES}

# The placeholders a clause text may use, with what they become.
PLACEHOLDERS: dict[str, object] = {
    "partnership": gettext_lazy("the name of the partnership"),
    "region": gettext_lazy("the region"),
    "start_year": gettext_lazy("the first year"),
    "end_year": gettext_lazy("the last year"),
    "scheme": gettext_lazy("the name of the scheme"),
    "share": gettext_lazy("the business share, as a percentage"),
    "penvoerder": gettext_lazy("the name of the penvoerder"),
    "party_count": gettext_lazy("the number of parties"),
    "business_total": gettext_lazy("the business cofinancing in total"),
    "required": gettext_lazy("the cofinancing the scheme requires"),
    "percentage": gettext_lazy("the business cofinancing as a percentage of the base"),
}

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class UnknownPlaceholder(ValueError):
    """A clause text names a placeholder that does not exist."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"unknown placeholder {{{name}}}")


def unknown_placeholders(text: str) -> list[str]:
    """The names between braces that are not placeholders, in order of appearance, once."""
    found = []
    for match in _PLACEHOLDER.finditer(text):
        name = match.group(1).strip()
        if name not in PLACEHOLDERS and name not in found:
            found.append(name)
    return found


def _percent(fraction: str | None) -> str:
    if not fraction:
        return "—"
    value = (Decimal(str(fraction)) * 100).normalize()
    return f"{format(value, 'f').replace('.', ',')}%"


def _euro(value) -> str:
    return format_euro(Decimal(str(value))) if value not in (None, "") else format_euro(0)


def placeholder_values(snapshot: dict) -> dict[str, str]:
    """What every placeholder becomes for this snapshot (amounts Dutch-formatted)."""
    partnership = snapshot.get("partnership") or {}
    scheme = snapshot.get("scheme") or {}
    cofinancing = snapshot.get("cofinancing") or {}
    parties = snapshot.get("parties") or []
    penvoerder = next(
        (party["name"] for party in parties if party["key"] == snapshot.get("penvoerder")),
        "(penvoerder nog niet aangewezen)",
    )
    share = scheme.get("share") or cofinancing.get("rate")
    percentage = cofinancing.get("percentage")
    return {
        "partnership": partnership.get("name", ""),
        "region": partnership.get("region", ""),
        "start_year": str(partnership.get("start_year", "")),
        "end_year": str(partnership.get("end_year", "")),
        "scheme": scheme.get("name") or "Sterk Techniekonderwijs",
        "share": _percent(share),
        "penvoerder": penvoerder,
        "party_count": str(len(parties)),
        "business_total": _euro(cofinancing.get("business_total")),
        "required": _euro(cofinancing.get("required")),
        "percentage": f"{percentage.replace('.', ',')}%" if percentage else "—",
    }


def render_clause(text: str, snapshot: dict) -> list[str]:
    """The clause as paragraphs (split on empty lines) with the placeholders filled in.

    Raises UnknownPlaceholder naming the first placeholder that does not exist. The result
    is plain text: escaping is the template's job.
    """
    values = placeholder_values(snapshot)

    def fill(match):
        name = match.group(1).strip()
        if name not in values:
            raise UnknownPlaceholder(name)
        return values[name]

    filled = _PLACEHOLDER.sub(fill, text.replace("\r\n", "\n").replace("\r", "\n"))
    return [paragraph.strip() for paragraph in re.split(r"\n[ \t]*\n", filled) if paragraph.strip()]


# --- reads and writes ------------------------------------------------------------------------


def effective_clauses(*, partnership) -> list[dict]:
    """Every clause in the default order, with the partnership's own text where it has one.

    One query."""
    overrides = dict(ClauseText.objects.filter(partnership=partnership).values_list("key", "text"))
    return [
        {
            "key": key,
            "title": title,
            "text": overrides.get(key, text),
            "is_default": key not in overrides,
        }
        for key, title, text in DEFAULT_CLAUSES
    ]


def validate_clause_text(text: str) -> None:
    """ValidationError (field "text") for a text that is too long or uses an unknown
    placeholder."""
    if len(text) > MAX_CLAUSE_LENGTH:
        raise ValidationError(
            {"text": _("A clause has at most %(max)d characters.") % {"max": MAX_CLAUSE_LENGTH}}
        )
    unknown = unknown_placeholders(text)
    if unknown:
        raise ValidationError(
            {
                "text": _("Unknown placeholder: %(names)s.")
                % {"names": ", ".join("{" + name + "}" for name in unknown)}
            }
        )


@transaction.atomic
def clause_save(*, partnership, key: str, text: str, user) -> ClauseText | None:
    """Store the partnership's own text for a clause; a text equal to the default removes
    the override (so "changed" always means different)."""
    if key not in DEFAULT_BY_KEY:
        raise ValidationError({"key": _("There is no such clause.")})
    text = text.replace("\r\n", "\n").strip()
    validate_clause_text(text)
    if text == DEFAULT_BY_KEY[key][1]:
        clause_restore(partnership=partnership, key=key)
        return None
    clause, _created = ClauseText.objects.update_or_create(
        partnership=partnership, key=key, defaults={"text": text, "changed_by": user}
    )
    return clause


def clause_restore(*, partnership, key: str) -> bool:
    """Go back to the default text; True when there was an override."""
    deleted, _rows = ClauseText.objects.filter(partnership=partnership, key=key).delete()
    return bool(deleted)
