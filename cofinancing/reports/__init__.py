"""The reports a region hands in (docs/rules.md §22).

- `plan`: the activity plan and budget of a two-year block, as a workbook;
- `progress`: the progress report draft, as PDF and as Word-friendly HTML;
- `statement` and `ledger`: the annual statement (PDF summary and Excel ledger), rendered
  in the background by `tasks.render_statement` and kept in `AnnualStatement` rows.
"""
