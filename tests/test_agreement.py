"""Agreement figures equal scikit-learn's and the krippendorff package's, on matrices and fixture projects."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
import pytest
from _agreement_fixtures import (
    LEAVES,
    add_codebook,
    add_documents,
    add_suggestion,
    all_passages,
    apply_matrix,
    mark_reviewed,
    standard_project,
)
from click.testing import CliRunner
from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

from reviewkit.analysis.agreement import OVERALL, compute_agreement, landis_koch, tagger_agreement
from reviewkit.errors import NotFoundError, ReviewkitError
from reviewkit.project.agreement import adjudicate, agreement, list_disagreements


def _alpha(rows: list[list[float | None]]) -> float:
    data = np.array([[np.nan if v is None else v for v in r] for r in rows], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def _from_matrix(
    columns: dict[str, list[int | None]], code: str = "c"
) -> tuple[dict[str, set[int]], set[Any]]:
    reviewed = {c: {u for u, v in enumerate(vals) if v is not None} for c, vals in columns.items()}
    accepted = {(u, code, c) for c, vals in columns.items() for u, v in enumerate(vals) if v == 1}
    return reviewed, accepted


# ----------------------------------------------------------------------------- pure figures
def test_two_coders_equal_sklearn_and_krippendorff() -> None:
    a = [1, 1, 0, 0, 1, 0, 1, 0, 0, 1]
    b = [1, 0, 0, 0, 1, 0, 1, 1, 0, 1]
    reviewed, accepted = _from_matrix({"a": a, "b": b})
    res = compute_agreement(["a", "b"], ["c"], reviewed, accepted).codes[0]
    assert res.units == 10
    assert res.units_all_absent == sum(1 for x, y in zip(a, b, strict=True) if not x and not y)
    assert res.percent_agreement == pytest.approx(8 / 10)
    assert res.cohen_kappa == pytest.approx(cohen_kappa_score(a, b))
    assert res.alpha == pytest.approx(_alpha([a, b]))
    assert res.kappa_band == landis_koch(cohen_kappa_score(a, b))
    # agreement among the units someone applied the code to leaves out the all-absent ones
    assert res.percent_agreement_applied == pytest.approx(4 / 6)


def test_all_agree() -> None:
    a = [1, 0, 1, 0, 0, 1]
    reviewed, accepted = _from_matrix({"a": a, "b": list(a)})
    res = compute_agreement(["a", "b"], ["c"], reviewed, accepted).codes[0]
    assert res.percent_agreement == 1.0
    assert res.cohen_kappa == pytest.approx(1.0) == pytest.approx(cohen_kappa_score(a, a))
    assert res.alpha == pytest.approx(1.0)
    assert res.kappa_band == "almost perfect"


def test_none_agree() -> None:
    a = [1, 0, 1, 0, 1, 0]
    b = [0, 1, 0, 1, 0, 1]
    reviewed, accepted = _from_matrix({"a": a, "b": b})
    res = compute_agreement(["a", "b"], ["c"], reviewed, accepted).codes[0]
    assert res.percent_agreement == 0.0
    assert res.cohen_kappa == pytest.approx(cohen_kappa_score(a, b)) == pytest.approx(-1.0)
    assert res.alpha == pytest.approx(_alpha([a, b]))
    assert res.kappa_band == "poor"


def test_code_never_used_is_undefined_not_nan() -> None:
    zeros = [0] * 8
    reviewed, accepted = _from_matrix({"a": zeros, "b": zeros})
    res = compute_agreement(["a", "b"], ["c"], reviewed, accepted).codes[0]
    assert res.units == 8 and res.units_all_absent == 8 and res.units_applied == 0
    assert res.percent_agreement == 1.0
    assert res.percent_agreement_applied is None
    assert res.cohen_kappa is None and "undefined" in res.kappa_note
    assert res.alpha is None and res.alpha_note
    assert res.kappa_band == "" and res.alpha_band == ""


def test_missing_decisions_and_three_coders() -> None:
    a = [1, 1, 0, 0, 1, 0, 1, 0, 1, 1]
    b = [1, 0, 0, 0, 1, 0, 1, 1, None, None]
    c = [1, 1, 0, 1, 1, None, 1, 0, 1, None]
    reviewed, accepted = _from_matrix({"a": a, "b": b, "c": c})
    res = compute_agreement(["a", "b", "c"], ["c"], reviewed, accepted).codes[0]
    full = [i for i in range(10) if None not in (a[i], b[i], c[i])]
    assert res.units == len(full) == 7
    agreed = sum(1 for i in full if a[i] == b[i] == c[i])
    assert res.percent_agreement == pytest.approx(agreed / 7)
    assert res.cohen_kappa is None and "two coders" in res.kappa_note
    assert res.alpha == pytest.approx(_alpha([a, b, c]))
    assert res.alpha_units == sum(1 for i in range(10) if sum(v is not None for v in (a[i], b[i], c[i])) >= 2)
    pairs = {(p.coder_a, p.coder_b): p for p in res.pairwise}
    ab = [i for i in range(10) if a[i] is not None and b[i] is not None]
    assert pairs[("a", "b")].units == len(ab)
    assert pairs[("a", "b")].kappa == pytest.approx(cohen_kappa_score([a[i] for i in ab], [b[i] for i in ab]))


def test_pooled_overall_concatenates_codes() -> None:
    a1, b1 = [1, 0, 1, 0], [1, 0, 0, 0]
    a2, b2 = [0, 0, 1, 1], [0, 1, 1, 1]
    reviewed = {"a": set(range(4)), "b": set(range(4))}
    accepted = {(u, "x", "a") for u in range(4) if a1[u]} | {(u, "x", "b") for u in range(4) if b1[u]}
    accepted |= {(u, "y", "a") for u in range(4) if a2[u]} | {(u, "y", "b") for u in range(4) if b2[u]}
    res = compute_agreement(["a", "b"], ["x", "y"], reviewed, accepted)
    assert res.overall.code == OVERALL and res.overall.units == 8
    assert res.overall.cohen_kappa == pytest.approx(cohen_kappa_score(a1 + a2, b1 + b2))
    assert res.overall.alpha == pytest.approx(_alpha([a1 + a2, b1 + b2]))


@pytest.mark.parametrize(
    "value,band",
    [(-0.1, "poor"), (0.0, "slight"), (0.2, "slight"), (0.35, "fair"), (0.5, "moderate"), (0.7, "substantial"),
     (0.81, "almost perfect"), (1.0, "almost perfect"), (None, "")],
)  # fmt: skip
def test_landis_koch_bands(value: float | None, band: str) -> None:
    assert landis_koch(value) == band


def test_tagger_scores_equal_sklearn() -> None:
    units = list(range(10))
    applied = {0, 1, 2, 5}
    suggested = {0, 2, 3, 5, 8}
    t = tagger_agreement("a", "c", units, applied, suggested)
    y_true = [int(u in applied) for u in units]
    y_pred = [int(u in suggested) for u in units]
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average="binary")
    assert (t.tp, t.fp, t.fn, t.tn) == (3, 2, 1, 4)
    assert t.precision == pytest.approx(p) and t.recall == pytest.approx(r) and t.f1 == pytest.approx(f)
    assert t.kappa == pytest.approx(cohen_kappa_score(y_true, y_pred))


def test_tagger_undefined_precision_is_none() -> None:
    t = tagger_agreement("a", "c", range(5), {1}, set())
    assert t.precision is None and t.recall == 0.0 and t.fn == 1
    assert not any(isinstance(v, float) and math.isnan(v) for v in (t.precision, t.recall, t.f1, t.kappa))


# ------------------------------------------------------------------------- fixture projects
A = [1, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1]
B = [1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1]
C = [1, 1, 0, 0, 1, 0, 0, 1, None, None, None, None]
X_A = [1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0]  # reg.x: alice and bob never agree on an application
X_B = [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]


@pytest.fixture
def matrix_project(store: Any) -> tuple[Any, list[int]]:
    """alice and bob review all 12 passages, carol the first 8; decisions as the matrices above."""
    add_codebook(store)
    ps = all_passages(add_documents(store))
    mark_reviewed(store, ps, "alice", "up.c")
    mark_reviewed(store, ps, "bob", "up.c")
    mark_reviewed(store, ps[:8], "carol", "up.c")
    apply_matrix(store, ps, "up.a", "alice", A)  # zeros stored as rejections
    apply_matrix(store, ps, "up.a", "bob", [v if v else None for v in B])  # zeros left undecided
    apply_matrix(store, ps, "up.a", "carol", C)
    apply_matrix(store, ps, "up.b", "alice", A)  # up.b: all agree
    apply_matrix(store, ps, "up.b", "bob", A)
    apply_matrix(store, ps[:8], "up.b", "carol", A[:8])
    apply_matrix(store, ps, "reg.x", "alice", X_A)
    apply_matrix(store, ps, "reg.x", "bob", X_B)
    for i, code in ((0, "up.a"), (1, "up.a"), (4, "up.a"), (6, "up.a"), (0, "reg.x"), (3, "reg.x")):
        add_suggestion(store, ps[i], code, 0.9)
    add_suggestion(store, ps[8], "up.a", 0.2)  # below its threshold
    store.db.conn.commit()
    return store, ps


def test_project_two_coders_match_sklearn(matrix_project: tuple[Any, list[int]]) -> None:
    store, _ = matrix_project
    rep = agreement(store, ["alice", "bob"])
    by = {c.code: c for c in rep.intercoder.codes}
    assert list(by) == LEAVES
    assert by["up.a"].units == 12
    assert by["up.a"].cohen_kappa == pytest.approx(cohen_kappa_score(A, B))
    assert by["up.a"].alpha == pytest.approx(_alpha([A, B]))
    assert by["up.b"].cohen_kappa == pytest.approx(1.0)
    assert by["reg.x"].percent_agreement == pytest.approx(
        sum(x == y for x, y in zip(X_A, X_B, strict=True)) / 12
    )
    assert by["reg.x"].cohen_kappa == pytest.approx(cohen_kappa_score(X_A, X_B))
    assert by["up.c"].cohen_kappa is None and by["up.c"].units_all_absent == 12
    pooled_a = A + A + [0] * 12 + X_A
    pooled_b = B + A + [0] * 12 + X_B
    assert rep.intercoder.overall.cohen_kappa == pytest.approx(cohen_kappa_score(pooled_a, pooled_b))
    assert rep.intercoder.overall.alpha == pytest.approx(_alpha([pooled_a, pooled_b]))


def test_project_three_coders_with_missing(matrix_project: tuple[Any, list[int]]) -> None:
    store, _ = matrix_project
    rep = agreement(store, ["alice", "bob", "carol"], codes="up.a")
    res = rep.intercoder.codes[0]
    assert [c.code for c in rep.intercoder.codes] == ["up.a"]
    assert res.units == 8
    assert res.alpha == pytest.approx(_alpha([A, B, C]))
    assert rep.intercoder.reviewed == {"alice": 12, "bob": 12, "carol": 8}


def test_project_tagger_against_each_coder(matrix_project: tuple[Any, list[int]]) -> None:
    store, _ = matrix_project
    rep = agreement(store, ["alice", "bob"])
    rows = {(t.coder, t.code): t for t in rep.tagger}
    sugg = [int(i in (0, 1, 4, 6)) for i in range(12)]
    for coder, truth in (("alice", A), ("bob", B)):
        t = rows[(coder, "up.a")]
        p, r, f, _ = precision_recall_fscore_support(truth, sugg, average="binary")
        assert (t.precision, t.recall, t.f1) == (pytest.approx(p), pytest.approx(r), pytest.approx(f))
        assert t.kappa == pytest.approx(cohen_kappa_score(truth, sugg))
    assert (("alice", OVERALL) in rows) and rows[("alice", OVERALL)].units == 48


def test_document_unit(matrix_project: tuple[Any, list[int]]) -> None:
    store, _ = matrix_project
    rep = agreement(store, ["alice", "bob"], unit="document", codes="up.a")
    doc_a = [max(A[i : i + 3]) for i in range(0, 12, 3)]
    doc_b = [max(B[i : i + 3]) for i in range(0, 12, 3)]
    res = rep.intercoder.codes[0]
    assert res.units == 4
    assert res.percent_agreement == pytest.approx(sum(x == y for x, y in zip(doc_a, doc_b, strict=True)) / 4)


def test_unknown_coder_and_code_list_valid_ones(matrix_project: tuple[Any, list[int]]) -> None:
    store, _ = matrix_project
    with pytest.raises(NotFoundError, match="alice, bob, carol"):
        agreement(store, ["alice", "dave"])
    with pytest.raises(NotFoundError, match="up.a, up.b, up.c") as exc:
        agreement(store, codes="nosuch")
    assert "Groups: up, reg" in str(exc.value)
    with pytest.raises(ReviewkitError, match="passage, document"):
        agreement(store, unit="sentence")


def test_one_coder_gives_tagger_only(store: Any) -> None:
    add_codebook(store)
    ps = all_passages(add_documents(store))
    apply_matrix(store, ps, "up.a", "alice", A)
    rep = agreement(store)
    assert rep.intercoder is None and "Only one coder" in rep.warnings[0]


def test_disagreements_and_adjudication(store: Any) -> None:
    _cb, ids = standard_project(store)
    items = list_disagreements(store)
    assert [(d.document_key, d.code_id) for d in items] == [("doc-b", "reg.x"), ("doc-c", "up.a")]
    c = items[1]
    assert c.decisions == {"alice": "accepted", "bob": "rejected"} and c.text == "Chains govern upgrading."
    assert items[0].decisions == {"alice": "not applied", "bob": "accepted"}
    adjudicate(store, c.passage_id, "up.a", "accepted", lead="lena")
    after = {(d.document_key, d.code_id): d.consensus for d in list_disagreements(store)}
    assert after[("doc-c", "up.a")] == "accepted"
    assert [d.code_id for d in list_disagreements(store, unresolved_only=True)] == ["reg.x"]
    audit = store.db.execute("SELECT coder, action, target FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    assert audit[0] == "lena" and audit[1] == "decide" and json.loads(audit[2])["coder"] == "consensus"
    # the consensus coder is not one of the default coders compared
    assert agreement(store).coders == ("alice", "bob")


# ------------------------------------------------------------------------------------- CLI
def _cli(args: list[str]) -> Any:
    from reviewkit.cli import cli

    return CliRunner().invoke(cli, args, catch_exceptions=False)


def test_cli_agreement_json_and_table(matrix_project: tuple[Any, list[int]], tmp_db: Path) -> None:
    res = _cli(["agreement", "--db", str(tmp_db), "--coders", "alice,bob", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    up_a = next(c for c in data["intercoder"]["codes"] if c["code"] == "up.a")
    assert up_a["cohen_kappa"] == pytest.approx(cohen_kappa_score(A, B))
    assert data["intercoder"]["overall"]["code"] == OVERALL and data["tagger"]
    res = _cli(["agreement", "--db", str(tmp_db), "--coders", "alice,bob"])
    assert res.exit_code == 0 and "Inter-coder agreement" in res.output and "up.a" in res.output


def test_cli_agreement_errors(matrix_project: tuple[Any, list[int]], tmp_db: Path) -> None:
    res = _cli(["agreement", "--db", str(tmp_db), "--coders", "alice,zed"])
    assert res.exit_code == 1 and "zed" in res.output and "alice, bob, carol" in res.output
    res = _cli(["agreement", "--db", str(tmp_db), "--codes", "zzz"])
    assert res.exit_code == 1 and "up.a" in res.output
    res = _cli(["agreement", "--db", str(tmp_db), "--unit", "sentence"])
    assert res.exit_code == 2


def test_cli_disagreements(store: Any, tmp_db: Path) -> None:
    standard_project(store)
    res = _cli(["disagreements", "--db", str(tmp_db), "--json"])
    assert res.exit_code == 0
    assert [d["code_id"] for d in json.loads(res.output)] == ["reg.x", "up.a"]
    res = _cli(["disagreements", "--db", str(tmp_db)])
    assert res.exit_code == 0 and "2 disagreement(s)." in res.output
