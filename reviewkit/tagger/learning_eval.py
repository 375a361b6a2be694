"""Provides the measurement of learning from decisions on a gold file (``reviewkit evaluate --learn-split``).

The gold passages are split by abstract (``doc``; a passage without one is its own abstract) into a
half whose gold codes play the reviewer's decisions and a half that is scored. The decisions are
taken passage by passage in `rounds` rounds: with ``order="active"`` each round takes the passages
the current tagger is least sure of (the review queue's order, recomputed after each retrain); with
``"random"`` a random draw. A decided passage yields one decision per code: accepted or added when
the gold has the code (suggested or not), rejected or absent when it does not. After each round
the tagger is retrained from the codebook-fitted one on all decisions so far and the held-out half
is scored, which gives the learning curve; "after" is its last point. Figures are averaged over
the seeds (each seed draws another split).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from reviewkit.errors import EvaluationError
from reviewkit.tagger.evaluate import GoldPassage, compute_metrics, score_gold
from reviewkit.tagger.learn import Decision, learn_from_decisions, passage_uncertainty_order
from reviewkit.tagger.pipeline import Progress, Tagger

ORDERS = ("active", "random")


def split_by_document(gold: Sequence[GoldPassage], share: float, seed: int) -> tuple[list[int], list[int]]:
    """Indices of the learning half and the scored half, whole abstracts on each side.

    Args:
        gold: the gold passages.
        share: share of the abstracts whose passages become decisions (0 < share < 1).
        seed: random seed of the draw.

    Returns:
        (learn indices, test indices), each in file order.
    """
    docs = list(dict.fromkeys(g.doc if g.doc is not None else f"#{g.line}" for g in gold))
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(docs))
    n_learn = min(len(docs) - 1, max(1, round(share * len(docs))))
    learn_docs = {docs[i] for i in order[:n_learn]}
    learn = [i for i, g in enumerate(gold) if (g.doc if g.doc is not None else f"#{g.line}") in learn_docs]
    test = [i for i in range(len(gold)) if i not in set(learn)]
    return learn, test


def passage_decisions(g: GoldPassage, suggested: set[str], code_ids: Sequence[str]) -> list[Decision]:
    """The decisions a reviewer who agrees with the gold makes on one passage (one per code)."""
    out = []
    for cid in code_ids:
        if cid in g.codes:
            status = "accepted" if cid in suggested else "added"
        else:
            status = "rejected" if cid in suggested else "absent"
        out.append(Decision(g.text, cid, status, g.lang, doc="" if g.doc is None else g.doc))
    return out


def _measure(tagger: Tagger, gold: Sequence[GoldPassage]) -> Any:
    rows = score_gold(tagger, gold)
    pred = [{s.code_id for s in row if s.suggested} for row in rows]
    return compute_metrics(tagger.config.method, gold, pred, tagger.code_ids)


def _summary(report: Any) -> dict[str, float]:
    return {"macro_f1": report.macro_f1, "micro_f1": report.micro_f1, "mean_kappa": report.mean_kappa}


def _mean(dicts: Sequence[dict[str, float]]) -> dict[str, float]:
    return {k: round(float(np.mean([d[k] for d in dicts])), 4) for k in dicts[0]}


def simulate_learning(
    tagger: Tagger,
    gold: Sequence[GoldPassage],
    *,
    split: float = 0.5,
    seeds: int = 3,
    order: str = "active",
    rounds: int = 4,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Measure how much the tagger gains from the decisions on part of a gold file (see the module docstring).

    Args:
        tagger: a fitted hybrid or embeddings tagger (the codebook-only model).
        gold: the gold passages (with ``doc`` for a split by abstract).
        split: share of abstracts whose gold codes become decisions.
        seeds: how many random splits to average.
        order: "active" (most uncertain first) or "random".
        rounds: retrains per seed (points of the learning curve).
        progress: callback (done, total, "learning").

    Returns:
        ``{"decisions", "passages", "split", "seeds", "order", "before", "after", "per_code", "by_lang",
        "curve"}``: before/after are macro_f1, micro_f1 and mean_kappa on the scored half averaged over
        seeds; per_code and by_lang are those of "after", averaged; curve lists, per round, the
        decisions so far and the scores.

    Raises:
        EvaluationError: a bad split, order or too few abstracts.
    """
    if order not in ORDERS:
        raise EvaluationError(f"Unknown order {order!r}; use one of {', '.join(ORDERS)}.")
    if not 0 < split < 1:
        raise EvaluationError(f"--learn-split must be between 0 and 1 (got {split}).")
    n_docs = len({g.doc if g.doc is not None else f"#{g.line}" for g in gold})
    if n_docs < 2:
        raise EvaluationError("The gold file needs at least two abstracts (`doc`) to split.")
    code_ids = tagger.code_ids
    befores: list[dict[str, float]] = []
    afters: list[dict[str, float]] = []
    reports: list[Any] = []
    curves: list[list[dict[str, float]]] = []
    n_dec: list[int] = []
    n_pass: list[int] = []
    steps = seeds * rounds
    for seed in range(seeds):
        learn, test = split_by_document(gold, split, seed)
        test_gold = [gold[i] for i in test]
        learn_gold = [gold[i] for i in learn]

        befores.append(_summary(_measure(tagger, test_gold)))
        current = tagger
        remaining = list(range(len(learn_gold)))
        decisions: list[Decision] = []
        taken = 0
        curve: list[dict[str, float]] = [{"decisions": 0, **befores[-1]}]
        rng = np.random.default_rng(1000 + seed)
        per_round = max(1, -(-len(learn_gold) // rounds))
        report: Any = None
        for r in range(rounds):
            if not remaining:
                break
            rows = score_gold(current, [learn_gold[i] for i in remaining])
            if order == "active":
                picked_pos = passage_uncertainty_order(rows)[:per_round]
            else:
                picked_pos = list(rng.permutation(len(remaining))[:per_round])
            for pos in picked_pos:
                g = learn_gold[remaining[pos]]
                suggested = {s.code_id for s in rows[pos] if s.suggested}
                decisions += passage_decisions(g, suggested, code_ids)
            taken += len(picked_pos)
            chosen = {remaining[p] for p in picked_pos}
            remaining = [i for i in remaining if i not in chosen]
            result = learn_from_decisions(tagger, decisions)
            current = result.tagger
            report = _measure(current, test_gold)
            curve.append({"decisions": result.decisions, **_summary(report)})
            if progress is not None:
                progress(seed * rounds + r + 1, steps, "learning")
        afters.append(_summary(report))
        reports.append(report)
        curves.append(curve)
        n_dec.append(len({(d.text, d.code_id) for d in decisions}))
        n_pass.append(taken)
    per_code = {
        cid: {
            k: round(float(np.mean([getattr(rep.per_code[cid], k) for rep in reports])), 4)
            for k in ("precision", "recall", "f1", "kappa", "support")
        }
        for cid in code_ids
    }
    by_lang: dict[str, dict[str, float]] = {}
    for lang in sorted({lg for rep in reports for lg in rep.by_lang}):
        figs = [rep.by_lang[lang] for rep in reports if lang in rep.by_lang]
        by_lang[lang] = _mean(figs)
    n_points = min(len(c) for c in curves)
    curve_mean = [_mean([c[k] for c in curves]) for k in range(n_points)]
    return {
        "decisions": round(float(np.mean(n_dec))),
        "passages": round(float(np.mean(n_pass))),
        "split": split,
        "seeds": seeds,
        "order": order,
        "before": _mean(befores),
        "after": _mean(afters),
        "per_code": per_code,
        "by_lang": by_lang,
        "curve": curve_mean,
    }
