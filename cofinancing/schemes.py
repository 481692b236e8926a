"""The regulation periods of STO (docs/rules.md §2), created by migration 0002 and
restored by `ensure_schemes` where a database was emptied (a test flush, a fresh demo)."""

from decimal import Decimal

SCHEMES = [
    {
        "code": "sto-2020-2023",
        "name": "STO 2020–2023",
        "start_year": 2020,
        "end_year": 2023,
        "share": Decimal("0.0750"),
        "base": "eligible_total",
        "default_hourly_rate": Decimal("50.00"),
        "notes": "10%, lowered to 7.5% by the minister's letter of 7 July 2022; spending was "
        "extended to 2024. Base: the project costs (most sources).",
    },
    {
        "code": "sto-2024",
        "name": "STO 2024",
        "start_year": 2024,
        "end_year": 2024,
        "share": Decimal("0.0750"),
        "base": "eligible_total",
        "default_hourly_rate": Decimal("50.00"),
        "notes": "The extra year.",
    },
    {
        "code": "sto-2025-2028",
        "name": "STO 2025–2028",
        "start_year": 2025,
        "end_year": 2028,
        "share": Decimal("0.1000"),
        "base": "eligible_total",
        "default_hourly_rate": Decimal("50.00"),
        "requires_primary": True,
        "notes": "10% of the eligible (subsidiabel) part of the total multi-year budget; "
        "cooperation with primary education is required.",
    },
]


def ensure_schemes(scheme_model=None) -> None:
    """Create the schemes that are missing; an admin's edits to existing ones stay."""
    if scheme_model is None:
        from cofinancing.models import Scheme as scheme_model
    existing = set(scheme_model.objects.values_list("code", flat=True))
    # A migration passes the model as it was then: fields added later take their defaults
    # there, and a later migration sets them.
    fields = {field.name for field in scheme_model._meta.get_fields()}
    for scheme in SCHEMES:
        if scheme["code"] not in existing:
            scheme_model.objects.create(**{k: v for k, v in scheme.items() if k in fields})
