"""Provides the writing of a REFI-QDA project (.qdpx): codes, documents as text sources, codings as selections.

The archive holds ``project.qde`` and ``sources/<GUID>.txt``, one UTF-8 text source per document.
The text of a source is ``title + "\\n\\n" + abstract`` (then ``"\\n\\n" + title_alt + "\\n\\n" +
abstract_alt`` when the document has a second-language copy; see `plain_text_layout`), so a passage
of the abstract at offsets (s, e) becomes a ``PlainTextSelection`` at (s + len(title) + 2,
e + len(title) + 2): positions count characters (Unicode code points), end exclusive. Each
accepted coding is a ``Coding`` of its selection, made by the ``User`` named like the coder. The
source's ``Description`` ends with a line ``reviewkit: {json}`` (key, DOI, year, authors, journal,
field offsets) so that ``reviewkit import`` can restore documents and passages exactly.

Decisions that REFI-QDA has no element for travel in that same JSON line, never as codings: a
rejected code (``"rejected": [[field, start, end, code_id, coder, decided_at], ...]``) and a passage
a coder marked done (``"done": [[field, start, end, coder, marked_at], ...]``). A rejection written
as a ``<Coding>`` would show in NVivo, ATLAS.ti, MAXQDA or QualCoder as the code *applied*; in the
source's ``<Description>`` (an xsd:string) the file stays valid and other tools show it only as
text, while a round trip through reviewkit keeps every decision (agreement unchanged). The
project is checked against the REFI ``Project-mrt2019.xsd`` before the file is kept.

Pure: documents and codings come in as any objects with the fields of `SourceDocument` and
`SourceCoding` (the exporters' rows or the records of the store); nothing here reads a project.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from reviewkit.codebook.model import Codebook
from reviewkit.refi.codebook import codebook_element
from reviewkit.refi.project_notes import SourceMemo, code_notes, note_element, xsd_datetime
from reviewkit.refi.sources import SourceCoding, SourceDocument, SourceMark
from reviewkit.refi.xml import (
    PROJECT_NS,
    PROJECT_XSD,
    SOURCE_META,
    code_guid,
    default_nsmap,
    guid,
    to_bytes,
    user_guid,
    validate,
)


class ProjectInvalidError(ValueError):
    """The project built does not validate against the REFI schema (a bug); `errors` lists why."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(
            "The REFI-QDA project does not validate (please report this):\n" + "\n".join(errors[:10])
        )
        self.errors = errors


@dataclass(frozen=True)
class ProjectInfo:
    """The project-level facts written into project.qde."""

    name: str
    generator: str = "reviewkit"
    """Written as the project's ``origin``."""
    codebook_name: str = ""
    codebook_version: str = ""
    view: str = ""
    """Whose codings these are ("coder alice", "consensus", "all coders")."""
    coders: tuple[str, ...] = ()
    """Coders to list as users even without codings."""


def plain_text_layout(doc: SourceDocument) -> tuple[str, dict[str, int]]:
    """The plain text of a document as exported to REFI-QDA, and where each field starts in it.

    The text is ``title + "\\n\\n" + abstract``; when the document has a second-language title or
    abstract, ``"\\n\\n" + title_alt + "\\n\\n" + abstract_alt`` follows. A passage at offsets
    (start, end) of field F is at ``(base[F] + start, base[F] + end)`` in the plain text; so an
    abstract passage is shifted by ``len(title) + 2``.

    Returns:
        (plain text, {field: offset of the field's first character}).
    """
    fields = [("title", doc.title), ("abstract", doc.abstract)]
    if doc.title_alt or doc.abstract_alt:
        fields += [("title_alt", doc.title_alt), ("abstract_alt", doc.abstract_alt)]
    base: dict[str, int] = {}
    pos = 0
    parts = []
    for i, (name, text) in enumerate(fields):
        if i:
            parts.append("\n\n")
            pos += 2
        base[name] = pos
        parts.append(text)
        pos += len(text)
    return "".join(parts), base


