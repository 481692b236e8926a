"""The accountant's bundle (docs/rules.md §24): one ZIP per year, or for the period, with
the ledger, the annual statement, the signed company statements, the evidence files, the
agreement in force and a manifest of every file's SHA-256. It holds the agreement, so it
sits above agreements in the layering contract (pyproject.toml)."""
