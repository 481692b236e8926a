"""The texts of the approach pack: the defaults (Dutch, as the letter is), the placeholders a
text may use, and filling them in. Pure: imports no model."""

from string import Formatter

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PLACEHOLDERS = ("organisation", "contact", "region", "partnership", "leader")

TEXT_FIELDS = (
    "letter_subject",
    "letter_opening",
    "letter_body",
    "letter_closing",
    "flyer_title",
    "flyer_intro",
    "gains",
)

DEFAULTS = {
    "letter_subject": "Uitnodiging: samen werken aan sterk techniekonderwijs in {region}",
    "letter_opening": "Beste {contact},",
    "letter_body": (
        "In {region} werken scholen, bedrijven en overheden samen in {partnership} om meer "
        "jongeren enthousiast te maken voor techniek en ze goed op te leiden. Wij nodigen "
        "{organisation} graag uit om mee te doen.\n\n"
        "Hieronder leest u wat wij willen bereiken, wat bedrijven al doen en waar u kunt "
        "aansluiten. Wij komen graag eerst bij u langs, en laten u daarna onze school zien."
    ),
    "letter_closing": (
        "Ik neem binnenkort contact met u op om een afspraak te maken. Heeft u nu al vragen, "
        "bel of mail mij gerust.\n\nMet vriendelijke groet,\n\n{leader}\n{partnership}"
    ),
    "flyer_title": "Doe mee met {partnership}",
    "flyer_intro": (
        "Samen met scholen en bedrijven in {region} zorgen we voor goed opgeleide technici "
        "van morgen. Ook {organisation} kan daaraan bijdragen."
    ),
    "gains": (
        "Contact met de technici van de toekomst, al op school. Leerlingen en docenten die "
        "weten wat uw bedrijf doet en welk vak daarbij hoort. Stagiairs en nieuwe collega's "
        "die passen. Een stem in wat er in de regio wordt opgeleid, en een netwerk van "
        "bedrijven en scholen die hetzelfde willen."
    ),
}


def check_placeholders(text: str) -> None:
    """Refuse a text with a placeholder other than PLACEHOLDERS, naming it, or with a lone
    brace; `{{` and `}}` print a brace."""
    try:
        parts = [
            (field, spec, conversion)
            for _, field, spec, conversion in Formatter().parse(text)
            if field is not None
        ]
    except ValueError:
        raise ValidationError(
            _("A brace { or } is not closed; write {{ or }} for a brace itself."),
            code="unbalanced",
        ) from None
    for field, spec, conversion in parts:
        # A format spec or conversion ({organisation:>999999}) is no placeholder either.
        if field not in PLACEHOLDERS or spec or conversion:
            field = field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise ValidationError(
                _("Unknown placeholder {%(name)s}; use %(known)s."),
                code="unknown_placeholder",
                params={
                    "name": field,
                    "known": ", ".join("{" + name + "}" for name in PLACEHOLDERS),
                },
            )


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with its placeholders filled in; checked texts only (check_placeholders)."""
    check_placeholders(text)
    return text.format_map({name: str(values.get(name, "")) for name in PLACEHOLDERS})