def source_description(
    doc: SourceDocument,
    base: dict[str, int],
    rejected: list[list[Any]] | None = None,
    done: list[list[Any]] | None = None,
) -> str:
    """Readable bibliographic lines, then the ``reviewkit: {json}`` line `reviewkit import` reads.

    `rejected` rows are ``[field, start, end, code_id, coder, decided_at]`` and `done` rows
    ``[field, start, end, coder, marked_at]``; both are written only when not empty.
    """
    lines = [f"Key: {doc.key}"]
    if doc.doi:
        lines.append(f"DOI: {doc.doi}")
    if doc.year is not None:
        lines.append(f"Year: {doc.year}")
    if doc.authors:
        lines.append(f"Authors: {'; '.join(doc.authors)}")
    if doc.journal:
        lines.append(f"Journal: {doc.journal}")
    lengths = {
        "title": doc.title,
        "abstract": doc.abstract,
        "title_alt": doc.title_alt,
        "abstract_alt": doc.abstract_alt,
    }
    meta: dict[str, Any] = {
        "key": doc.key,
        "doi": doc.doi,
        "year": doc.year,
        "authors": list(doc.authors),
        "journal": doc.journal,
        "volume": doc.volume,
        "issue": doc.issue,
        "pages": doc.pages,
        "type": doc.type,
        "language": doc.language,
        "keywords": list(doc.keywords),
        "url": doc.url,
        "fields": {f: [b, b + len(lengths[f])] for f, b in base.items()},
    }
    if rejected:
        meta["rejected"] = rejected
    if done:
        meta["done"] = done
    lines.append(SOURCE_META + json.dumps(meta, ensure_ascii=False, separators=(",", ":")))
    return "\n".join(lines)


def write_qdpx(
    path: Path,
    info: ProjectInfo,
    book: Codebook,
    documents: Iterable[SourceDocument],
    codings: Iterable[SourceCoding],
    done: Iterable[SourceMark] = (),
    memos: Iterable[SourceMemo] = (),
) -> dict[str, int]:
    """Write a REFI-QDA project archive to `path` and check project.qde against the REFI schema.

    Args:
        path: the archive to write (the caller renames it into place).
        info: project name, generator, codebook name/version, view and coders.
        book: the codebook (its codes get stable GUIDs from its name and the code ids).
        documents: the documents, each written as a text source.
        codings: the decisions; accepted ones become codings of plain-text selections, rejected
            ones go into the source's reviewkit Description line (see the module docstring).
        done: passages marked done, kept in the same line.
        memos: memos, written as ``<Notes>`` and linked by ``<NoteRef>`` from their passage (a
            selection, coded or not), document (the text source), code or the project.

    Returns:
        {"sources", "selections", "codings", "rejections", "done", "notes", "users", "codes", "skipped"}
        counts.

    Raises:
        ProjectInvalidError: the project does not validate (a bug: the message lists the schema errors).
    """
    q = f"{{{PROJECT_NS}}}"
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    by_doc: dict[int, list[SourceCoding]] = {}
    rejected: dict[int, list[list[Any]]] = {}
    for row in codings:
        if row.status == "accepted":
            by_doc.setdefault(row.document_id, []).append(row)
        elif row.status == "rejected":
            rejected.setdefault(row.document_id, []).append(
                [row.field, row.start, row.end, row.code_id, row.coder, row.decided_at]
            )
    marks: dict[int, list[list[Any]]] = {}
    for mark in done:
        marks.setdefault(mark.document_id, []).append(
            [mark.field, mark.start, mark.end, mark.coder, mark.marked_at]
        )
    notes = list(memos)
    coders = sorted(
        {n.coder for n in notes}
        | {r.coder for rows in by_doc.values() for r in rows}
        | {r[4] for rows in rejected.values() for r in rows}
        | {m[3] for rows in marks.values() for m in rows}
        | set(info.coders)
    )
    root = etree.Element(f"{q}Project", nsmap=default_nsmap(PROJECT_NS))
    root.set("name", info.name or "reviewkit project")
    root.set("origin", info.generator)
    root.set("creationDateTime", stamp)
    if coders:
        root.set("creatingUserGUID", user_guid(coders[0]))
        users = etree.SubElement(root, f"{q}Users")
        for coder in coders:
            etree.SubElement(users, f"{q}User", guid=user_guid(coder), name=coder)
    known = set(book.ids)
    if book.codes:
        root.append(codebook_element(book, namespace=PROJECT_NS))
    sources_el = etree.SubElement(root, f"{q}Sources")
    counts = {
        "sources": 0,
        "selections": 0,
        "codings": 0,
        "users": len(coders),
        "codes": len(book.codes),
        "rejections": 0,
        "done": 0,
        "notes": len(notes),
        "skipped": 0,
    }
    note_ids = {id(n): guid("note", n.id, n.created_at) for n in notes}
    on_span: dict[int, dict[tuple[str, int, int], list[SourceMemo]]] = {}
    on_doc: dict[int, list[SourceMemo]] = {}
    for n in notes:
        if n.target_kind == "passage" and n.document_id is not None:
            on_span.setdefault(n.document_id, {}).setdefault((n.field, n.start, n.end), []).append(n)
        elif n.target_kind == "document" and n.document_id is not None:
            on_doc.setdefault(n.document_id, []).append(n)
    code_notes(q, root, book.name, [n for n in notes if n.target_kind == "code"], note_ids)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for doc in documents:
            text, base = plain_text_layout(doc)
            sguid = guid("source", doc.key)
            src = etree.SubElement(sources_el, f"{q}TextSource", guid=sguid)
            src.set("name", (doc.title or doc.key)[:200])
            src.set("plainTextPath", f"internal://{sguid}.txt")
            src.set("creationDateTime", stamp)
            doc_rejected = sorted(r for r in rejected.get(doc.id, []) if r[0] in base)
            doc_done = sorted(m for m in marks.get(doc.id, []) if m[0] in base)
            counts["rejections"] += len(doc_rejected)
            counts["done"] += len(doc_done)
            etree.SubElement(src, f"{q}Description").text = source_description(
                doc, base, doc_rejected, doc_done
            )
            zf.writestr(f"sources/{sguid}.txt", text.encode("utf-8"))
            counts["sources"] += 1
            spans = on_span.get(doc.id, {})
            _selections(
                q, src, doc, base, by_doc.get(doc.id, []), known, book.name, counts, spans, note_ids, text
            )
            for n in on_doc.get(doc.id, []):
                etree.SubElement(src, f"{q}NoteRef", targetGUID=note_ids[id(n)])
        if notes:
            notes_el = etree.SubElement(root, f"{q}Notes")
            for n in notes:
                note_element(q, notes_el, n, note_ids[id(n)])
        meta = {"codebook": info.codebook_name, "version": info.codebook_version, "view": info.view}
        etree.SubElement(root, f"{q}Description").text = (
            f"Exported by {info.generator} from codebook {info.codebook_name} {info.codebook_version}; "
            f"codings: {info.view or 'all coders'}. Source texts are title, a blank line, then the abstract.\n"
            + SOURCE_META
            + json.dumps(meta, ensure_ascii=False, separators=(",", ":"))
        )
        for n in notes:
            if n.target_kind == "project":
                etree.SubElement(root, f"{q}NoteRef", targetGUID=note_ids[id(n)])
        errors = validate_project(root)
        if errors:
            raise ProjectInvalidError(errors)
        zf.writestr("project.qde", to_bytes(root))
    return counts


