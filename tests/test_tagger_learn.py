"""Tests of learning from reviewer decisions, the uncertainty order, document context and --learn-split."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from reviewkit.cli import cli
from reviewkit.codebook import load_codebook
from reviewkit.errors import EvaluationError, ReviewkitError
from reviewkit.project.encoding import CachedEncoder, make_embedder
from reviewkit.project.evaluation import evaluate_gold
from reviewkit.records import Evidence
from reviewkit.tagger.evaluate import read_gold
from reviewkit.tagger.learn import (
    Decision,
    decision_labels,
    fold_assignment,
    learn_from_decisions,
    passage_uncertainty_order,
    uncertainty_order,
)
from reviewkit.tagger.learning_eval import simulate_learning, split_by_document
from reviewkit.tagger.pipeline import CodeScore, Tagger, TaggerConfig

DATA = Path(__file__).parent / "data"
MINI = DATA / "tagger-mini.yaml"
LEARN_GOLD = DATA / "learn-mini.jsonl"
CODES = ["regionalism.collective_learning", "upgrading.process", "upgrading.product", "context.china"]


@pytest.fixture(scope="module")
def mini_tagger(st_model: Any) -> Tagger:
    encoder = CachedEncoder(make_embedder(model_obj=st_model), None, 64)
    return Tagger(load_codebook(MINI), TaggerConfig(model="all-MiniLM-L6-v2"), encoder).fit()


def test_decision_labels_follow_the_rules() -> None:
    decisions = [
        Decision("A passage.", "upgrading.process", "accepted"),
        Decision("A passage.", "upgrading.product", "absent"),
        Decision("Another passage.", "upgrading.process", "added"),
        Decision("Another passage.", "upgrading.process", "rejected"),  # a later decision wins
        Decision("Another passage.", "no.such.code", "accepted"),  # ignored
    ]
    texts, _, labels, known, n = decision_labels(decisions, CODES)
    assert texts == ["A passage.", "Another passage."]
    assert n == 3
    assert labels[0].tolist() == [0, 1, 0, 0] and known[0].tolist() == [False, True, True, False]
    assert labels[1].tolist() == [0, 0, 0, 0] and known[1].tolist() == [False, True, False, False]
    with pytest.raises(ReviewkitError, match="status 'maybe'"):
        decision_labels([Decision("x", "upgrading.process", "maybe")], CODES)


def test_folds_keep_a_documents_passages_together() -> None:
    decisions = [
        Decision(f"Passage {i} of abstract {i // 4}.", "upgrading.process", "absent", doc=str(i // 4))
        for i in range(24)
    ] + [Decision(f"Loose passage {i}.", "upgrading.process", "added") for i in range(6)]
    texts, *_ = decision_labels(decisions, CODES)
    folds = fold_assignment(decisions, texts, 3, seed=0)
    by_doc: dict[str, set[int]] = {}
    for d in decisions:
        if d.doc:
            by_doc.setdefault(d.doc, set()).add(int(folds[texts.index(d.text)]))
    assert all(len(f) == 1 for f in by_doc.values())
    assert set(folds.tolist()) == {0, 1, 2}
    # Passages with no document are documents of their own: they spread over the folds.
    loose = [int(folds[texts.index(f"Loose passage {i}.")]) for i in range(6)]
    assert len(set(loose)) > 1
    # Without documents the draw is the one passage by passage.
    alone = [Decision(t, "upgrading.process", "absent") for t in texts]
    expected = np.random.default_rng(0).permutation(len(texts)) % 3
    assert fold_assignment(alone, texts, 3, seed=0).tolist() == expected.tolist()


def test_uncertainty_order_puts_scores_nearest_the_threshold_first() -> None:
    rows = [
        [CodeScore("a", 0.9, 0.5), CodeScore("b", 0.45, 0.5)],
        [CodeScore("a", 0.52, 0.5), CodeScore("b", 0.05, 0.5)],
    ]
    assert uncertainty_order(rows) == [(1, "a"), (0, "b"), (0, "a"), (1, "b")]
    assert passage_uncertainty_order(rows) == [1, 0]


def test_decisions_move_scores_of_similar_passages_only_through_retraining(mini_tagger: Tagger) -> None:
    similar = "Print shops cut setup times between jobs and raised first-pass yield."
    before = mini_tagger.score([similar], ["en"])[0][CODES.index("upgrading.process")].score
    decisions = [
        Decision(text, "upgrading.process", "added")
        for text in (
            "Workshops cut setup times on each press and first-pass yield rose.",
            "Foundries raised first-pass yield and cut setup times between moulds.",
            "Mills shortened setup times between batches, and yield per shift improved.",
        )
    ] + [
        Decision(text, "upgrading.process", "absent")
        for text in (
            "Interviews were held with owners and plant managers.",
            "The final section reviews the limits of the evidence.",
        )
    ]
    result = learn_from_decisions(mini_tagger, decisions)
    assert result.decisions == 5 and result.passages == 5 and result.tagger.decisions == 5
    after = result.tagger.score([similar], ["en"])[0][CODES.index("upgrading.process")].score
    assert after > before + 0.1
    # The base tagger is untouched.
    again = mini_tagger.score([similar], ["en"])[0][CODES.index("upgrading.process")].score
    assert again == pytest.approx(before)
    # Rejections push the same kind of passage down.
    rejected = learn_from_decisions(
        mini_tagger, [Decision(d.text, d.code_id, "rejected") for d in decisions[:3]]
    )
    lower = rejected.tagger.score([similar], ["en"])[0][CODES.index("upgrading.process")].score
    assert lower < after
    fast = learn_from_decisions(mini_tagger, decisions, folds=0)
    assert fast.decisions == 5
    assert fast.tagger.score([similar], ["en"])[0][CODES.index("upgrading.process")].score > before + 0.1


def test_context_raises_a_passage_with_some_evidence_and_says_so(mini_tagger: Tagger) -> None:
    texts = [
        "Wenzhou's shoe cluster grew from family workshops in the 1980s.",
        "Its firms later moved to more sophisticated models sold at higher prices.",
        "We thank the anonymous referees.",
    ]
    alone = mini_tagger.score(texts, ["en"] * 3)
    grouped = mini_tagger.score(texts, ["en"] * 3, groups=["d1"] * 3)
    china = CODES.index("context.china")
    assert grouped[0][china].score == pytest.approx(alone[0][china].score)
    for own, ctx in zip(alone, grouped, strict=True):
        for a, b in zip(own, ctx, strict=True):
            assert b.score >= a.score - 1e-6
            if b.score > a.score + 1e-6:
                assert b.evidence.context and b.evidence.parts["context"] > 0
                assert a.score >= 0.3 * a.threshold  # context never lifts a passage with no evidence
            else:
                assert b.evidence.context == ()
    assert any(b.evidence.context for row in grouped for b in row)
    assert Evidence().context == ()


def test_learning_curve_rises_on_a_small_fixture(mini_tagger: Tagger) -> None:
    gold = read_gold(LEARN_GOLD, mini_tagger.codebook)
    learn, test = split_by_document(gold, 0.5, 0)
    assert {gold[i].doc for i in learn}.isdisjoint({gold[i].doc for i in test})
    result = simulate_learning(mini_tagger, gold, split=0.5, seeds=1, order="active", rounds=2)
    assert result["decisions"] == 9 * 4
    assert result["after"]["macro_f1"] > result["before"]["macro_f1"]
    assert [p["decisions"] for p in result["curve"]] == sorted(p["decisions"] for p in result["curve"])
    with pytest.raises(EvaluationError, match="order"):
        simulate_learning(mini_tagger, gold, order="sideways")


def test_evaluate_learn_split_keys(st_model: Any) -> None:
    report = evaluate_gold(
        LEARN_GOLD, MINI, embedder=make_embedder(model_obj=st_model), learn_split=0.5, seeds=1, order="random"
    )
    data = report.as_dict()
    learning = data["learning"]
    assert {"decisions", "before", "after", "per_code", "by_lang", "curve"} <= set(learning)
    for key in ("before", "after"):
        assert set(learning[key]) == {"macro_f1", "micro_f1", "mean_kappa"}
    assert set(learning["per_code"]["upgrading.process"]) == {"precision", "recall", "f1", "kappa", "support"}
    assert learning["decisions"] > 0 and learning["order"] == "random"
    json.dumps(data)


def test_evaluate_learn_split_needs_a_learning_method(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["evaluate", str(LEARN_GOLD), "--codebook", str(MINI), "--method", "rules", "--learn-split", "0.5"],
    )
    assert result.exit_code == 1
    assert "--learn-split needs the hybrid or embeddings method" in result.output
    bad = CliRunner().invoke(cli, ["evaluate", str(LEARN_GOLD), "--learn-split", "1.5"])
    assert bad.exit_code == 2


def test_training_and_coding_report_progress(st_model: Any) -> None:
    encoder = CachedEncoder(make_embedder(model_obj=st_model), None, 64)
    tagger = Tagger(load_codebook(MINI), TaggerConfig(model="all-MiniLM-L6-v2", folds=3), encoder)
    seen: list[tuple[int, int, str]] = []
    tagger.fit(progress=lambda done, total, label: seen.append((done, total, label)))
    training = [s for s in seen if s[2] == "training"]
    assert len(training) == 3 + 3 and training[0][0] == 0 and training[-1][0] == training[-1][1] == 5
    assert [d for d, _, _ in training] == sorted(d for d, _, _ in training)
    coding: list[tuple[int, int, str]] = []
    texts = [f"Factory {i} adopted lean production." for i in range(300)]
    tagger.score(texts, ["en"] * 300, progress=lambda d, t, label: coding.append((d, t, label)))
    assert len(coding) >= 3 and coding[-1] == (300, 300, "coding")
    assert all(t == 300 for _, t, _ in coding) and coding[0][0] < 300
