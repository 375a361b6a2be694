"""Tests of how decisions are weighed against codebook examples and how thresholds move with them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from reviewkit.codebook import load_codebook
from reviewkit.project.coding import CachedEncoder, make_embedder
from reviewkit.tagger.calibration import PRIOR_POSITIVES, recalibrate
from reviewkit.tagger.learn import Decision, learn_from_decisions
from reviewkit.tagger.pipeline import Tagger, TaggerConfig

MINI = Path(__file__).parent / "data" / "tagger-mini.yaml"
PROCESS = "upgrading.process"


@pytest.fixture(scope="module")
def mini_tagger(st_model: Any) -> Tagger:
    encoder = CachedEncoder(make_embedder(model_obj=st_model), None, 64)
    return Tagger(load_codebook(MINI), TaggerConfig(model="all-MiniLM-L6-v2"), encoder).fit()


def _score(tagger: Tagger, text: str, lang: str, code: str) -> float:
    return tagger.score([text], [lang])[0][tagger.code_ids.index(code)].score


def test_a_decision_moves_a_similar_passage_more_than_an_invented_example_would(mini_tagger: Tagger) -> None:
    similar = "Plants re-sequenced their assembly stations so that each batch waited less between steps."
    decisions = [
        Decision(text, PROCESS, "added")
        for text in (
            "Assembly stations were re-sequenced, and batches waited less between steps.",
            "Firms re-sequenced their stations so that work in progress queued for shorter times.",
        )
    ] + [
        Decision(text, PROCESS, "absent")
        for text in (
            "The survey covered 120 firms in three provinces.",
            "We discuss implications for regional policy.",
        )
    ]
    before = _score(mini_tagger, similar, "en", PROCESS)
    as_example = learn_from_decisions(mini_tagger, decisions, decision_weight=1.0).tagger
    as_decision = learn_from_decisions(mini_tagger, decisions).tagger
    one = _score(as_example, similar, "en", PROCESS)
    three = _score(as_decision, similar, "en", PROCESS)
    assert one > before
    assert three > one + 0.02


def test_a_chinese_passage_learns_from_chinese_decisions(mini_tagger: Tagger) -> None:
    similar = "该厂重新安排了装配工序，每批产品在工位之间的等待时间缩短。"
    decisions = [
        Decision(text, PROCESS, "added", "zh")
        for text in (
            "工厂重新安排装配工序后，产品在工位之间等待的时间明显缩短。",
            "企业调整了装配工序的顺序，在制品排队时间减少。",
            "通过重新安排工位，各批次之间的等待时间缩短了一半。",
        )
    ] + [
        Decision(text, PROCESS, "absent", "zh")
        for text in ("本文调查了三个省份的一百二十家企业。", "最后讨论了区域政策的含义。")
    ]
    before = _score(mini_tagger, similar, "zh", PROCESS)
    after = _score(learn_from_decisions(mini_tagger, decisions).tagger, similar, "zh", PROCESS)
    assert after > before + 0.1


def test_recalibrate_moves_thresholds_with_the_decisions_and_shrinks_to_the_codebook() -> None:
    codes = ["a", "b", "c"]
    base = {"a": 0.5, "b": 0.5, "c": 0.5}
    # Code a: positives score around 0.3, negatives around 0.1 -> its best threshold is low.
    scores = np.array([[0.3, 0.6, 0.2]] * 2 + [[0.1, 0.7, 0.2]] * 8, dtype=np.float32)
    labels = np.array([[1, 0, 0]] * 2 + [[0, 0, 0]] * 8)
    known = np.ones_like(labels, dtype=bool)
    known[:, 2] = False  # nothing decided on c
    few = recalibrate(scores, labels, known, codes, base)
    assert few["a"] < base["a"]
    assert few["c"] == base["c"]
    # Code b was only ever decided against: no positive to place a threshold, the codebook's stays.
    assert few["b"] == base["b"]
    # More decided positives move code a further from the codebook threshold.
    many_scores = np.concatenate([scores] + [scores[:2]] * 10)
    many_labels = np.concatenate([labels] + [labels[:2]] * 10)
    many = recalibrate(many_scores, many_labels, np.ones_like(many_labels, dtype=bool), codes, base)
    assert many["a"] < few["a"]
    t_dec = 0.5 - (0.5 - few["a"]) / (2 / (2 + PRIOR_POSITIVES))
    share = 22 / (22 + PRIOR_POSITIVES)
    assert many["a"] == pytest.approx(share * t_dec + (1 - share) * 0.5, abs=0.01)


def test_learnt_thresholds_move_only_with_decided_positives_and_negatives(mini_tagger: Tagger) -> None:
    positives = [
        "Assembly stations were re-sequenced, and batches waited less between steps.",
        "Firms re-sequenced their stations so that work in progress queued for shorter times.",
        "Plants re-sequenced their assembly lines and batches waited less.",
    ]
    negatives = [
        "The survey covered 120 firms in three provinces.",
        "We discuss implications for regional policy.",
        "Data come from customs records for 2000-2015.",
    ]
    decisions = [Decision(t, PROCESS, "added") for t in positives] + [
        Decision(t, PROCESS, "absent") for t in negatives
    ]
    learnt = learn_from_decisions(mini_tagger, decisions).tagger
    assert learnt.thresholds[PROCESS] != pytest.approx(mini_tagger.thresholds[PROCESS], abs=1e-3)
    assert 0.1 <= learnt.thresholds[PROCESS] <= 0.8
    only_rejected = learn_from_decisions(mini_tagger, [Decision(t, PROCESS, "rejected") for t in negatives])
    assert only_rejected.tagger.thresholds[PROCESS] == pytest.approx(mini_tagger.thresholds[PROCESS])
