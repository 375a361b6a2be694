"""Provides the agreement use cases: inter-coder figures, human vs tagger, disagreements, adjudication.

A coder has *reviewed* a unit (passage, or document) when they made any decision on it; on a
reviewed unit a code they did not accept counts as not applied (0), an accepted one as applied (1).
See `reviewkit.analysis.agreement` for which units each figure uses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from reviewkit.analysis.agreement import (
    OVERALL,
    AgreementResult,
    TaggerAgreement,
    compute_agreement,
    tagger_agreement,
)
from reviewkit.codebook.model import Code, Codebook
from reviewkit.errors import NotFoundError, ReviewkitError
from reviewkit.project.review import CONSENSUS
from reviewkit.records import CodeRecord, Coding

if TYPE_CHECKING:
    from reviewkit.store import Store

UNITS = ("passage", "document")

NOTE = (
    "Percent agreement and Cohen's kappa use the units every named coder reviewed; 'all absent' counts "
    "the units where no coder applied the code (percent agreement 'applied' leaves them out). "
    "Krippendorff's alpha (nominal) uses every unit at least two coders reviewed (missing decisions allowed)."
)


@dataclass(frozen=True)
class Selection:
    """The codebook, coders and codes a report is about."""

    codebook_id: int
    codebook_name: str
    codebook_version: str
    codebook: Codebook
    coders: tuple[str, ...]
    codes: tuple[str, ...]


@dataclass(frozen=True)
class AgreementReport:
    """Everything `reviewkit agreement` shows."""

    codebook: str
    unit: str
    coders: tuple[str, ...]
    codes: tuple[str, ...]
    intercoder: AgreementResult | None
    """None when fewer than two coders are named (see `note`)."""
    tagger: tuple[TaggerAgreement, ...]
    """Per coder: one row per code, then the pooled row (code == OVERALL)."""
    note: str = NOTE
    warnings: tuple[str, ...] = ()
    sample: str = "all"
    """``all`` (every reviewed unit) or ``overlap`` (documents of the assignment's overlap sample)."""
    sample_documents: int | None = None
    """Documents in the overlap sample (None for ``all``)."""

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True)
class Disagreement:
    """A unit × code on which the coders who reviewed it differ."""

    unit: str
    """"passage" or "document"."""
    unit_id: int
    document_id: int
    document_key: str
    title: str
    year: int | None
    code_id: str
    code_label: str
    decisions: dict[str, str]
    """Per named coder: accepted, rejected, not applied (reviewed, no decision on this code) or not reviewed."""
    passage_id: int | None = None
    field: str = ""
    start: int | None = None
    end: int | None = None
    text: str = ""
    """The passage text (passage unit) or the title (document unit)."""
    consensus: str | None = None
    """The consensus coder's decision when already adjudicated (accepted/rejected), else None."""
    applied_by: tuple[str, ...] = ()


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


