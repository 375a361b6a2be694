"""Provides the qdpx export: a REFI-QDA project (NVivo, ATLAS.ti, MAXQDA, QualCoder) with codes and codings.

The archive holds ``project.qde`` and ``sources/<GUID>.txt``, one UTF-8 text source per document.
The text of a source is ``title + "\\n\\n" + abstract`` (then ``"\\n\\n" + title_alt + "\\n\\n" +
abstract_alt`` when the document has a second-language copy; see `plain_text_layout`), so a passage
of the abstract at offsets (s, e) becomes a ``PlainTextSelection`` at (s + len(title) + 2,
e + len(title) + 2): positions count characters (Unicode code points), end exclusive. Each
accepted coding is a ``Coding`` of its selection, made by the ``User`` named like the coder. The
source's ``Description`` ends with a line ``reviewkit: {json}`` (key, DOI, year, authors, journal,
field offsets) so that ``reviewkit import`` can restore documents and passages exactly. The
project is checked against the REFI ``Project-mrt2019.xsd`` before the file is kept.
"""

from __future__ import annotations

import json
import uuid
import zipfile
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from reviewkit.errors import ExportError
from reviewkit.exporters.base import CodeInfo, CodingRow, DocumentRow, ExportData, Exporter, plain_text_layout
from reviewkit.registry import exporters

PROJECT_NS = "urn:QDA-XML:project:1.0"
SOURCE_META = "reviewkit: "
"""Prefix of the last Description line of an exported source (followed by JSON)."""


def _guid(kind: str, *parts: Any) -> str:
    from reviewkit.refi.codebook import GUID_NAMESPACE

    return str(uuid.uuid5(GUID_NAMESPACE, "/".join([kind, *(str(p) for p in parts)]))).upper()


def user_guid(name: str) -> str:
    """The stable GUID of a coder (the same name always gives the same GUID)."""
    return _guid("user", name)


