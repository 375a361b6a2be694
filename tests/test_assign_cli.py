"""`reviewkit assign` writes the plan, keeps it when re-run; `agreement --sample overlap` uses its sample."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reviewkit.cli import cli
from reviewkit.errors import ReviewkitError
from reviewkit.project.agreement import agreement
from reviewkit.project.assignments import overlap_documents, plan_assignments, show_assignments
from reviewkit.records import Record


def _stored(store: Any) -> set[tuple[int, str, bool]]:
    return {(a.document_id, a.coder, a.overlap) for a in store.assignments.list(limit=10_000)}


def test_plan_is_written_and_kept_when_documents_are_added(agreement_project: Any) -> None:
    store, _cb, _ids = agreement_project
    first = plan_assignments(store, ["alice", "bob"], 0.5, seed=3)
    assert first.overlap == 2 and first.documents == 4 and first.coders == {"alice": 3, "bob": 3}
    before = _stored(store)
    assert len(before) == 6 and sum(ov for _d, _c, ov in before) == 4  # 2 overlap docs x 2 coders
    rerun = plan_assignments(store, ["alice", "bob"], 0.5, seed=3)  # same inputs: nothing moves
    assert first.added == 4 and rerun.added == 0 and rerun.coders == first.coders and _stored(store) == before
    new = store.documents.add(Record(title="A new paper", abstract="Firms learn.", year=2010), "doc-new")
    again = plan_assignments(store, ["alice", "bob"], 0.5)  # the seed of the plan in force
    after = _stored(store)
    assert before <= after and {d for d, _c, _o in after - before} == {new}
    assert again.added == 1 and again.seed == 3 and again.documents == 5
    assert show_assignments(store).coders == again.coders
    with pytest.raises(ReviewkitError):
        plan_assignments(store, ["alice", "alice"], 0.2)


def test_agreement_on_the_overlap_sample(agreement_project: Any) -> None:
    store, _cb, _ids = agreement_project
    with pytest.raises(ReviewkitError, match="reviewkit assign"):
        agreement(store, ["alice", "bob"], sample="overlap")
    plan_assignments(store, ["alice", "bob"], 0.5, seed=3)
    docs = overlap_documents(store)
    rep = agreement(store, ["alice", "bob"], sample="overlap")
    both = store.db.execute(
        "SELECT COUNT(*) FROM (SELECT c.passage_id FROM codings c JOIN passages p ON p.id = c.passage_id "
        f"WHERE p.document_id IN ({','.join(map(str, docs))}) AND c.coder IN ('alice','bob') "
        "GROUP BY c.passage_id HAVING COUNT(DISTINCT c.coder) = 2)"
    ).fetchone()[0]
    full = agreement(store, ["alice", "bob"])
    assert rep.intercoder is not None and full.intercoder is not None
    assert rep.intercoder.units_all_reviewed == both < full.intercoder.units_all_reviewed
    assert rep.sample == "overlap" and rep.sample_documents == 2 and full.sample_documents is None


def test_cli_assign_and_sample(agreement_project: Any, tmp_path: Path) -> None:
    store, _cb, _ids = agreement_project
    db = str(store.path)
    store.close()
    run = CliRunner()
    r = run.invoke(cli, ["assign", "--show", "--db", db])
    assert r.exit_code == 0 and "No assignments yet" in r.output
    r = run.invoke(cli, ["assign", "--coders", "alice,bob,carol", "--overlap", "0.25", "--seed", "1", "--db", db])
    assert r.exit_code == 0, r.output
    assert "Overlap sample: 1 documents" in r.output and "4 documents assigned (seed 1)" in r.output
    r = run.invoke(cli, ["assign", "--show", "--json", "--db", db])
    data = json.loads(r.output)
    assert data["overlap"] == 1 and sum(data["coders"].values()) == 3 + 3  # 1 shared x 3 + 3 single
    r = run.invoke(cli, ["assign", "--db", db])
    assert r.exit_code != 0 and "--coders" in r.output
    r = run.invoke(cli, ["agreement", "--coders", "alice,bob", "--sample", "overlap", "--db", db])
    assert r.exit_code == 0 and "Sample: the overlap sample of `reviewkit assign` (1 documents)" in r.output
    r = run.invoke(cli, ["agreement", "--coders", "alice,bob", "--db", db])
    assert "Sample: every unit the coders reviewed" in r.output