def _unit_data(
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


def agreement(
    store: Store,
    coders: Sequence[str] | None = None,
    *,
    unit: str = "passage",
    codes: str | None = None,
    codebook: str | None = None,
    sample: str = "all",
) -> AgreementReport:
    """Inter-coder agreement per code and overall, and the tagger scored against each coder.

    Args:
        store: the project.
        coders: the coders to compare (default: all but the consensus coder).
        unit: "passage" or "document".
        codes: code pattern (ids, group prefixes, globs; comma-separated).
        codebook: codebook name (default: the current one).
        sample: ``all`` (every unit the coders reviewed) or ``overlap`` (only the documents of the
            overlap sample of `reviewkit assign`, and their passages).

    Returns:
        The report; `intercoder` is None when fewer than two coders are named.

    Raises:
        NotFoundError: unknown coder, code pattern or no codebook (lists the valid ones).
        ReviewkitError: unknown unit or sample, no overlap sample, or no coder has decisions yet.
    """
    sel = select(store, coders, codes, codebook=codebook)
    if not sel.coders:
        raise ReviewkitError("No coder has made a decision yet: review with `reviewkit review` first.")
    documents = _sample(store, sample)
    reviewed, accepted, _rows = _unit_data(store, sel, unit, documents)
    warnings: list[str] = []
    intercoder = None
    if len(sel.coders) >= 2:
        intercoder = compute_agreement(sel.coders, sel.codes, reviewed, accepted, unit=unit)
        if intercoder.units_all_reviewed == 0:
            warnings.append(f"No {unit} was reviewed by all of: {', '.join(sel.coders)}.")
    else:
        warnings.append(
            f"Only one coder ({sel.coders[0]}): inter-coder figures need two or more "
            "(a second coder can review blind with `reviewkit review --blind`)."
        )
    tagger = _tagger_rows(store, sel, unit, reviewed, accepted)
    if not tagger:
        warnings.append(
            "No tagger suggestions for the current codebook: run `reviewkit code` for tagger figures."
        )
    return AgreementReport(
        codebook=f"{sel.codebook_name} {sel.codebook_version}",
        unit=unit,
        coders=sel.coders,
        codes=sel.codes,
        intercoder=intercoder,
        tagger=tuple(tagger),
        warnings=tuple(warnings),
        sample=sample,
        sample_documents=None if documents is None else len(documents),
    )


def _sample(store: Store, sample: str) -> frozenset[int] | None:
    """The documents of a sample (None: all)."""
    if sample == "all":
        return None
    if sample != "overlap":
        raise ReviewkitError(f"Unknown sample {sample!r}. Use one of: all, overlap.")
    from reviewkit.project.assignments import overlap_documents

    docs = overlap_documents(store)
    if not docs:
        raise ReviewkitError(
            "No overlap sample: assign documents with `reviewkit assign --coders A,B --overlap 0.2` first."
        )
    return docs


def _tagger_rows(
    store: Store,
    sel: Selection,
    unit: str,
    reviewed: dict[str, set[int]],
    accepted: set[tuple[int, str, str]],
) -> list[TaggerAgreement]:
    suggested_rows = store.suggestions.suggested(sel.codebook_id)
    if not suggested_rows:
        return []
    idx = 0 if unit == "passage" else 1
    suggested = {(r[idx], r[2]) for r in suggested_rows}
    out: list[TaggerAgreement] = []
    for coder in sel.coders:
        units = reviewed.get(coder, set())
        pooled_units, pooled_applied, pooled_suggested = [], [], []
        for code in sel.codes:
            applied = {u for u in units if (u, code, coder) in accepted}
            sugg = {u for u in units if (u, code) in suggested}
            out.append(tagger_agreement(coder, code, units, applied, sugg))
            pooled_units += [(u, code) for u in units]
            pooled_applied += [(u, code) for u in applied]
            pooled_suggested += [(u, code) for u in sugg]
        out.append(tagger_agreement(coder, OVERALL, pooled_units, pooled_applied, pooled_suggested))
    return out


def list_disagreements(
    store: Store,
    coders: Sequence[str] | None = None,
    *,
    unit: str = "passage",
    codes: str | None = None,
    codebook: str | None = None,
    unresolved_only: bool = False,
) -> list[Disagreement]:
    """The units × codes where the coders who reviewed a unit (at least two) differ.

    Args:
        store: the project.
        coders: the coders to compare (default: all but the consensus coder).
        unit: "passage" or "document".
        codes: code pattern (default: every leaf code).
        codebook: codebook name (default: the current one).
        unresolved_only: leave out the ones the consensus coder has already decided.

    Returns:
        Disagreements ordered by document, passage and code.

    Raises:
        NotFoundError: unknown coder or code pattern (lists the valid ones).
        ReviewkitError: fewer than two coders.
    """
    sel = select(store, coders, codes, codebook=codebook)
    if len(sel.coders) < 2:
        raise ReviewkitError(
            f"Disagreements need two or more coders; coders with decisions: {', '.join(sel.coders) or '(none)'}."
        )
    reviewed, _accepted, rows = _unit_data(store, sel, unit)
    key = "passage_id" if unit == "passage" else "document_id"
    wanted = set(sel.codes)
    status: dict[tuple[int, str, str], str] = {}
    for r in rows:
        if r.code_id in wanted:
            k = (int(getattr(r, key)), r.code_id, r.coder)
            # document unit: any acceptance on a passage of the document wins over rejections
            if status.get(k) != "accepted":
                status[k] = r.status
    consensus = _consensus_status(store, sel, key)
    found: list[tuple[int, str, dict[str, str]]] = []
    for u in sorted(set().union(*reviewed.values())):
        who = [c for c in sel.coders if u in reviewed.get(c, set())]
        if len(who) < 2:
            continue
        for code in sel.codes:
            values = {c: status.get((u, code, c), "not applied") for c in who}
            if len({v == "accepted" for v in values.values()}) > 1:
                decisions = {c: values.get(c, "not reviewed") for c in sel.coders}
                found.append((u, code, decisions))
    labels = {c.id: c.label_for("en") for c in sel.codebook.codes}
    out: list[Disagreement] = []
    contexts = store.passages.with_context([u for u, _, _ in found]) if unit == "passage" else {}
    documents = {d.id: d for d in store.documents.iter(sorted({u for u, _, _ in found}))} if unit != "passage" else {}
    for u, code, decisions in found:
        cons = consensus.get((u, code))
        if unresolved_only and cons is not None:
            continue
        ctx = contexts.get(u)
        doc = documents.get(u)
        year = ctx.year if ctx else (doc.year if doc else None)
        title = ctx.title if ctx else (doc.title if doc else "")
        common: dict[str, Any] = {
            "unit": unit,
            "unit_id": u,
            "code_id": code,
            "code_label": labels.get(code, code),
            "decisions": decisions,
            "consensus": cons,
            "applied_by": tuple(c for c, v in decisions.items() if v == "accepted"),
            "year": year,
        }
        where: dict[str, Any]
        if unit == "passage":
            p = ctx.passage if ctx else None
            where = {
                "document_id": p.document_id if p else 0,
                "document_key": ctx.document_key if ctx else "",
                "passage_id": u,
                "field": p.field if p else "",
                "start": p.start if p else None,
                "end": p.end if p else None,
                "text": p.text if p else "",
            }
        else:
            where = {"document_id": u, "document_key": doc.key if doc else "", "text": title}
        out.append(Disagreement(title=title, **where, **common))
    return out


def _consensus_status(store: Store, sel: Selection, key: str) -> dict[tuple[int, str], str]:
    out: dict[tuple[int, str], str] = {}
    for r in store.codings.latest(sel.codebook_name, [CONSENSUS]):
        k = (int(getattr(r, key)), r.code_id)
        if out.get(k) != "accepted":
            out[k] = r.status
    return out


def adjudicate(
    store: Store,
    passage_id: int,
    code_id: str,
    status: str | None,
    *,
    lead: str,
    codebook_id: int | None = None,
) -> int | None:
    """Record the final decision on a disagreement under the consensus coder (audited as `lead`).

    Args:
        store: the project.
        passage_id: the passage.
        code_id: the code.
        status: "accepted", "rejected", or None to withdraw the consensus decision.
        lead: the lead reviewer (the audit log's actor; undo works per lead).
        codebook_id: the codebook version (default: the current one).

    Returns:
        The consensus ``codings`` row id, or None when withdrawn.

    Raises:
        NotFoundError: no codebook, or the code is not in it.
    """
    cb_id = store.codebooks.current_id() if codebook_id is None else codebook_id
    if cb_id is None:
        raise NotFoundError("The project has no codebook. Load one with `reviewkit codebook load FILE`.")
    ids = [r.code_id for r in store.codebooks.codes(cb_id)]
    if code_id not in ids:
        raise NotFoundError(f"Unknown code {code_id!r}. Codes: {', '.join(ids)}.")
    return store.codings.set(
        passage_id, code_id, CONSENSUS, status, codebook_id=cb_id, origin="consensus", actor=lead
    )
