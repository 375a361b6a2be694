"""Provides the ris export: the documents for Zotero/EndNote, codes as keywords, decisions in a note."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from reviewkit.exporters.base import DocumentRow, ExportData, Exporter
from reviewkit.registry import exporters

RIS_TYPES = {
    "journal-article": "JOUR",
    "book": "BOOK",
    "chapter": "CHAP",
    "conference-paper": "CONF",
    "thesis": "THES",
    "report": "RPRT",
    "newspaper": "NEWS",
    "patent": "PAT",
    "standard": "STAND",
}


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def ris_reference(doc: DocumentRow, codes: list[str], note: str) -> dict[str, Any]:
    """A rispy reference dict for a document; `codes` are appended to its keywords."""
    ref: dict[str, Any] = {"type_of_reference": RIS_TYPES.get(doc.type, "JOUR" if doc.journal else "GEN")}
    ref["id"] = doc.key
    if doc.title:
        ref["title"] = _one_line(doc.title)
    if doc.title_alt:
        ref["translated_title"] = _one_line(doc.title_alt)
    if doc.authors:
        ref["authors"] = [_one_line(a) for a in doc.authors]
    if doc.year is not None:
        ref["year"] = str(doc.year)
    if doc.journal:
        ref["secondary_title"] = _one_line(doc.journal)
    if doc.volume:
        ref["volume"] = doc.volume
    if doc.issue:
        ref["number"] = doc.issue
    if doc.pages:
        first, _, last = doc.pages.partition("-")
        ref["start_page"] = first.strip()
        if last.strip():
            ref["end_page"] = last.strip()
    if doc.doi:
        ref["doi"] = doc.doi
    if doc.url:
        ref["urls"] = [doc.url]
    if doc.language:
        ref["language"] = doc.language
    if doc.abstract:
        ref["abstract"] = _one_line(doc.abstract)
    keywords = [_one_line(k) for k in doc.keywords if k.strip()]
    keywords += [c for c in codes if c not in keywords]
    if keywords:
        ref["keywords"] = keywords
    if note:
        ref["notes"] = [note]
    return ref


@exporters.register("ris.v1")
class RisExporter(Exporter):
    """RIS with the document's keywords plus its accepted code ids (KW) and a decisions note (N1)."""

    name = "ris"
    suffix = ".ris"
    description = "documents with their codes as keywords, for Zotero / EndNote (.ris)"
    merged_view = True
    screened_only = True

    def write(self, data: ExportData, path: Path) -> dict[str, Any]:
        """Write one RIS reference per document. Returns {"references", "coded"}."""
        import rispy

        class _Writer(rispy.RisWriter):  # type: ignore[misc]
            def set_header(self, count: int) -> str:
                return ""

        decisions: dict[int, Counter[tuple[str, str]]] = {}
        for row in data.codings():
            decisions.setdefault(row.document_id, Counter())[(row.code_id, row.status)] += 1
        refs, coded = [], 0
        for doc in data.documents():
            counts = decisions.get(doc.id, Counter())
            accepted = [c for c in data.codes_order(c for c, _ in counts) if counts.get((c, "accepted"))]
            rejected = [
                c
                for c in data.codes_order(c for c, _ in counts)
                if counts.get((c, "rejected")) and c not in accepted
            ]
            note = ""
            if counts:
                parts = [
                    f"{c} ({counts[(c, 'accepted')]} passage{'s' if counts[(c, 'accepted')] != 1 else ''})"
                    for c in accepted
                ]
                note = f"reviewkit codes ({data.view or 'all coders'}): " + ("; ".join(parts) or "none")
                if rejected:
                    note += f". Rejected: {'; '.join(rejected)}"
            coded += bool(accepted)
            refs.append(ris_reference(doc, accepted, note))
        path.write_text(rispy.dumps(refs, implementation=_Writer), encoding="utf-8")
        return {"references": len(refs), "coded": coded}
