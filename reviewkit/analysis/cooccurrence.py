"""Provides the co-occurrence matrix of codes over units (documents or passages) where both apply (pure).

Input: (unit, code) pairs that count under a source, e.g. ``SourceView.applied`` (documents) or
``SourceView.applied_passages`` (passages) from `reviewkit.analysis.review_state`; `pairs_for`
picks one. Figures for codes A and B (a label may stand for a group of codes: a unit carries the
label when it carries ANY of its codes):

- ``count``: units carrying both A and B; on the diagonal (A = A) the units carrying A.
- ``jaccard``: count / units carrying A or B (0 when neither occurs); 1 on the diagonal of an
  occurring code. Symmetric; it does not grow with how common the codes are.
- ``conditional``: count / units carrying A, the share of A's units that also carry B (row
  normalised, so not symmetric: "of the passages coded A, 40 % are also coded B"); 0 when A
  never occurs.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from reviewkit.errors import ReviewkitError

if TYPE_CHECKING:
    from reviewkit.analysis.review_state import SourceView

MEASURES = ("count", "jaccard", "conditional")
LEVELS = ("document", "passage")
FIELDS = ("code_a", "code_b", "count", "jaccard", "conditional")
"""Columns of `Cooccurrence.cells` rows (the long csv/json form)."""


@dataclass(frozen=True)
class CooccurrenceCell:
    """One ordered pair of codes."""

    code_a: str
    code_b: str
    count: int
    """Units carrying both (diagonal: units carrying `code_a`)."""
    jaccard: float
    conditional: float
    """count / units carrying `code_a`."""

    def as_dict(self) -> dict[str, Any]:
        """The cell as a plain dict (keys in `FIELDS` order)."""
        return asdict(self)


@dataclass(frozen=True)
class Cooccurrence:
    """Co-occurrence counts of a set of codes over units."""

    codes: tuple[str, ...]
    """The labels, in the order given (rows and columns of the matrix)."""
    units: int
    """Units carrying at least one of the labels."""
    level: str = "document"
    pair_counts: Mapping[tuple[str, str], int] = field(default_factory=dict, hash=False)
    """(A, B) -> units carrying both, for A <= B in `codes` order and the diagonal."""

    def count(self, a: str, b: str) -> int:
        """Units carrying both `a` and `b` (units carrying `a` when a == b)."""
        i, j = self._index(a), self._index(b)
        key = (a, b) if i <= j else (b, a)
        return self.pair_counts.get(key, 0)

    def jaccard(self, a: str, b: str) -> float:
        """count(a, b) / units carrying a or b (0.0 when neither occurs)."""
        both = self.count(a, b)
        union = self.count(a, a) + self.count(b, b) - both
        return both / union if union else 0.0

    def conditional(self, a: str, b: str) -> float:
        """Of the units carrying `a`, the share also carrying `b` (0.0 when `a` never occurs)."""
        n = self.count(a, a)
        return self.count(a, b) / n if n else 0.0

    def value(self, a: str, b: str, measure: str = "count") -> float:
        """One of `MEASURES` for (a, b).

        Raises:
            ReviewkitError: an unknown measure.
        """
        if measure == "count":
            return self.count(a, b)
        if measure == "jaccard":
            return self.jaccard(a, b)
        if measure == "conditional":
            return self.conditional(a, b)
        raise ReviewkitError(f"Unknown measure {measure!r}. Use one of: {', '.join(MEASURES)}.")

    def cells(self) -> list[CooccurrenceCell]:
        """Every ordered pair (A, B), row by row: the long form for csv/json."""
        return [
            CooccurrenceCell(a, b, self.count(a, b), self.jaccard(a, b), self.conditional(a, b))
            for a in self.codes
            for b in self.codes
        ]

    def matrix(self, measure: str = "count") -> list[dict[str, Any]]:
        """The wide form for a table: one dict per code, ``{"code": A, B1: value, B2: value, ...}``.

        Raises:
            ReviewkitError: an unknown measure.
        """
        return [{"code": a, **{b: self.value(a, b, measure) for b in self.codes}} for a in self.codes]

    def _index(self, code: str) -> int:
        try:
            return self.codes.index(code)
        except ValueError:
            raise ReviewkitError(
                f"Code {code!r} is not in the matrix. Codes: {', '.join(self.codes) or '(none)'}."
            ) from None


def pairs_for(view: SourceView, level: str = "document") -> frozenset[tuple[int, str]]:
    """The (unit, code) pairs of a source at a level: documents or passages.

    Raises:
        ReviewkitError: an unknown level.
    """
    if level == "document":
        return view.applied
    if level == "passage":
        return view.applied_passages
    raise ReviewkitError(f"Unknown level {level!r}. Use one of: {', '.join(LEVELS)}.")


def cooccurrence(
    pairs: Iterable[tuple[Hashable, str]],
    codes: Sequence[str] | Mapping[str, Collection[str]] | None = None,
    level: str = "document",
) -> Cooccurrence:
    """Count, for every pair of codes, the units carrying both.

    Args:
        pairs: (unit, code id) pairs; duplicates count once.
        codes: the labels in matrix order: code ids, or ``{label: code ids}`` for groups (a unit
            carries a label when it carries any of its codes); default every code in `pairs`,
            sorted. Codes outside the selection are ignored.
        level: recorded in the result (``document`` or ``passage``) for display.

    Returns:
        The matrix (`Cooccurrence`).

    Raises:
        ReviewkitError: an unknown level.
    """
    if level not in LEVELS:
        raise ReviewkitError(f"Unknown level {level!r}. Use one of: {', '.join(LEVELS)}.")
    seen = {(u, c) for u, c in pairs}
    if codes is None:
        selection: dict[str, set[str]] = {c: {c} for c in sorted({c for _, c in seen})}
    elif isinstance(codes, Mapping):
        selection = {label: set(ids) for label, ids in codes.items()}
    else:
        selection = {c: {c} for c in dict.fromkeys(codes)}
    label_of: dict[str, list[str]] = {}
    for label, ids in selection.items():
        for code in ids:
            label_of.setdefault(code, []).append(label)
    per_unit: dict[Hashable, set[str]] = {}
    for unit, code in seen:
        for label in label_of.get(code, ()):
            per_unit.setdefault(unit, set()).add(label)
    order = {label: i for i, label in enumerate(selection)}
    counts: dict[tuple[str, str], int] = {}
    for labels in per_unit.values():
        ranked = sorted(labels, key=order.__getitem__)
        for i, a in enumerate(ranked):
            for b in ranked[i:]:
                counts[(a, b)] = counts.get((a, b), 0) + 1
    return Cooccurrence(tuple(selection), len(per_unit), level, counts)
