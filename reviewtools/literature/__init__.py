"""Stage 3, literature: identifiers, works and the bibliographic services (sources/),
references.bib (bib, records, refs, verify), searches and screening.

May import the base, :mod:`reviewtools.article` and :mod:`reviewtools.claims`.
"""
