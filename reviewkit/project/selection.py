"""Provides the selection every agreement figure starts from: the codebook, the coders and the codes, and
per unit the coders' reviewed units and acceptances.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reviewkit.codebook.model import Code, Codebook
from reviewkit.errors import NotFoundError, ReviewkitError
from reviewkit.project.review import CONSENSUS
from reviewkit.records import CodeRecord, Coding

if TYPE_CHECKING:
    from reviewkit.store import Store

UNITS = ("passage", "document")
"""The units agreement is computed on."""


@dataclass(frozen=True)
class Selection:
    """The codebook, coders and codes a report is about."""

    codebook_id: int
    codebook_name: str
    codebook_version: str
    codebook: Codebook
    coders: tuple[str, ...]
    codes: tuple[str, ...]


def codebook_from_rows(name: str, version: str, rows: Sequence[CodeRecord]) -> Codebook:
    """A `Codebook` (ids, parents, labels, definitions, colours) built from stored codes."""
    codes = tuple(
        Code(
            id=r.code_id,
            label={k: v for k, v in (("en", r.label), ("zh", r.label_zh)) if v},
            parent=r.parent or None,
            definition=r.definition,
            include=r.include,
            exclude=r.exclude,
            color=r.color,
        )
        for r in rows
    )
    return Codebook(name=name, version=version, codes=codes)


def select(
    store: Store,
    coders: Sequence[str] | None = None,
    codes: str | None = None,
    *,
    codebook: str | None = None,
    exclude_consensus: bool = True,
) -> Selection:
    """Resolve the codebook, coder names and code pattern a report is about.

    Args:
        store: the project.
        coders: coder names (default: every coder with decisions, except the consensus coder).
        codes: comma-separated code ids, group prefixes or globs (default: every leaf code).
        codebook: codebook name (default: the current one).
        exclude_consensus: leave the consensus coder out of the default coders.

    Raises:
        NotFoundError: no codebook, an unknown coder or a pattern matching no code (lists the valid ones).
    """
    info = store.codebooks.current(codebook)
    if info is None:
        raise NotFoundError(
            "The project has no codebook"
            + (f" named {codebook!r}" if codebook else "")
            + ". Load one with `reviewkit codebook load FILE`."
        )
    book = codebook_from_rows(info.name, info.version, store.codebooks.codes(info.id))
    known = store.codings.coders(info.name)
    if coders:
        unknown = [c for c in coders if c not in known]
        if unknown:
            raise NotFoundError(
                f"Unknown coder(s): {', '.join(unknown)}. Coders with decisions: {', '.join(known) or '(none yet)'}."
            )
        chosen = list(dict.fromkeys(coders))
    else:
        chosen = [c for c in known if not (exclude_consensus and c == CONSENSUS)]
    if codes:
        matched = [c.id for c in book.match(codes)]
        if not matched:
            groups = [g.id for g in book.groups()]
            raise NotFoundError(
                f"No code matches {codes!r}. Groups: {', '.join(groups) or '(none)'}; "
                f"codes: {', '.join(book.ids) or '(none)'}."
            )
    else:
        matched = [c.id for c in book.leaves()]
    return Selection(info.id, info.name, info.version, book, tuple(chosen), tuple(matched))


def unit_data(
    store: Store, sel: Selection, unit: str, documents: frozenset[int] | None = None
) -> tuple[dict[str, set[int]], set[tuple[int, str, str]], list[Coding]]:
    """(reviewed units per coder, accepted (unit, code, coder), the raw decisions) (of `documents` only)."""
    if unit not in UNITS:
        raise ReviewkitError(f"Unknown unit {unit!r}. Use one of: {', '.join(UNITS)}.")
    rows = store.codings.latest(sel.codebook_name, list(sel.coders))
    if documents is not None:
        rows = [r for r in rows if int(r.document_id or 0) in documents]
    key = "passage_id" if unit == "passage" else "document_id"
    reviewed: dict[str, set[int]] = defaultdict(set)
    accepted: set[tuple[int, str, str]] = set()
    for r in rows:
        reviewed[r.coder].add(int(getattr(r, key)))
        if r.status == "accepted":
            accepted.add((int(getattr(r, key)), r.code_id, r.coder))
    return reviewed, accepted, rows
