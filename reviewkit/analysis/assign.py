"""Provides the assignment of documents to coders: an overlap sample everyone codes, the rest split evenly.

Rules (`assign`):

- **Overlap sample.** ``round_half_up(overlap * N)`` documents, at least 1 when ``overlap > 0``
  and there are documents, drawn at random; EVERY coder codes them, so agreement (kappa, alpha)
  is computed on them. With one coder the sample is still drawn (it is ready when a second coder
  joins) but that coder codes every document anyway.
- **The rest** is shuffled and dealt to the coders in turn (each document to the coder with the
  fewest so far, ties in the order given), so every coder gets the same number to within one.
- **Deterministic.** The same documents (in any order), coders, overlap and seed give the same plan.
- **Stable when documents are added** (``previous=`` the plan in force): documents already assigned
  keep their coders (overlap documents stay in the overlap, coded by every current coder, a new
  coder included); a document whose only coder is no longer listed, and every new document, is
  assigned anew: first to the overlap sample until it reaches ``round_half_up(overlap * N)`` of
  the current N (it is never shrunk: nobody loses documents), then each to the coder with the
  fewest single-coded documents (ties in the order given), in random order. A fresh plan is
  balanced to within one; an extended one moves toward balance as fast as possible without taking
  anyone's documents away. Documents no longer listed drop out of the plan.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from reviewkit.errors import ReviewkitError


@dataclass(frozen=True)
class AssignmentRow:
    """One (document, coder) assignment, as stored."""

    document_id: int
    coder: str
    overlap: bool
    """True for a document of the overlap sample (every coder has a row for it)."""


@dataclass(frozen=True)
class Assignment:
    """Who codes which document."""

    coders: tuple[str, ...]
    """The coders, in the order given."""
    overlap: frozenset[int]
    """The overlap sample: documents every coder codes (the base of the agreement figures)."""
    single: Mapping[int, str] = field(default_factory=dict, hash=False)
    """Every other document -> its one coder."""

    @property
    def documents(self) -> frozenset[int]:
        """Every assigned document."""
        return self.overlap | frozenset(self.single)

    def documents_of(self, coder: str) -> tuple[int, ...]:
        """A coder's documents (the overlap sample and their own), sorted; () for an unknown coder."""
        if coder not in self.coders:
            return ()
        return tuple(sorted(self.overlap | {d for d, c in self.single.items() if c == coder}))

    def coders_of(self, document_id: int) -> tuple[str, ...]:
        """The coders of a document: every coder in the overlap, else its one coder; () if unassigned."""
        if document_id in self.overlap:
            return self.coders
        coder = self.single.get(document_id)
        return (coder,) if coder is not None else ()

    @property
    def per_coder(self) -> dict[str, tuple[int, ...]]:
        """Coder -> their documents (sorted), in coder order."""
        return {c: self.documents_of(c) for c in self.coders}

    def as_map(self) -> dict[int, tuple[str, ...]]:
        """Document -> its coders (the ``assignments`` input of `ReviewState`)."""
        return {d: self.coders_of(d) for d in sorted(self.documents)}

    def rows(self) -> list[AssignmentRow]:
        """One row per (document, coder), ordered by document then coder order."""
        return [
            AssignmentRow(d, c, d in self.overlap) for d in sorted(self.documents) for c in self.coders_of(d)
        ]

    @classmethod
    def from_rows(cls, rows: Iterable[AssignmentRow], coders: Sequence[str] | None = None) -> Assignment:
        """Rebuild a plan from stored rows (e.g. to pass as ``previous`` to `assign`).

        Args:
            rows: the stored rows.
            coders: the coder order (default: sorted names from the rows).

        Raises:
            ReviewkitError: a document outside the overlap assigned to two coders.
        """
        items = list(rows)
        overlap = frozenset(r.document_id for r in items if r.overlap)
        single: dict[int, str] = {}
        for r in items:
            if r.document_id in overlap:
                continue
            if single.setdefault(r.document_id, r.coder) != r.coder:
                raise ReviewkitError(
                    f"Document {r.document_id} is assigned to {single[r.document_id]!r} and {r.coder!r} "
                    "but is not in the overlap sample."
                )
        names = tuple(coders) if coders is not None else tuple(sorted({r.coder for r in items}))
        return cls(names, overlap, single)


def overlap_size(n_documents: int, overlap: float) -> int:
    """Documents in the overlap sample: ``overlap * n`` rounded half up, at least 1 when overlap > 0."""
    if n_documents == 0 or overlap == 0:
        return 0
    return min(n_documents, max(1, math.floor(overlap * n_documents + 0.5)))


def _check(document_ids: Sequence[int], coders: Sequence[str], overlap: float) -> None:
    if not coders:
        raise ReviewkitError("No coders given: name at least one, e.g. --coders alice,bob.")
    blank = [c for c in coders if not c.strip()]
    if blank:
        raise ReviewkitError(f"Coder names must not be empty (got {list(coders)!r}).")
    twice = sorted(c for c, n in Counter(coders).items() if n > 1)
    if twice:
        raise ReviewkitError(f"Coder name(s) given more than once: {', '.join(twice)}.")
    if not (isinstance(overlap, int | float) and 0.0 <= overlap <= 1.0):
        raise ReviewkitError(
            f"--overlap must be a fraction between 0 and 1 (got {overlap!r}); e.g. 0.2 for 20 %."
        )
    dupes = sorted(d for d, n in Counter(document_ids).items() if n > 1)
    if dupes:
        raise ReviewkitError(f"Document id(s) listed more than once: {', '.join(map(str, dupes[:10]))}.")


def assign(
    document_ids: Iterable[int],
    coders: Sequence[str],
    overlap: float,
    seed: int,
    previous: Assignment | None = None,
) -> Assignment:
    """Split documents among coders with a random overlap sample that every coder codes.

    Args:
        document_ids: the documents to assign (order does not matter).
        coders: coder names, in the order that breaks ties.
        overlap: fraction of the documents in the overlap sample, in [0, 1].
        seed: random seed; the same inputs and seed give the same plan.
        previous: the plan in force; its documents keep their coders (see the module docstring).

    Returns:
        The plan.

    Raises:
        ReviewkitError: no coders, an empty or repeated coder name, overlap outside [0, 1], or a
            document id listed twice.
    """
    ids = list(document_ids)
    names = tuple(coders)
    _check(ids, names, overlap)
    docs = sorted(ids)
    rng = random.Random(seed)
    kept_overlap: set[int] = set()
    single: dict[int, str] = {}
    if previous is not None:
        present = set(docs)
        kept_overlap = set(previous.overlap & present)
        single = {d: c for d, c in previous.single.items() if d in present and c in names}
    new = [d for d in docs if d not in kept_overlap and d not in single]
    rng.shuffle(new)
    need = max(0, overlap_size(len(docs), overlap) - len(kept_overlap))
    sample, rest = new[:need], new[need:]
    load = Counter(single.values())
    order = {c: i for i, c in enumerate(names)}
    for doc in rest:  # fewest first, ties in coder order: round-robin for a fresh plan
        coder = min(names, key=lambda c: (load[c], order[c]))
        single[doc] = coder
        load[coder] += 1
    return Assignment(names, frozenset(kept_overlap | set(sample)), single)
