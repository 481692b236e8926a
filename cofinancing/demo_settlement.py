"""The demo region in its second year (issue 13 §5): 2025 realised, with realised costs and
evidence (a few pieces missing, so the list is not empty); 2026 partly realised; 2027–2028
pledged; one contribution cancelled. Runs after cofinancing.demo has made the budget and the
pledges, through the same services a person uses. Seeding twice changes nothing: a line
that is realised, cancelled or has evidence is left as it is.

The evidence files are small real files made here: one-page PDFs with the text of an
invoice or a statement, and hours statements as CSV. Everything is fictitious.
"""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from cofinancing.models import Budget, Contribution, ContributionStatus, CostLine, Evidence
from cofinancing.services.budget import cost_line_save
from cofinancing.services.evidence import evidence_add
from cofinancing.services.realisation import contribution_cancel, contribution_realise

D = Decimal
REALISED_2025 = datetime.date(2025, 12, 31)

# Cost lines realised, as a share of their budget, by year and description; 2026 is not yet
# closed, so only some lines are realised so far.
COST_REALISED = {
    2025: {
        "Projectleiding en coördinatie": D("0.98"),
        "Ontwikkeltijd docenten vmbo en mbo": D("1.03"),
        "Procesbegeleiding en loopbaanexperts": D("0.91"),
        "Materiaal en gereedschap praktijkroutes": D("0.96"),
        "Afschrijving lasrobots en CNC-machines scholen": D("1.00"),
        "Huur praktijklokalen en Fablab": D("0.88"),
        "Communicatie, website en startbijeenkomst": D("1.00"),
    },
    2026: {
        "Projectleiding en coördinatie": D("0.90"),
        "Ontwikkeltijd docenten vmbo en mbo": D("0.86"),
        "Afschrijving lasrobots en CNC-machines scholen": D("0.92"),
    },
}
# A cost that was made but is not eligible: the VAT on the tools, which the school board
# recovers (docs/rules.md §20).
INELIGIBLE = (2025, "Btw op gereedschap praktijkroutes (verrekenbaar)", "recoverable_vat")

# Contributions realised otherwise than pledged: (organisation name start, year,
# description) → (date, quantity).
REALISED_OTHERWISE = {
    ("Van Dijk", 2025, "Dertig gastlessen verspanen van drie uur"): (
        datetime.date(2025, 11, 27), D("84"),
    ),
    ("Van Dijk", 2026, "Werkplaatsbegeleider bij de praktijklessen CNC"): (
        datetime.date(2026, 11, 30), D("70"),
    ),
    ("Havenmond", 2026, "Staal en lasdraad voor de sloep"): (
        datetime.date(2026, 10, 15), D("6140.00"),
    ),
    ("Installatietechniek Oost", 2026, "Hybride docent elektrotechniek, twee dagen per week"): (
        datetime.date(2026, 11, 30), D("544"),
    ),
}  # fmt: skip
CANCELLED = (
    "Bouwbedrijf Jansen", 2026, "Keet op de bouwplaats als leslokaal",
    "De bouwplaats is in maart verplaatst; de lessen zijn verhuisd naar het praktijklokaal "
    "van het ROC, dus de keet is niet gebruikt.",
)  # fmt: skip

# Which realised 2025 lines lack a piece of evidence: (description start, kind missing).
MISSING = {
    ("Lease elektrische lesauto", "proof_of_payment"),
    ("Begeleiding ontwerp groen dak", "hours_statement"),
    ("Huur praktijklokalen en Fablab", "invoice"),
}
KIND_FILES = {
    "hours_statement": ("urenverantwoording", "csv"),
    "invoice": ("factuur", "pdf"),
    "proof_of_payment": ("betaalbewijs", "pdf"),
    "depreciation_schedule": ("afschrijvingsstaat", "pdf"),
    "use_records": ("gebruiksregistratie", "pdf"),
    "internship_agreement": ("stageovereenkomst", "pdf"),
}


def seed(budget: Budget, user) -> None:
    _Settle(budget, user).run()


