"""Provides the disagreements between coders (the units and codes they decided differently) and their
adjudication by a lead reviewer under the consensus coder.

Re-exported by `reviewkit.project.agreement`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reviewkit.errors import NotFoundError, ReviewkitError
from reviewkit.project.review import CONSENSUS
from reviewkit.project.selection import Selection, select, unit_data

if TYPE_CHECKING:
    from collections.abc import Sequence

    from reviewkit.store import Store


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
    reviewed, _accepted, rows = unit_data(store, sel, unit)
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
