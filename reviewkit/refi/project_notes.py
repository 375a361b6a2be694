"""Provides the REFI-QDA ``<Note>`` of a memo and the ``<NoteRef>`` links inside codes (for `project_write`).

A memo becomes a ``<Note>`` (its text as ``PlainTextContent``, its author as ``creatingUser``, its
times) whose ``<Description>`` ends with a ``reviewkit: {json}`` line naming the target kind; the
note is linked from what it is about: a selection, a text source, a code, or the project.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Protocol

from lxml import etree

from reviewkit.refi.xml import SOURCE_META, code_guid, user_guid


class SourceMemo(Protocol):
    """What the writer reads of a memo (a ``<Note>`` linked by ``<NoteRef>`` to its target)."""

    @property
    def id(self) -> int: ...
    @property
    def target_kind(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def coder(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def created_at(self) -> str: ...
    @property
    def updated_at(self) -> str: ...
    @property
    def document_id(self) -> int | None: ...
    @property
    def field(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


def note_element(q: str, parent: Any, memo: SourceMemo, note_guid: str) -> None:
    """A ``<Note>``: the memo's text, its author and times, and a reviewkit line naming its target."""
    note = etree.SubElement(parent, f"{q}Note", guid=note_guid)
    first = memo.text.strip().splitlines()[0] if memo.text.strip() else "memo"
    note.set("name", first if len(first) <= 60 else first[:59] + "…")
    note.set("creatingUser", user_guid(memo.coder))
    if memo.created_at:
        note.set("creationDateTime", xsd_datetime(memo.created_at))
    if memo.updated_at:
        note.set("modifiedDateTime", xsd_datetime(memo.updated_at))
    meta = {"memo": memo.target_kind, "coder": memo.coder, "created_at": memo.created_at}
    if memo.target_kind == "code":
        meta["code"] = memo.target
    etree.SubElement(note, f"{q}Description").text = (
        f"reviewkit memo on the {memo.target_kind} by {memo.coder}\n"
        + SOURCE_META
        + json.dumps(meta, ensure_ascii=False, separators=(",", ":"))
    )
    etree.SubElement(note, f"{q}PlainTextContent").text = memo.text


def code_notes(q: str, root: Any, book_name: str, memos: list[SourceMemo], note_ids: dict[int, str]) -> None:
    """NoteRefs inside the codes' elements (after their Description, before child codes)."""
    if not memos:
        return
    by_guid = {el.get("guid"): el for el in root.iter(f"{q}Code")}
    for n in memos:
        el = by_guid.get(code_guid(book_name, n.target))
        if el is None:
            continue
        pos = sum(1 for child in el if child.tag == f"{q}Description")
        pos += sum(1 for child in el if child.tag == f"{q}NoteRef")
        ref = etree.Element(f"{q}NoteRef", targetGUID=note_ids[id(n)])
        el.insert(pos, ref)


def xsd_datetime(stamp: str) -> str:
    """An ISO timestamp as xsd:dateTime (UTC, seconds)."""
    try:
        dt = datetime.fromisoformat(stamp)
    except ValueError:
        return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


__all__ = ["SourceMemo", "code_notes", "note_element", "xsd_datetime"]