def source_description(doc: DocumentRow, base: dict[str, int]) -> str:
    """Readable bibliographic lines, then the ``reviewkit: {json}`` line `reviewkit import` reads."""
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
    meta = {
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
    lines.append(SOURCE_META + json.dumps(meta, ensure_ascii=False, separators=(",", ":")))
    return "\n".join(lines)


def _codebook(data: ExportData) -> Any:
    from reviewkit.codebook.model import Code, Codebook

    book = getattr(data, "codebook", None)
    if book is not None:
        return book
    codes = tuple(
        Code(
            id=c.id,
            label={k: v for k, v in (("en", c.label), ("zh", c.label_zh)) if v},
            parent=c.parent,
            definition=c.definition,
            color=c.color,
        )
        for c in data.codes
    )
    return Codebook(name=data.codebook_name, version=data.codebook_version, codes=codes)


@exporters.register("qdpx.v1")
class QdpxExporter(Exporter):
    """REFI-QDA project archive: codebook, documents as text sources, accepted codings as selections."""

    name = "qdpx"
    suffix = ".qdpx"
    description = "REFI-QDA project for NVivo / ATLAS.ti / MAXQDA / QualCoder (.qdpx)"

    def extra_outputs(self, data: ExportData, out: Path) -> list[Path]:
        """None: everything goes into the archive."""
        return []

    def write(self, data: ExportData, path: Path) -> dict[str, Any]:
        """Write the archive and check project.qde against the REFI schema.

        Returns:
            {"sources", "selections", "codings", "users", "codes"} counts.

        Raises:
            ExportError: the project does not validate (a bug: the message lists the schema errors).
        """
        from lxml import etree

        from reviewkit.refi.codebook import code_guid, codebook_element

        book = _codebook(data)
        q = f"{{{PROJECT_NS}}}"
        stamp = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        by_doc: dict[int, list[CodingRow]] = {}
        for row in data.codings():
            if row.status == "accepted":
                by_doc.setdefault(row.document_id, []).append(row)
        coders = sorted({r.coder for rows in by_doc.values() for r in rows} | set(data.coders))
        root = etree.Element(f"{q}Project", nsmap={None: PROJECT_NS})
        root.set("name", data.project or "reviewkit project")
        root.set("origin", data.generator)
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
            "skipped": 0,
        }
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for doc in data.documents():
                text, base = plain_text_layout(doc)
                sguid = _guid("source", doc.key)
                src = etree.SubElement(sources_el, f"{q}TextSource", guid=sguid)
                src.set("name", (doc.title or doc.key)[:200])
                src.set("plainTextPath", f"internal://{sguid}.txt")
                src.set("creationDateTime", stamp)
                etree.SubElement(src, f"{q}Description").text = source_description(doc, base)
                zf.writestr(f"sources/{sguid}.txt", text.encode("utf-8"))
                counts["sources"] += 1
                self._selections(
                    etree, q, src, doc, base, by_doc.get(doc.id, []), known, book.name, code_guid, counts
                )
            meta = {"codebook": data.codebook_name, "version": data.codebook_version, "view": data.view}
            etree.SubElement(root, f"{q}Description").text = (
                f"Exported by {data.generator} from codebook {data.codebook_name} {data.codebook_version}; "
                f"codings: {data.view or 'all coders'}. Source texts are title, a blank line, then the abstract.\n"
                + SOURCE_META
                + json.dumps(meta, ensure_ascii=False, separators=(",", ":"))
            )
            errors = validate_project(root)
            if errors:
                raise ExportError(
                    "The REFI-QDA project does not validate (please report this):\n" + "\n".join(errors[:10])
                )
            zf.writestr(
                "project.qde", etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
            )
        return counts

    @staticmethod
    def _selections(
        etree: Any,
        q: str,
        src: Any,
        doc: DocumentRow,
        base: dict[str, int],
        rows: list[CodingRow],
        known: set[str],
        book_name: str,
        code_guid: Any,
        counts: dict[str, int],
    ) -> None:
        spans: dict[tuple[str, int, int], list[CodingRow]] = {}
        for row in rows:
            if row.code_id not in known or row.field not in base:
                counts["skipped"] += 1
                continue
            spans.setdefault((row.field, row.start, row.end), []).append(row)
        for (fld, start, end), span_rows in sorted(
            spans.items(), key=lambda kv: (base[kv[0][0]] + kv[0][1], kv[0][2])
        ):
            s, e = base[fld] + start, base[fld] + end
            sel = etree.SubElement(
                src, f"{q}PlainTextSelection", guid=_guid("selection", doc.key, fld, start, end)
            )
            name = span_rows[0].passage_text
            sel.set("name", name if len(name) <= 100 else name[:99] + "…")
            sel.set("startPosition", str(s))
            sel.set("endPosition", str(e))
            sel.set("creatingUser", user_guid(span_rows[0].coder))
            counts["selections"] += 1
            for row in sorted(span_rows, key=lambda r: (r.code_id, r.coder)):
                coding = etree.SubElement(
                    sel, f"{q}Coding", guid=_guid("coding", doc.key, fld, start, end, row.code_id, row.coder)
                )
                coding.set("creatingUser", user_guid(row.coder))
                if row.decided_at:
                    coding.set("creationDateTime", _xsd_datetime(row.decided_at))
                etree.SubElement(coding, f"{q}CodeRef", targetGUID=code_guid(book_name, row.code_id))
                counts["codings"] += 1


def _xsd_datetime(stamp: str) -> str:
    """An ISO timestamp as xsd:dateTime (UTC, seconds)."""
    try:
        dt = datetime.fromisoformat(stamp)
    except ValueError:
        return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def validate_project(root_or_bytes: Any) -> list[str]:
    """Check a REFI-QDA project (an lxml element or .qde bytes) against the bundled Project-mrt2019.xsd.

    Returns:
        Schema errors as ``line N: message`` (empty when valid).
    """
    from lxml import etree

    xsd = resources.files("reviewkit") / "data" / "Project-mrt2019.xsd"
    schema = etree.XMLSchema(etree.fromstring(xsd.read_bytes()))
    doc = etree.fromstring(root_or_bytes) if isinstance(root_or_bytes, bytes) else root_or_bytes
    if schema.validate(doc):
        return []
    return [f"line {err.line}: {err.message}" for err in schema.error_log]


__all__ = ["CodeInfo", "QdpxExporter", "source_description", "user_guid", "validate_project"]
