"""Provides reading of REFI-QDA projects (``.qdpx`` archives or bare ``.qde`` files) into plain dataclasses.

Only what reviewkit can use is read: users, the code tree (GUIDs, names, reviewkit ids), text
sources with their plain text and their plain-text selections with codings. Everything else
(PDF, picture, audio and video sources; codings of a whole source) is counted in `skipped`.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from reviewkit.errors import ImportFormatError

_TRAILER_ID = re.compile(r"^reviewkit:\s*(?:.*;\s*)?id=(?P<id>[^;]+)", re.MULTILINE)
SOURCE_META = "reviewkit: "


@dataclass
class QdpxCode:
    """A code element: its GUID, the names from the root down to it, and its reviewkit id if any."""

    guid: str
    path: tuple[str, ...]
    """Names from the top-level code down to this one (``Parent::Child`` names split)."""
    code_id: str = ""
    """The id from a reviewkit Description trailer (empty for other tools' codes)."""


@dataclass
class QdpxSelection:
    """A plain-text selection with the codes applied to it."""

    start: int
    end: int
    user: str = ""
    """GUID of the user who made the selection."""
    codings: list[tuple[str, str]] = field(default_factory=list)
    """(code GUID, user GUID) per coding ("" when the tool gave no user)."""


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


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(el: Any, name: str) -> list[Any]:
    return [c for c in el if _local(c.tag) == name]


def _norm_guid(guid: str | None) -> str:
    return (guid or "").strip().strip("{}").upper()


def _entry(names: list[str], wanted: str) -> str | None:
    low = {n.lower(): n for n in names}
    return low.get(wanted.lower())


def read_qdpx(path: str | Path) -> QdpxProject:
    """Read a ``.qdpx`` archive (or a bare ``.qde``) into a `QdpxProject`.

    Args:
        path: the file.

    Returns:
        Users, codes, text sources with selections, and notes on what was skipped.

    Raises:
        ImportFormatError: not a zip with a ``project.qde``, not well-formed XML, or not a REFI-QDA project.
    """
    from lxml import etree

    p = Path(path)
    files: dict[str, bytes] = {}
    try:
        if zipfile.is_zipfile(p):
            with zipfile.ZipFile(p) as zf:
                names = zf.namelist()
                qde = _entry(names, "project.qde") or next(
                    (n for n in names if n.lower().endswith(".qde")), None
                )
                if qde is None:
                    raise ImportFormatError(
                        str(p), None, "a zip file without project.qde inside: not a .qdpx project"
                    )
                xml = zf.read(qde)
                files = {
                    n: zf.read(n) for n in names if n.lower().startswith("sources/") and not n.endswith("/")
                }
        else:
            xml = p.read_bytes()
    except (OSError, zipfile.BadZipFile) as exc:
        raise ImportFormatError(str(p), None, f"cannot be read: {exc}") from exc
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=True)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else None
        raise ImportFormatError(str(p), line, f"project.qde is not well-formed XML: {exc.msg}") from exc
    if _local(root.tag) != "Project":
        raise ImportFormatError(
            str(p),
            None,
            f"not a REFI-QDA project: the root element is <{_local(root.tag)}>, expected <Project>",
        )
    project = QdpxProject(name=root.get("name") or p.stem, users={}, codes=[], sources=[])
    for users in _children(root, "Users"):
        for user in _children(users, "User"):
            project.users[_norm_guid(user.get("guid"))] = user.get("name") or user.get("id") or "user"
    for book in _children(root, "CodeBook"):
        for codes in _children(book, "Codes"):
            _read_codes(codes, (), project.codes)
    for desc in _children(root, "Description"):
        project.meta = _meta_line((desc.text or "").replace("\r\n", "\n")) or {}
    for sources in _children(root, "Sources"):
        for src in sources:
            kind = _local(src.tag)
            if kind != "TextSource":
                if kind:
                    project.skipped.append(
                        f"{kind} {src.get('name') or src.get('guid')}: only text sources are imported"
                    )
                continue
            source = _read_source(src, files, project.skipped)
            if source is not None:
                project.sources.append(source)
    return project


def _read_codes(codes_el: Any, ancestors: tuple[str, ...], out: list[QdpxCode]) -> None:
    for el in _children(codes_el, "Code"):
        names = tuple(part.strip() for part in (el.get("name") or "").split("::"))
        path = ancestors + names
        code_id = ""
        for desc in _children(el, "Description"):
            match = _TRAILER_ID.search((desc.text or "").replace("\r\n", "\n"))
            if match:
                code_id = unquote(match.group("id").strip())
        out.append(QdpxCode(guid=_norm_guid(el.get("guid")), path=path, code_id=code_id))
        _read_codes(el, path, out)


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


def _read_source(src: Any, files: dict[str, bytes], skipped: list[str]) -> QdpxSource | None:
    name = src.get("name") or src.get("guid") or "source"
    text: str | None = None
    for content in _children(src, "PlainTextContent"):
        text = content.text or ""
    ref = src.get("plainTextPath") or ""
    if text is None and ref:
        if ref.startswith("internal://"):
            wanted = "sources/" + ref[len("internal://") :]
            entry = _entry(list(files), wanted)
            if entry is not None:
                text = files[entry].decode("utf-8-sig", errors="replace")
        if text is None:
            skipped.append(f"text source {name}: its text ({ref}) is not inside the archive")
            return None
    if text is None:
        skipped.append(f"text source {name}: no plain text")
        return None
    description = ""
    for desc in _children(src, "Description"):
        description = (desc.text or "").replace("\r\n", "\n")
    source = QdpxSource(_norm_guid(src.get("guid")), name, text, description, _meta_line(description))
    if _children(src, "Coding"):
        skipped.append(f"text source {name}: codings of the whole source are not imported (only selections)")
    for sel in _children(src, "PlainTextSelection"):
        try:
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
        except (TypeError, ValueError):
            skipped.append(f"text source {name}: a selection without valid positions")
            continue
        selection = QdpxSelection(start, end, user=_norm_guid(sel.get("creatingUser")))
        for coding in _children(sel, "Coding"):
            for ref_el in _children(coding, "CodeRef"):
                selection.codings.append(
                    (_norm_guid(ref_el.get("targetGUID")), _norm_guid(coding.get("creatingUser")))
                )
        source.selections.append(selection)
    return source
