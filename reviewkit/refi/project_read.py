"""Provides reading of REFI-QDA projects (``.qdpx`` archives or bare ``.qde`` files) into plain dataclasses.

Only what reviewkit can use is read: users, the code tree (GUIDs, names, reviewkit ids), text
sources with their plain text and their plain-text selections with codings. Everything else
(PDF, picture, audio and video sources; codings of a whole source) is counted in `skipped`.
The archive is read through `reviewkit.refi.archive` (bounded reads; only project.qde and the
source texts it references) and the XML through `reviewkit.refi.xml` (no entities, no DTDs).
Texts are never taken from outside the archive (``absolute://`` and ``relative://`` paths are skipped).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reviewkit.codebook.model import Codebook
from reviewkit.errors import CodebookError, ImportFormatError
from reviewkit.refi.archive import Archive, ArchiveError, is_zip, read_file
from reviewkit.refi.codebook import code_trailer, codebook_from_root
from reviewkit.refi.xml import MAX_DEPTH, SOURCE_META, UnsafeXMLError, children, local, norm_guid, parse


@dataclass
class QdpxCode:
    """A code element: its GUID, the names from the root down to it, and its reviewkit id if any."""

    guid: str
    path: tuple[str, ...]
    """Names from the top-level code down to this one (``Parent::Child`` names split)."""
    code_id: str = ""
    """The id from a reviewkit Description trailer (empty for other tools' codes)."""
    notes: list[str] = field(default_factory=list)
    """GUIDs of the notes linked to the code."""


@dataclass
class QdpxSelection:
    """A plain-text selection with the codes applied to it."""

    start: int
    end: int
    user: str = ""
    """GUID of the user who made the selection."""
    codings: list[tuple[str, str]] = field(default_factory=list)
    """(code GUID, user GUID) per coding ("" when the tool gave no user)."""
    notes: list[str] = field(default_factory=list)
    """GUIDs of the notes linked to the selection."""


@dataclass
class QdpxSource:
    """A text source: its name, plain text, Description and selections."""

    guid: str
    name: str
    text: str
    description: str = ""
    meta: dict[str, Any] | None = None
    """The ``reviewkit: {json}`` line of a source exported by reviewkit (None for other tools)."""
    selections: list[QdpxSelection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """GUIDs of the notes linked to the whole source."""


@dataclass
class QdpxNote:
    """A ``<Note>`` (a memo): its text, author and time."""

    guid: str
    text: str
    user: str = ""
    """GUID of the user who wrote it."""
    created: str = ""
    modified: str = ""
    meta: dict[str, Any] | None = None
    """The ``reviewkit: {json}`` line of a note exported by reviewkit."""


@dataclass
class QdpxProject:
    """What reviewkit reads from a REFI-QDA project."""

    name: str
    users: dict[str, str]
    """GUID (upper case) -> user name."""
    codes: list[QdpxCode]
    sources: list[QdpxSource]
    skipped: list[str] = field(default_factory=list)
    """Human-readable notes on what could not be read (other source kinds, missing texts)."""
    meta: dict[str, Any] = field(default_factory=dict)
    """The ``reviewkit: {json}`` line of a project exported by reviewkit (codebook name and version)."""
    codebook: Codebook | None = None
    """The project's codebook (None when it has no codes), read from the same parse."""
    notes: dict[str, QdpxNote] = field(default_factory=dict)
    """Note GUID -> note (inline text only; notes whose text is a file are read from the archive)."""
    project_notes: list[str] = field(default_factory=list)
    """GUIDs of the notes linked to the project as a whole."""


def read_qdpx(path: str | Path) -> QdpxProject:
    """Read a ``.qdpx`` archive (or a bare ``.qde``) into a `QdpxProject`.

    Args:
        path: the file.

    Returns:
        Users, codes, text sources with selections, and notes on what was skipped.

    Raises:
        ImportFormatError: not a zip with a ``project.qde``, not well-formed or unsafe XML, an entry
            over the size limits, codes nested too deeply, or not a REFI-QDA project.
    """
    p = Path(path)
    try:
        if is_zip(p):
            with Archive(p) as archive:
                qde = archive.find("project.qde") or next(
                    (n for n in archive.names if n.lower().endswith(".qde")), None
                )
                if qde is None:
                    raise ImportFormatError(
                        str(p), None, "a zip file without project.qde inside: not a .qdpx project"
                    )
                return _read_project(p, archive.read(qde), archive)
        if p.suffix.lower() == ".qdpx" and p.is_file():
            raise ImportFormatError(
                str(p), None, "not a zip archive, as a .qdpx must be (is the file cut short?)"
            )
        return _read_project(p, read_file(p), None)
    except ArchiveError as exc:
        raise ImportFormatError(str(p), None, exc.reason) from exc
    except OSError as exc:
        raise ImportFormatError(str(p), None, f"cannot be read: {exc.strerror or exc}") from exc


def _read_project(p: Path, xml: bytes, archive: Archive | None) -> QdpxProject:
    try:
        root = parse(xml)
    except UnsafeXMLError as exc:
        raise ImportFormatError(str(p), exc.line, f"project.qde: {exc.reason}") from exc
    if local(root.tag) != "Project":
        raise ImportFormatError(
            str(p),
            None,
            f"not a REFI-QDA project: the root element is <{local(root.tag)}>, expected <Project>",
        )
    project = QdpxProject(name=root.get("name") or p.stem, users={}, codes=[], sources=[])
    for users in children(root, "Users"):
        for user in children(users, "User"):
            project.users[norm_guid(user.get("guid"))] = user.get("name") or user.get("id") or "user"
    for book in children(root, "CodeBook"):
        for codes in children(book, "Codes"):
            _read_codes(codes, project.codes, str(p))
    for desc in children(root, "Description"):
        project.meta = _meta_line((desc.text or "").replace("\r\n", "\n")) or {}
    project.project_notes = _note_refs(root)
    for notes in children(root, "Notes"):
        for note in children(notes, "Note"):
            read = _read_note(note, archive)
            if read is not None:
                project.notes[read.guid] = read
    if project.codes:
        try:
            book = codebook_from_root(root, str(p), p)
        except CodebookError as exc:
            raise ImportFormatError(str(p), None, f"its codebook cannot be read: {exc}") from exc
        if project.meta.get("codebook"):
            book = replace(
                book,
                name=str(project.meta["codebook"]),
                version=str(project.meta.get("version") or book.version),
            )
        project.codebook = book
    for sources in children(root, "Sources"):
        for src in sources:
            kind = local(src.tag)
            if kind != "TextSource":
                if kind:
                    project.skipped.append(
                        f"{kind} {src.get('name') or src.get('guid')}: only text sources are imported"
                    )
                continue
            source = _read_source(src, archive, project.skipped)
            if source is not None:
                project.sources.append(source)
    return project


def _read_codes(codes_el: Any, out: list[QdpxCode], label: str) -> None:
    """Every code under ``<Codes>`` in document order, walked iteratively (depth bounded)."""
    stack: list[tuple[Any, tuple[str, ...]]] = [(el, ()) for el in reversed(children(codes_el, "Code"))]
    while stack:
        el, ancestors = stack.pop()
        names = tuple(part.strip() for part in (el.get("name") or "").split("::"))
        path = ancestors + names
        if len(path) > MAX_DEPTH:
            raise ImportFormatError(
                label, el.sourceline, f"codes are nested more than {MAX_DEPTH} levels deep; refused"
            )
        code_id = ""
        for desc in children(el, "Description"):
            code_id = code_trailer(desc.text or "").get("id", code_id)
        out.append(QdpxCode(guid=norm_guid(el.get("guid")), path=path, code_id=code_id, notes=_note_refs(el)))
        stack.extend((child, path) for child in reversed(children(el, "Code")))


def _meta_line(description: str) -> dict[str, Any] | None:
    """The JSON object of a last line ``reviewkit: {...}``, if there is one."""
    last = description.rstrip().rsplit("\n", 1)[-1] if description else ""
    if not last.startswith(SOURCE_META):
        return None
    try:
        value = json.loads(last[len(SOURCE_META) :])
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _read_source(src: Any, archive: Archive | None, skipped: list[str]) -> QdpxSource | None:
    name = src.get("name") or src.get("guid") or "source"
    text: str | None = None
    for content in children(src, "PlainTextContent"):
        text = content.text or ""
    ref = src.get("plainTextPath") or ""
    if text is None and ref:
        if ref.startswith("internal://") and archive is not None:
            entry = archive.find("sources/" + ref[len("internal://") :])
            if entry is not None:
                text = archive.read(entry).decode("utf-8-sig", errors="replace")
        if text is None:
            skipped.append(f"text source {name}: its text ({ref}) is not inside the archive")
            return None
    if text is None:
        skipped.append(f"text source {name}: no plain text")
        return None
    description = ""
    for desc in children(src, "Description"):
        description = (desc.text or "").replace("\r\n", "\n")
    source = QdpxSource(norm_guid(src.get("guid")), name, text, description, _meta_line(description))
    if children(src, "Coding"):
        skipped.append(f"text source {name}: codings of the whole source are not imported (only selections)")
    for sel in children(src, "PlainTextSelection"):
        try:
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
        except (TypeError, ValueError):
            skipped.append(f"text source {name}: a selection without valid positions")
            continue
        selection = QdpxSelection(start, end, user=norm_guid(sel.get("creatingUser")))
        for coding in children(sel, "Coding"):
            for ref_el in children(coding, "CodeRef"):
                selection.codings.append(
                    (norm_guid(ref_el.get("targetGUID")), norm_guid(coding.get("creatingUser")))
                )
        selection.notes = _note_refs(sel)
        source.selections.append(selection)
    source.notes = _note_refs(src)
    return source


def _note_refs(el: Any) -> list[str]:
    """GUIDs of the ``<NoteRef>`` children of an element."""
    return [norm_guid(ref.get("targetGUID")) for ref in children(el, "NoteRef") if ref.get("targetGUID")]


def _read_note(note: Any, archive: Archive | None) -> QdpxNote | None:
    """A note's text (inline, or an ``internal://`` file of the archive) and who wrote it when."""
    text: str | None = None
    for content in children(note, "PlainTextContent"):
        text = content.text or ""
    ref = note.get("plainTextPath") or ""
    if text is None and ref.startswith("internal://") and archive is not None:
        entry = archive.find("sources/" + ref[len("internal://") :])
        if entry is not None:
            text = archive.read(entry).decode("utf-8-sig", errors="replace")
    if text is None or not note.get("guid"):
        return None
    description = ""
    for desc in children(note, "Description"):
        description = (desc.text or "").replace("\r\n", "\n")
    return QdpxNote(
        norm_guid(note.get("guid")),
        text,
        norm_guid(note.get("creatingUser")) if note.get("creatingUser") else "",
        note.get("creationDateTime") or "",
        note.get("modifiedDateTime") or "",
        _meta_line(description),
    )
