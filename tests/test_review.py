"""Tests of reviewer decisions: codings + audit in one transaction, undo/redo from the audit log,
the review queue, document views, and two reviewers writing one project file at once."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from reviewkit.errors import NotFoundError, StoreError
from reviewkit.project import review
from reviewkit.store import Store


@pytest.fixture
def project(review_project: tuple[Path, dict]) -> tuple[Path, dict]:
    return review_project


@pytest.fixture
def opened(project: tuple[Path, dict]):
    path, info = project
    store = Store.open(path)
    yield store, info
    store.close()


def codings(store: Store, coder: str | None = None) -> dict[tuple[int, str], str]:
    sql = "SELECT passage_id, code_id, status FROM codings" + (" WHERE coder = ?" if coder else "")
    return {(p, c): s for p, c, s in store.db.execute(sql, [coder] if coder else [])}


def test_decision_writes_coding_and_audit_together(opened) -> None:
    store, info = opened
    cb = info["codebook_id"]
    cid = store.codings.set(1, "regionalism.collective_learning", "alice", "accepted", codebook_id=cb,
                             origin="suggestion", suggestion_id=1, score=0.71)  # fmt: skip
    assert cid is not None
    row = store.db.execute(
        "SELECT coder, status, origin, suggestion_id, score FROM codings WHERE id = ?", [cid]
    ).fetchone()
    assert row == ("alice", "accepted", "suggestion", 1, 0.71)
    (audit,) = store.audit.log("alice")
    assert audit.action == "decide" and audit.before is None and audit.after["status"] == "accepted"
    assert audit.target == {"table": "codings", "passage_id": 1, "codebook_id": cb,
                               "code_id": "regionalism.collective_learning", "coder": "alice"}  # fmt: skip
    store.codings.set(1, "regionalism.collective_learning", "alice", "rejected", codebook_id=cb)
    latest = store.audit.log("alice")[0]
    assert latest.before["status"] == "accepted" and latest.after["status"] == "rejected"
    # the same decision again changes nothing and logs nothing
    store.codings.set(1, "regionalism.collective_learning", "alice", "rejected", codebook_id=cb)
    assert len(store.audit.log("alice")) == 2
    assert store.codings.set(1, "regionalism.collective_learning", "alice", None, codebook_id=cb) is None
    assert codings(store) == {}
    assert store.audit.log("alice")[0].after is None


def test_failed_transaction_leaves_neither_coding_nor_audit(opened) -> None:
    store, info = opened
    with pytest.raises(RuntimeError), store.transaction():
        store.codings.set(
            1, "regionalism.collective_learning", "alice", "accepted", codebook_id=info["codebook_id"]
        )
        raise RuntimeError("terminal killed")
    assert codings(store) == {} and store.audit.log() == []


def test_unknown_status_is_refused(opened) -> None:
    store, info = opened
    with pytest.raises(StoreError, match="accepted, rejected"):
        store.codings.set(1, "x", "alice", "maybe", codebook_id=info["codebook_id"])


def test_undo_redo_single_and_batch(opened) -> None:
    store, info = opened
    cb = info["codebook_id"]
    review.decide(store, 1, "regionalism.collective_learning", "alice", "rejected", codebook_id=cb)
    n = review.accept_all(store, 1, "alice", cb)
    assert n == 3  # 4 suggested; the rejected one is kept; the 0.48 one is below threshold
    assert codings(store)[(1, "regionalism.collective_learning")] == "rejected"
    assert len(codings(store)) == 4
    step = review.undo(store, "alice")
    assert step is not None and len(step.changes) == 3
    assert codings(store) == {(1, "regionalism.collective_learning"): "rejected"}
    assert review.undo(store, "alice") is not None
    assert codings(store) == {}
    assert review.undo(store, "alice") is None
    assert review.redo(store, "alice") is not None
    assert codings(store) == {(1, "regionalism.collective_learning"): "rejected"}
    assert review.redo(store, "alice") is not None
    assert len(codings(store)) == 4
    assert review.redo(store, "alice") is None
    actions = [a.action for a in store.audit.log("alice", limit=1000)]
    assert actions.count("undo") == 4 and actions.count("redo") == 4
    undo_rows = [a for a in store.audit.log("alice", limit=1000) if a.action == "undo"]
    assert all(a.undoes is not None for a in undo_rows)


def test_new_decision_after_undo_clears_redo(opened) -> None:
    store, info = opened
    cb = info["codebook_id"]
    review.decide(store, 1, "regionalism.collective_learning", "alice", "accepted", codebook_id=cb)
    review.undo(store, "alice")
    review.decide(store, 2, "regionalism.collective_learning", "alice", "rejected", codebook_id=cb)
    assert review.redo(store, "alice") is None
    assert codings(store) == {(2, "regionalism.collective_learning"): "rejected"}
    assert store.audit.state("alice") == (True, False)


def test_undo_is_per_coder(opened) -> None:
    store, info = opened
    cb = info["codebook_id"]
    review.decide(store, 1, "regionalism.collective_learning", "alice", "accepted", codebook_id=cb)
    review.decide(store, 1, "regionalism.collective_learning", "bob", "rejected", codebook_id=cb)
    review.undo(store, "alice")
    assert codings(store) == {(1, "regionalism.collective_learning"): "rejected"}


def test_undo_and_redo_work_across_restarts(project) -> None:
    path, info = project
    cb = info["codebook_id"]
    store = Store.open(path)
    review.decide(store, 5, "global.value_chain", "alice", "accepted", codebook_id=cb)
    review.decide(store, 5, "upgrading.general", "alice", "rejected", codebook_id=cb)
    store.close()
    store = Store.open(path)
    assert review.undo(store, "alice") is not None
    store.close()
    store = Store.open(path)
    assert codings(store) == {(5, "global.value_chain"): "accepted"}
    assert review.redo(store, "alice") is not None
    assert codings(store) == {(5, "global.value_chain"): "accepted", (5, "upgrading.general"): "rejected"}
    store.close()


def test_two_reviewers_on_one_file_keep_all_decisions(project) -> None:
    path, info = project
    cb = info["codebook_id"]
    a, b = Store.open(path), Store.open(path)
    try:
        pids = [p for ps in info["passages"].values() for p in ps]
        for pid in pids:  # interleaved writes from two connections
            a.codings.set(pid, "upgrading.general", "alice", "accepted", codebook_id=cb)
            b.codings.set(pid, "upgrading.general", "bob", "rejected", codebook_id=cb)

        def write(store: Store, coder: str) -> None:
            for pid in pids:
                store.codings.set(pid, "context.china", coder, "accepted", codebook_id=cb)

        threads = [threading.Thread(target=write, args=(s, c)) for s, c in ((a, "alice"), (b, "bob"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        a.close()
        b.close()
    store = Store.open(path)
    assert len(codings(store, "alice")) == 2 * len(pids)
    assert len(codings(store, "bob")) == 2 * len(pids)
    assert store.db.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == 4 * len(pids)
    store.close()


def test_review_queue_is_most_uncertain_first_and_skips_decided(opened) -> None:
    store, info = opened
    cb = info["codebook_id"]
    queue = review.review_queue(store, "alice", cb, limit=100)
    gaps = [abs(q.score - q.threshold) for q in queue]
    assert gaps == sorted(gaps) and len(queue) == 39
    first = queue[0]
    review.decide(store, first.passage_id, first.code_id, "alice", "accepted", codebook_id=cb,
                  suggestion_id=first.suggestion_id)  # fmt: skip
    again = review.review_queue(store, "alice", cb, limit=100)
    assert first.suggestion_id not in {q.suggestion_id for q in again} and len(again) == 38
    assert len(review.review_queue(store, "bob", cb, limit=5, offset=2)) == 5
    assert all(t[1] < t[2] <= len(q.text) for q in queue for t in q.view.terms)


def test_document_view_shows_evidence_and_blind_mode(opened) -> None:
    store, info = opened
    cb = info["codebook_id"]
    review.decide(store, 2, "regionalism.collective_learning", "bob", "accepted", codebook_id=cb)
    review.add_code(store, 2, "context.china", "bob", codebook_id=cb)
    view = review.document_view(store, 1, "alice")
    p2 = view.passages[1]
    assert p2.text.startswith("Regions grow")
    item = next(i for i in p2.items if i.code_id == "regionalism.collective_learning")
    assert item.others == {"bob": "accepted"} and item.mine is None
    assert p2.text[item.terms[0][1] : item.terms[0][2]] == "collective learning"
    assert any(i.code_id == "context.china" and i.suggestion_id is None for i in p2.items)
    blind = review.document_view(store, 1, "alice", blind=True)
    assert all(not i.others for p in blind.passages for i in p.items)
    assert not any(i.code_id == "context.china" for i in blind.passages[1].items)
    with pytest.raises(NotFoundError):
        review.document_view(store, 999, "alice")
    with pytest.raises(NotFoundError, match="Codes:"):
        review.add_code(store, 2, "no.such", "alice", codebook_id=cb)


def test_bad_evidence_offsets_are_dropped(opened) -> None:
    store, info = opened
    bad = {"terms": [["x", 5, 2], ["y", 0, 9999], "junk", ["ok", 0, 3]], "similarity": "high"}
    store.db.execute("UPDATE suggestions SET evidence = ? WHERE id = 1", [json.dumps(bad)])
    item = review.document_view(store, 1, "alice").passages[0].items[0]
    assert item.terms == [("ok", 0, 3)] and item.similarity is None


def test_screening_is_audited_and_undoable(opened) -> None:
    store, _info = opened
    store.screening.set(1, "alice", "include", "on topic")
    store.screening.set(1, "alice", "exclude", "off topic")
    assert store.screening.list("alice")[0].decision == "exclude"
    store.audit.undo("alice")
    assert store.screening.list("alice")[0].decision == "include"
    store.audit.undo("alice")
    assert store.screening.list("alice") == []
    with pytest.raises(StoreError):
        store.screening.set(1, "alice", "perhaps")


def test_consensus_decision_is_undone_by_its_actor(opened) -> None:
    store, info = opened
    cb = info["codebook_id"]
    store.codings.set(3, "regionalism.institutions", review.CONSENSUS, "accepted", codebook_id=cb,
                       origin="consensus", actor="lead")  # fmt: skip
    assert codings(store, review.CONSENSUS) == {(3, "regionalism.institutions"): "accepted"}
    assert store.audit.log("lead")[0].target["coder"] == review.CONSENSUS
    store.audit.undo("lead")
    assert codings(store) == {}
