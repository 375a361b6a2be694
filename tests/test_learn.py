"""The shared learner: features (English and Chinese), learners, ranking order, cold start, stopping aid, metrics."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from reviewkit.learn import (
    build_features,
    heuristic_run,
    make_learner,
    make_screener,
    metrics,
    rank,
    simulate,
    stopping_aid,
)

DATA = Path(__file__).parent / "data" / "screening_labelled.csv"


@pytest.fixture(scope="module")
def labelled() -> tuple[list[str], np.ndarray]:
    with DATA.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [f"{r['title']}\n{r['abstract']}" for r in rows], np.array([r["label_included"] == "1" for r in rows])


def test_fixture_shape(labelled: tuple[list[str], np.ndarray]) -> None:
    texts, y = labelled
    assert len(texts) == 57 and int(y.sum()) == 10
    assert sum(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in texts) == 8


def test_features_cover_chinese_and_english() -> None:
    texts = ["社区菜园与食物保障", "城市社区菜园的蔬菜", "Coral reefs bleach in heatwaves", "Coral reefs and heat"]
    f = build_features(texts)
    assert f.word is not None and f.char is not None
    rows = f.matrix.toarray()
    assert all(np.linalg.norm(r) > 0 for r in rows)
    # Chinese texts share character n-grams with each other, not with the English ones
    sims = rows @ rows.T
    assert sims[0, 1] > 0.1 and sims[0, 2] == 0 and sims[2, 3] > 0.1
    q = f.vectorise(["社区菜园"]).toarray()[0]
    assert q @ rows[0] > 0 and q @ rows[2] == 0


def test_features_drop_an_all_stopword_block() -> None:
    f = build_features(["the and of", "社区菜园", "城市菜园"])
    assert f.word is None and f.char is not None


def test_embeddings_are_concatenated(st_model: Any) -> None:
    texts = ["Community gardens and food security", "Coral bleaching in heatwaves", "社区菜园"]
    plain = build_features(texts)
    both = build_features(texts, encode=lambda t: st_model.encode(list(t)), embed_weight=1.0)
    assert both.matrix.shape[1] == plain.matrix.shape[1] + 384
    emb = both.matrix.toarray()[:, -384:]
    assert np.allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)


def test_learner_needs_both_classes(labelled: tuple[list[str], np.ndarray]) -> None:
    texts, _ = labelled
    x = build_features(texts).matrix
    with pytest.raises(ValueError, match="at least one included and one excluded"):
        make_learner().fit(x[:3], np.array([1, 1, 1]))
    with pytest.raises(ValueError, match="unknown learner"):
        make_learner("forest")


def test_nb_rejects_negative_features() -> None:
    x = np.array([[0.5, -0.2], [0.1, 0.3]])
    with pytest.raises(ValueError, match="non-negative"):
        make_learner("nb").fit(x, np.array([1, 0]))


@pytest.mark.parametrize("name", ["logistic", "nb", "svm"])
def test_learners_separate_the_fixture(labelled: tuple[list[str], np.ndarray], name: str) -> None:
    texts, y = labelled
    x = build_features(texts).matrix
    train = np.r_[np.flatnonzero(y)[:4], np.flatnonzero(~y)[:15]]
    lrn = make_learner(name).fit(x[train], y[train].astype(int))
    test = np.setdiff1d(np.arange(len(y)), train)
    s = lrn.score(x[test])
    assert ((s >= 0) & (s <= 1)).all()
    # English inclusions outrank every exclusion that is not in the training set
    en_inc = [i for i, t in zip(test, np.asarray(texts, dtype=object)[test], strict=True) if y[i] and t.isascii()]
    assert min(lrn.score(x[en_inc])) > np.median(s[~y[test]])


def test_rank_orders() -> None:
    scores = np.array([0.1, 0.9, 0.55, 0.3, 0.42])
    assert rank(scores, "certainty").tolist() == [1, 2, 4, 3, 0]
    assert rank(scores, "uncertainty").tolist() == [2, 4, 3, 0, 1]
    assert rank(scores, "certainty", exclude=np.array([0, 1, 0, 0, 0], bool)).tolist() == [2, 4, 3, 0]
    with pytest.raises(ValueError, match="certainty, uncertainty"):
        rank(scores, "max")


def _trained(labelled: tuple[list[str], np.ndarray], strategy: str) -> Any:
    texts, y = labelled
    inc, exc = np.flatnonzero(y), np.flatnonzero(~y)
    seed_labels = {int(i): True for i in inc[:2]} | {int(i): False for i in exc[:6]}
    return make_screener(build_features(texts), strategy=strategy, labels=seed_labels)


def test_certainty_ranks_a_relevant_record_first(labelled: tuple[list[str], np.ndarray]) -> None:
    _, y = labelled
    s = _trained(labelled, "certainty")
    assert s.trained
    first = s.next()
    assert first is not None and first not in s.labels and y[first]
    assert s.scores()[first] == max(s.scores()[i] for i in range(len(y)) if i not in s.labels)


def test_uncertainty_picks_the_record_nearest_half(labelled: tuple[list[str], np.ndarray]) -> None:
    _, y = labelled
    s = _trained(labelled, "uncertainty")
    sc = s.scores()
    open_ = [i for i in range(len(y)) if i not in s.labels]
    pick = s.next()
    assert pick == min(open_, key=lambda i: abs(sc[i] - 0.5))
    assert pick != _trained(labelled, "certainty").next()


def test_cold_start_uses_the_criteria(labelled: tuple[list[str], np.ndarray]) -> None:
    texts, y = labelled
    f = build_features(texts)
    s = make_screener(f, criteria="community gardens, urban agriculture and household food security")
    assert not s.trained
    assert all(y[i] for i in s.ranking()[:5])
    # with nothing known the order is a seeded random one, not the file order
    firsts = {make_screener(f, seed=k).next() for k in range(5)}
    assert len(firsts) > 1


def test_cold_start_uses_prior_inclusions(labelled: tuple[list[str], np.ndarray]) -> None:
    texts, y = labelled
    en_inc = [i for i in np.flatnonzero(y) if texts[i].isascii()]
    s = make_screener(build_features(texts), labels={int(en_inc[0]): True})
    assert not s.trained
    assert sum(y[i] for i in s.ranking()[:5]) >= 4


def test_prior_scores_drive_the_cold_start(labelled: tuple[list[str], np.ndarray]) -> None:
    texts, y = labelled
    f = build_features(texts)
    prior = np.linspace(0.0, 1.0, len(y))
    assert make_screener(f, prior=prior).next() == len(y) - 1
    assert make_screener(f, prior=prior, strategy="uncertainty").next() == int(np.argmin(abs(prior - 0.5)))
    trained = make_screener(f, prior=prior, labels={int(np.flatnonzero(y)[0]): True, int(np.flatnonzero(~y)[0]): False})
    assert trained.trained and y[trained.next()]  # once fitted, the learner takes over
    with pytest.raises(ValueError, match="prior has shape"):
        make_screener(f, prior=prior[:5])


def test_decide_and_undo(labelled: tuple[list[str], np.ndarray]) -> None:
    s = _trained(labelled, "certainty")
    before = s.ranking().tolist()
    first = s.next()
    assert first is not None
    s.decide(first, True)
    assert first not in s.ranking().tolist() and s.history[-1] == first
    assert s.undo() == first
    assert s.ranking().tolist() == before
    with pytest.raises(IndexError):
        s.decide(10_000, True)


def test_stopping_aid_values() -> None:
    assert heuristic_run(100) == 50 and heuristic_run(4000) == 200 and heuristic_run(30) == 30
    aid = stopping_aid([True, False, False, False], 100)
    assert (aid.screened, aid.included, aid.since_last_inclusion, aid.heuristic_met) == (4, 1, 3, False)
    assert stopping_aid([True] + [False] * 50, 100).heuristic_met
    assert not stopping_aid([False] * 80, 100).heuristic_met  # never before a first inclusion


def test_estimated_relevant_left_follows_screening(labelled: tuple[list[str], np.ndarray]) -> None:
    texts, y = labelled
    inc, exc = np.flatnonzero(y), np.flatnonzero(~y)
    s = make_screener(build_features(texts), labels={int(inc[0]): True, int(exc[0]): False})
    assert s.stopping().estimated_relevant_left is None  # nothing scored was decided yet
    at_last_inclusion = late = None
    while (i := s.next()) is not None:
        s.decide(i, bool(y[i]))
        aid = s.stopping()
        if aid.included == 10 and aid.since_last_inclusion == 0:
            at_last_inclusion = aid.estimated_relevant_left
        if aid.included == 10 and aid.since_last_inclusion == 10:
            late = aid.estimated_relevant_left
    # while inclusions keep coming more are expected; ten exclusions after the last one, less than one
    assert at_last_inclusion is not None and late is not None
    assert late < 1.0 and at_last_inclusion > 2 * late
    assert s.stopping().estimated_relevant_left == 0.0  # everything screened


def test_metrics_by_hand() -> None:
    m = metrics([True, False, True] + [False] * 7)
    assert m["recall@10"] == 0.5 and m["recall@25"] == 0.5
    assert m["n@95"] == 3 and m["wss@95"] == pytest.approx(0.65) and m["wss@100"] == pytest.approx(0.7)
    assert m["loss"] == pytest.approx(1 / 16)
    perfect = metrics([True, True] + [False] * 8)
    assert perfect["loss"] == 0 and perfect["wss@100"] == pytest.approx(0.8)
    assert metrics([False] * 8 + [True, True])["loss"] == 1
    with pytest.raises(ValueError):
        metrics([False, False])


def test_simulation_beats_random(labelled: tuple[list[str], np.ndarray]) -> None:
    texts, y = labelled
    r = simulate(build_features(texts), y, seeds=range(5))
    assert r.model["recall@25"] > r.random["recall@25"] + 0.25
    assert r.model["wss@95"] > 0.3 > r.random["wss@95"]
    assert r.model["loss"] < r.random["loss"] / 2
    assert len(r.runs) == 5


def test_simulation_with_embeddings_beats_random(labelled: tuple[list[str], np.ndarray], st_model: Any) -> None:
    texts, y = labelled
    f = build_features(texts, encode=lambda t: st_model.encode(list(t)))
    r = simulate(f, y, seeds=range(3), strategy="certainty")
    assert r.model["wss@95"] > r.random["wss@95"] + 0.3
