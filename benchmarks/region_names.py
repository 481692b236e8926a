"""Names of the bench region, shared by the runner and the region builder."""

SLUG = "bench"
EMAIL = "bench@example.nl"
