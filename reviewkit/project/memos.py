"""Provides the memo use cases: notes on a passage, a document, a code or the project.

A memo is timestamped and attributed to a coder; adding and deleting are audited (and undoable)
by `reviewkit.store.memos`. Targets are written ``passage:ID``, ``document:ID`` (id or key),
``code:ID`` (a code of the current codebook) or ``project``. `memo_rows` gives the memos with
where they point (document, passage offsets), for the csv/jsonl ``memos`` export and the
``.qdpx`` Notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reviewkit.errors import NotFoundError, ReviewkitError
from reviewkit.exporters.base import MemoRow
from reviewkit.records import Memo

if TYPE_CHECKING:
    from reviewkit.store import Store

KINDS = ("passage", "document", "code", "project")


@dataclass(frozen=True)
class Target:
    """Where a memo points: its kind and the stored target (passage/document id, code id, "")."""

    kind: str
    target: str

    def __str__(self) -> str:
        return self.kind if self.kind == "project" else f"{self.kind}:{self.target}"


def parse_target(store: Store, spec: str) -> Target:
    """Read ``passage:ID``, ``document:ID|KEY``, ``code:ID`` or ``project`` and check the target exists.

    Raises:
        ReviewkitError: the spec is malformed (says how to write it).
        NotFoundError: no such passage, document or code.
    """
    kind, _, value = spec.strip().partition(":")
    kind, value = kind.strip().lower(), value.strip()
    if kind == "project" and not value:
        return Target("project", "")
    if kind not in KINDS or not value or kind == "project":
        raise ReviewkitError(
            f"Cannot read memo target {spec!r}: use passage:ID, document:ID, code:ID or project."
        )
    if kind == "passage":
        if not value.isdigit() or store.passages.get(int(value)) is None:
            raise NotFoundError(f"No passage {value!r} (passage ids are shown by `reviewkit docs show`).")
        return Target(kind, str(int(value)))
    if kind == "document":
        doc = store.documents.get(int(value) if value.isdigit() else value)
        if doc is None:
            raise NotFoundError(f"No document {value!r} (an id or key of `reviewkit docs list`).")
        return Target(kind, str(doc.id))
    from reviewkit.project.codebooks import resolve_codebook

    cb, book = resolve_codebook(store)
    ids = [r.code_id for r in store.codebooks.codes(cb)]  # the codes as stored (what the app shows)
    if value not in ids:
        raise NotFoundError(f"No code {value!r} in codebook {book.name}. Codes: {', '.join(ids)}.")
    return Target(kind, value)


def add_memo(store: Store, on: str, text: str, coder: str) -> Memo:
    """Write a memo by `coder` on the target `on` (see `parse_target`); returns it.

    Raises:
        ReviewkitError: empty text or a malformed target; NotFoundError: no such target.
    """
    if not text.strip():
        raise ReviewkitError("A memo needs some text.")
    target = parse_target(store, on)
    memo_id = store.memos.add(target.kind, target.target, coder, text.strip())
    memo = store.memos.get(memo_id)
    assert memo is not None
    return memo


def list_memos(store: Store, on: str | None = None, *, coder: str | None = None) -> list[Memo]:
    """The memos (not deleted), oldest first; of one target when `on` is given."""
    if on is None:
        return store.memos.list(coder=coder)
    target = parse_target(store, on)
    return store.memos.list(target.kind, target.target, coder=coder)


def delete_memo(store: Store, memo_id: int, coder: str) -> Memo:
    """Delete a memo (kept, marked deleted, and in the audit trail); returns it.

    Raises:
        NotFoundError: no such memo, or it is already deleted.
    """
    memo = store.memos.get(memo_id)
    if memo is None or memo.deleted_at:
        raise NotFoundError(f"No memo {memo_id} (list them with `reviewkit memo list`).")
    store.memos.delete(memo_id, coder)
    return memo


@dataclass(frozen=True)
class ContextMemos:
    """The memos shown beside a document in the review app."""

    document: list[Memo]
    """Memos on the document itself, oldest first."""
    passages: dict[int, list[Memo]]
    """Passage id -> its memos, oldest first (passages without memos left out)."""


def memos_in_context(
    store: Store, document_id: int, passage_ids: list[int], *, only_coder: str | None = None
) -> ContextMemos:
    """The memos on a document and on its passages (blind mode: only `only_coder`'s own)."""
    doc = store.memos.list("document", str(document_id), coder=only_coder)
    passages: dict[int, list[Memo]] = {}
    for pid in passage_ids:
        found = store.memos.list("passage", str(pid), coder=only_coder)
        if found:
            passages[pid] = found
    return ContextMemos(doc, passages)


def code_memos(store: Store, code_id: str, *, only_coder: str | None = None) -> list[Memo]:
    """The memos on a code, oldest first (blind mode: only `only_coder`'s own)."""
    return store.memos.list("code", code_id, coder=only_coder)


def memo_rows(store: Store) -> list[MemoRow]:
    """Every memo (not deleted) with where it points, for the exports."""
    rows: list[MemoRow] = []
    for m in store.memos.list():
        doc_id: int | None = None
        fld, start, end, key = "", 0, 0, ""
        if m.target_kind == "passage":
            q = store.passages.get(int(m.target))
            if q is None:
                continue
            doc_id, fld, start, end = q.document_id, q.field, q.start, q.end
        elif m.target_kind == "document":
            doc_id = int(m.target)
        if doc_id is not None:
            doc = store.documents.get(doc_id)
            if doc is None:
                continue
            key = doc.key
        rows.append(
            MemoRow(m.id, m.target_kind, m.target, m.coder, m.text, m.created_at, m.updated_at, doc_id, key, fld, start, end)
        )
    return rows


__all__ = [
    "KINDS",
    "ContextMemos",
    "Target",
    "add_memo",
    "code_memos",
    "delete_memo",
    "list_memos",
    "memo_rows",
    "memos_in_context",
    "parse_target",
]
