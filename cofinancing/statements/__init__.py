"""Company statements (verklaring cofinanciering, docs/rules.md §23).

- `lines`: the frozen lines of a statement, read from the realised contributions;
- `signers`: who signs for the organisation (partners.signing's rules, a proxy within the
  statement's total);
- `services`: sending a year's statements, voiding, correcting, certifying;
- `kind`: the statement as a kind of document for signing/;
- `pdf` and `tasks`: the PDF, rendered in the background and kept, then sent;
- `selectors`: the board of a year.
"""
