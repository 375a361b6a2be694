"""Provides nothing but its side effect: importing it registers every built-in importer.

`reviewkit.registry.importers` imports it on its first look-up, so that a process that needs only
one format (the import worker parses RIS) does not load them all (BibTeX alone brings bibtexparser
and pylatexenc).
"""

from reviewkit.importers import (  # noqa: F401  (each module registers its importer)
    bibtex,
    chinese,
    citation,
    csljson,
    csvfile,
    endnote,
    endnotexml,
    jsonl,
    noteexpress,
    ovid,
    pubmed,
    pubmedxml,
    refworks,
    ris,
    wos,
)
