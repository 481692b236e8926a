"""The cofinancing records, by concern; every name is re-exported here so
`from cofinancing.models import X` (and the migrations' `cofinancing.models.evidence_path`)
keep working."""

from cofinancing.models.budget import (
    MONEY_FIELD,
    NOT_FUNDED_ELSEWHERE,
    Base,
    Budget,
    CostCategory,
    CostLine,
    FundingLine,
    FundingSource,
    IneligibleReason,
    Scheme,
    funded_elsewhere,
)
from cofinancing.models.contributions import (
    PLEDGED_AND_UP,
    REALISED_AND_UP,
    STILL_PLEDGED,
    Contribution,
    ContributionKind,
    ContributionStatus,
)
from cofinancing.models.evidence import Evidence, EvidenceKind, evidence_path
from cofinancing.models.reports import AnnualStatement
from cofinancing.models.statements import OUT, CompanyStatement, StatementStatus

__all__ = [
    "MONEY_FIELD",
    "NOT_FUNDED_ELSEWHERE",
    "OUT",
    "PLEDGED_AND_UP",
    "REALISED_AND_UP",
    "STILL_PLEDGED",
    "AnnualStatement",
    "Base",
    "Budget",
    "CompanyStatement",
    "Contribution",
    "ContributionKind",
    "ContributionStatus",
    "CostCategory",
    "CostLine",
    "Evidence",
    "EvidenceKind",
    "FundingLine",
    "FundingSource",
    "IneligibleReason",
    "Scheme",
    "StatementStatus",
    "evidence_path",
    "funded_elsewhere",
]