class _Settle:
    def __init__(self, budget: Budget, user):
        self.budget = budget
        self.partnership = budget.partnership
        self.user = user

    def run(self) -> None:
        self.cost_lines()
        self.realisations()
        self.cancellation()
        self.evidence()

    # --- costs -----------------------------------------------------------------------------

    def cost_lines(self) -> None:
        lines = CostLine.objects.filter(partnership=self.partnership).select_related("activity")
        for line in lines:
            share = COST_REALISED.get(line.year, {}).get(line.description)
            if share is None or line.realised_amount is not None:
                continue
            self.save_line(line, realised_amount=(line.amount * share).quantize(D("0.01")))
        year, description, reason = INELIGIBLE
        if not lines.filter(year=year, description=description).exists():
            line = cost_line_save(
                budget=self.budget, year=year, category="material", description=description,
                unit_price=D("2100.00"), quantity=D("1"),
            )  # fmt: skip
            self.save_line(line, realised_amount=D("2100.00"), eligible=False,
                           ineligible_reason=reason)  # fmt: skip

    def save_line(self, line: CostLine, **realisation) -> CostLine:
        return cost_line_save(
            budget=self.budget, cost_line=line, year=line.year, category=line.category,
            description=line.description, unit_price=line.unit_price, quantity=line.quantity,
            activity=line.activity, **realisation,
        )  # fmt: skip

    # --- contributions ---------------------------------------------------------------------

    def find(self, name: str, year: int, description: str) -> Contribution | None:
        return (
            Contribution.objects.filter(
                partnership=self.partnership,
                organisation__name__contains=name,
                year=year,
                description=description,
            )
            .select_related("organisation", "activity")
            .first()
        )

    def realisations(self) -> None:
        for (name, year, description), (day, quantity) in REALISED_OTHERWISE.items():
            contribution = self.find(name, year, description)
            if contribution is None or contribution.realised_on == day:
                continue
            if contribution.status == ContributionStatus.CERTIFIED:
                continue
            contribution_realise(
                budget=self.budget, contribution=contribution, user=self.user,
                realised_on=day, realised_quantity=quantity,
            )  # fmt: skip

    def cancellation(self) -> None:
        name, year, description, reason = CANCELLED
        contribution = self.find(name, year, description)
        if contribution is not None and contribution.status in (
            ContributionStatus.PLEDGED,
            ContributionStatus.CONFIRMED,
        ):
            contribution_cancel(
                budget=self.budget, contribution=contribution, user=self.user, reason=reason
            )

    # --- evidence --------------------------------------------------------------------------

    def evidence(self) -> None:
        """Files for the realised contributions and costs of 2025, but for a few."""
        from cofinancing.evidence_rules import contribution_needs, cost_line_needs

        proven = set(
            Evidence.objects.filter(partnership=self.partnership).values_list(
                "contribution_id", "cost_line_id"
            )
        )
        contributions = Contribution.objects.filter(
            partnership=self.partnership, year=2025, status=ContributionStatus.REALISED
        ).select_related("organisation", "activity")
        for contribution in contributions.order_by("pk"):
            if (contribution.pk, None) in proven:
                continue
            needed = contribution_needs(
                kind=contribution.kind,
                realised=True,
                internship=bool(contribution.activity and contribution.activity.form == 5),
            )
            for kind in needed:
                self.attach(kind, contribution.description, contribution=contribution,
                            who=contribution.organisation.name,
                            value=contribution.realised_value)  # fmt: skip
        lines = CostLine.objects.filter(
            partnership=self.partnership, year=2025, eligible=True, realised_amount__gt=0
        )
        for line in lines.order_by("pk"):
            if (None, line.pk) in proven:
                continue
            needed = cost_line_needs(
                category=line.category, realised_amount=line.realised_amount, eligible=True
            )
            for kind in needed:
                self.attach(kind, line.description, cost_line=line,
                            who=self.partnership.name, value=line.realised_amount)  # fmt: skip

    def attach(self, kind, description, *, who, value, contribution=None, cost_line=None):
        if any(description.startswith(start) and kind == missing for start, missing in MISSING):
            return
        stem, extension = KIND_FILES.get(kind, ("bewijsstuk", "pdf"))
        lines = [
            f"{stem.capitalize()} 2025",
            f"{who}",
            f"{description}",
            f"Bedrag of waarde: EUR {value}",
            "Voorbeeldbestand van de demo van Sterk; alles is verzonnen.",
        ]
        if extension == "csv":
            data = (
                "datum;naam;activiteit;uren\r\n"
                + "".join(
                    f"2025-{month:02d}-15;Medewerker {who.split()[0]};{description};"
                    f"{D(value or 0) / 600:.1f}\r\n".replace(".", ",")
                    for month in range(9, 13)
                )
            ).encode("utf-8")
        else:
            data = simple_pdf(lines)
        slug = "".join(c if c.isalnum() else "-" for c in description.lower())[:40].strip("-")
        evidence_add(
            partnership=self.partnership,
            user=self.user,
            contribution=contribution,
            cost_line=cost_line,
            kind=kind,
            file=SimpleUploadedFile(f"{stem}-{slug}.{extension}", data),
            note="",
        )


def simple_pdf(lines: list[str]) -> bytes:
    """A one-page PDF that shows `lines` in Helvetica: small, real, readable by pdftotext."""

    def escape(text: str) -> str:
        text = text.encode("latin-1", "replace").decode("latin-1")
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    body = (
        "BT /F1 12 Tf 72 770 Td 16 TL " + " ".join(f"({escape(line)}) '" for line in lines) + " ET"
    )
    stream = body.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body_bytes in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body_bytes + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