def _selections(
    q: str,
    src: Any,
    doc: SourceDocument,
    base: dict[str, int],
    rows: list[SourceCoding],
    known: set[str],
    book_name: str,
    counts: dict[str, int],
    span_notes: dict[tuple[str, int, int], list[SourceMemo]],
    note_ids: dict[int, str],
    text: str,
) -> None:
    spans: dict[tuple[str, int, int], list[SourceCoding]] = {}
    for row in rows:
        if row.code_id not in known or row.field not in base:
            counts["skipped"] += 1
            continue
        spans.setdefault((row.field, row.start, row.end), []).append(row)
    for span in span_notes:
        if span[0] in base:
            spans.setdefault(span, [])
    for (fld, start, end), span_rows in sorted(
        spans.items(), key=lambda kv: (base[kv[0][0]] + kv[0][1], kv[0][2])
    ):
        s, e = base[fld] + start, base[fld] + end
        sel = etree.SubElement(
            src, f"{q}PlainTextSelection", guid=guid("selection", doc.key, fld, start, end)
        )
        span_memos = span_notes.get((fld, start, end), [])
        name = span_rows[0].passage_text if span_rows else text[s:e]
        sel.set("name", name if len(name) <= 100 else name[:99] + "…")
        sel.set("startPosition", str(s))
        sel.set("endPosition", str(e))
        sel.set("creatingUser", user_guid(span_rows[0].coder if span_rows else span_memos[0].coder))
        counts["selections"] += 1
        for row in sorted(span_rows, key=lambda r: (r.code_id, r.coder)):
            coding = etree.SubElement(
                sel, f"{q}Coding", guid=guid("coding", doc.key, fld, start, end, row.code_id, row.coder)
            )
            coding.set("creatingUser", user_guid(row.coder))
            if row.decided_at:
                coding.set("creationDateTime", xsd_datetime(row.decided_at))
            etree.SubElement(coding, f"{q}CodeRef", targetGUID=code_guid(book_name, row.code_id))
            counts["codings"] += 1
        for n in span_memos:
            etree.SubElement(sel, f"{q}NoteRef", targetGUID=note_ids[id(n)])


def validate_project(root_or_bytes: Any) -> list[str]:
    """Check a REFI-QDA project (an lxml element or .qde bytes) against the bundled Project-mrt2019.xsd.

    Returns:
        Schema errors as ``line N: message`` (empty when valid).
    """
    return validate(root_or_bytes, PROJECT_XSD)


__all__ = [
    "ProjectInfo",
    "ProjectInvalidError",
    "SourceCoding",
    "SourceDocument",
    "SourceMark",
    "SourceMemo",
    "plain_text_layout",
    "source_description",
    "user_guid",
    "validate_project",
    "write_qdpx",
]
