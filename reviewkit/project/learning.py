"""Provides the project's reviewer decisions as tagger training data (rules in ``docs/learning.md``).

`project_decisions` reads the latest decisions of every coder and the passages coders marked done,
and turns them into `reviewkit.tagger.learn.Decision`s:

- an accepted suggestion is a positive (``accepted``), a code added by hand a positive (``added``);
- a rejected suggestion is a negative for that code (``rejected``);
- on a passage a coder marked done, every code that coder did not apply is a negative (``absent``);
- a ``consensus`` decision on a (passage, code) overrides the individual coders' decisions;
- coders who disagree on a (passage, code) (one positive, one negative) and no consensus: left out.

It also returns the decided (passage, code) pairs — any coder's decision, or a passage any coder
marked done — whose stored suggestions `reviewkit.project.coding.run_tagger` never rewrites.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reviewkit.tagger.learn import LEARNING_VERSION, POSITIVE, Decision

if TYPE_CHECKING:
    from reviewkit.store import Store

CONSENSUS = "consensus"
"""The coder name of final decisions after disagreement (as in `reviewkit.project.review`)."""


@dataclass
class ProjectDecisions:
    """The project's decisions as training data, and what the tagger must not rewrite."""

    decisions: list[Decision] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    """Decisions per status (accepted, added, rejected, absent)."""
    conflicts: int = 0
    """(passage, code) pairs left out because coders disagree and there is no consensus."""
    decided: set[tuple[int, str]] = field(default_factory=set)
    """(passage id, code id) pairs some coder decided on."""
    done_passages: set[int] = field(default_factory=set)
    """Passages some coder marked done (every code on them is decided)."""

    def is_decided(self, passage_id: int, code_id: str) -> bool:
        """Whether a human decided this (passage, code): its suggestion is never rewritten."""
        return passage_id in self.done_passages or (passage_id, code_id) in self.decided

    def fingerprint(self) -> str:
        """Hash of the decision set and `LEARNING_VERSION` ("" without decisions: fingerprints stay)."""
        if not self.decisions:
            return ""
        h = hashlib.sha1(LEARNING_VERSION.encode())
        for d in sorted(self.decisions, key=lambda d: (d.text, d.code_id, d.status)):
            h.update(f"{d.code_id}\x1f{d.status}\x1f{d.text}\x1e".encode())
        return h.hexdigest()[:16]

    def summary(self) -> str:
        """``"learnt from 312 decisions (rejected 120, accepted 170, added 22)"``."""
        parts = [f"{s} {self.counts[s]}" for s in ("rejected", "accepted", "added", "absent") if self.counts[s]]
        return f"learnt from {len(self.decisions)} decisions ({', '.join(parts)})" if parts else ""


def _status(status: str, origin: str) -> str:
    if status == "accepted":
        return "added" if origin == "manual" else "accepted"
    return "rejected"


def project_decisions(store: Store, codebook_name: str, code_ids: Sequence[str]) -> ProjectDecisions:
    """The project's decisions under a codebook, by the rules in the module docstring.

    Args:
        store: the open project.
        codebook_name: the codebook (all its versions).
        code_ids: the codebook's leaf codes (decisions on other codes are ignored).

    Returns:
        The decisions (with passage text, language, document title as context and document id) and the
        decided pairs.
    """
    out = ProjectDecisions()
    wanted = set(code_ids)
    # (passage, code) -> coder -> status
    votes: dict[tuple[int, str], dict[str, str]] = {}
    applied: dict[tuple[int, str], set[str]] = {}  # (passage, coder) -> codes the coder accepted
    for c in store.codings.latest(codebook_name):
        out.decided.add((c.passage_id, c.code_id))
        if c.status == "accepted":
            applied.setdefault((c.passage_id, c.coder), set()).add(c.code_id)
        if c.code_id in wanted:
            votes.setdefault((c.passage_id, c.code_id), {})[c.coder] = _status(c.status, c.origin)
    for passage_id, _doc, coder in store.reviews.all(codebook_name):
        out.done_passages.add(passage_id)
        have = applied.get((passage_id, coder), set())
        for code in code_ids:
            if code not in have:
                votes.setdefault((passage_id, code), {}).setdefault(coder, "absent")
    chosen: dict[tuple[int, str], str] = {}
    for key, by_coder in votes.items():
        if CONSENSUS in by_coder:
            chosen[key] = by_coder[CONSENSUS]
            continue
        if len({s in POSITIVE for s in by_coder.values()}) > 1:
            out.conflicts += 1
            continue
        # All agree: the most telling status (an explicit one over an implicit absent).
        statuses = set(by_coder.values())
        chosen[key] = next(s for s in ("added", "accepted", "rejected", "absent") if s in statuses)
    ctx = store.passages.with_context(sorted({p for p, _ in chosen}))
    for (passage_id, code), status in sorted(chosen.items()):
        pc = ctx.get(passage_id)
        if pc is None:
            continue
        title = (pc.title,) if pc.title and pc.title != pc.passage.text else ()
        out.decisions.append(
            Decision(pc.passage.text, code, status, pc.passage.lang, title, doc=str(pc.passage.document_id))
        )
        out.counts[status] += 1
    return out
