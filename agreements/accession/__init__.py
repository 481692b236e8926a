"""Deeds of accession (toetredingsverklaringen, docs/rules.md §25): a partner that joins after
the agreement was signed accedes by a deed signed by itself and by the penvoerder on behalf
of all parties, instead of everyone signing the whole agreement again. The agreement in
force is the signed version plus its signed deeds.

By concern: the deed's content and PDF (deed), writes (services), the document kind for
signing/ (kind), rendering and sending in the background (tasks), stuck renders (recovery),
reads (selectors)."""
