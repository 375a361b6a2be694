"""Tests of learning from the project's decisions in `run_tagger` (`reviewkit.project.learning`)."""

from __future__ import annotations

from typing import Any

import pytest

from reviewkit.codebook import load_codebook
from reviewkit.project.codebooks import save_codebook
from reviewkit.project.coding import run_tagger
from reviewkit.project.encoding import make_embedder
from reviewkit.project.learning import project_decisions
from reviewkit.project.review import decide
from reviewkit.store.base import now
from tests.test_coding import MINI

DOCS = [
    {"key": "a", "title": "Lean factories", "abstract": "Factories adopted lean production and cut defects."},
    {"key": "b", "title": "Lean plants", "abstract": "Plants adopted lean production and reduced their defects."},
    {"key": "c", "title": "Bicycles", "abstract": "The firm started selling bicycles with carbon frames."},
    {"key": "d", "title": "Bikes", "abstract": "The company started selling bicycles with titanium frames."},
    {"key": "e", "title": "Weather", "abstract": "It rained heavily in the mountains last spring."},
]


@pytest.fixture(scope="module")
def embedder(st_model: Any) -> Any:
    return make_embedder(model_obj=st_model)


def _project(store: Any, embedder: Any) -> tuple[int, dict[str, int]]:
    for d in DOCS:
        store.db["documents"].insert({**d, "imported_at": now()})
    codebook = load_codebook(MINI)
    cb = save_codebook(store, codebook)
    first = run_tagger(store, cb, codebook=codebook, embedder=embedder)
    assert first.decisions == 0 and not first.learnt
    ids = {p.text: p.id for p in store.passages.of_documents(range(1, 10)) if p.field == "abstract"}
    return cb, ids


def _scores(store: Any, code: str) -> dict[int, tuple[int, float, int | None]]:
    return {s.passage_id: (s.id, s.suggestion.score, s.run_id) for s in store.suggestions.list(code_id=code)}


def test_accepted_decision_raises_similar_passages_and_never_rewrites_decided(store: Any, embedder: Any) -> None:
    cb, ids = _project(store, embedder)
    code = "upgrading.product"
    carbon, titanium = ids[DOCS[2]["abstract"]], ids[DOCS[3]["abstract"]]
    before = _scores(store, code)
    # A decided pair elsewhere: its stored suggestion must survive the re-run byte for byte.
    kept = store.suggestions.list(code_id="upgrading.process")[0]
    decide(store, kept.passage_id, "upgrading.process", "ann", "accepted", codebook_id=cb,
           suggestion_id=kept.id, score=kept.suggestion.score)  # fmt: skip
    decide(store, carbon, code, "ann", "accepted", codebook_id=cb)  # added by hand
    again = run_tagger(store, cb, codebook=load_codebook(MINI), embedder=embedder)
    assert again.decisions == 2 and again.passages > 0
    assert again.learnt.startswith("learnt from 2 decisions (accepted 1, added 1) in ")
    assert "learnt from 2 decisions" in again.message()
    assert again.embedded == 0  # decided passages and everything else come from the cache
    assert store.suggestions.runs()[0].decisions == 2
    after = _scores(store, code)
    assert after[titanium][1] > before.get(titanium, (0, -1.0, 0))[1]
    assert after.get(carbon) == before.get(carbon)  # decided: untouched (or still absent)
    still = [s for s in store.suggestions.list(code_id="upgrading.process") if s.passage_id == kept.passage_id]
    assert [(s.id, s.suggestion.score, s.run_id) for s in still] == [(kept.id, kept.suggestion.score, kept.run_id)]
    # No new decision: nothing to do.
    third = run_tagger(store, cb, codebook=load_codebook(MINI), embedder=embedder)
    assert third.up_to_date and third.embedded == 0
    # A decision made while a run was under way (its `keep` does not know it) still wins.
    doc = store.passages.get(kept.passage_id).document_id
    row = {"passage_id": kept.passage_id, "code_id": "upgrading.process", "score": 0.01, "threshold": 0.5,
           "method": "x", "evidence": {}, "tagger_version": "x"}  # fmt: skip
    store.suggestions.save_results(
        run_id=kept.run_id, codebook_id=cb, codebook_name="tagger-mini", todo={doc: {"upgrading.process"}},
        fingerprints={"upgrading.process": "f"}, rows=[row], keep=lambda p, c: False,
    )  # fmt: skip
    still = [s for s in store.suggestions.list(code_id="upgrading.process") if s.passage_id == kept.passage_id]
    assert [(s.id, s.suggestion.score) for s in still] == [(kept.id, kept.suggestion.score)]


def test_rejected_suggestion_lowers_similar_passages(store: Any, embedder: Any) -> None:
    cb, ids = _project(store, embedder)
    code = "upgrading.process"
    factories, plants = ids[DOCS[0]["abstract"]], ids[DOCS[1]["abstract"]]
    before = _scores(store, code)
    assert factories in before and plants in before
    decide(store, factories, code, "ann", "rejected", codebook_id=cb, suggestion_id=before[factories][0])
    again = run_tagger(store, cb, codebook=load_codebook(MINI), embedder=embedder)
    assert again.learnt.startswith("learnt from 1 decisions (rejected 1) in ")
    after = _scores(store, code)
    assert after.get(plants, (0, -1.0, 0))[1] < before[plants][1]
    assert after[factories] == before[factories]


def test_decision_rules_done_passages_consensus_and_conflicts(store: Any, embedder: Any) -> None:
    cb, ids = _project(store, embedder)
    codes = [c.id for c in load_codebook(MINI).leaves()]
    p1, p2, p3 = ids[DOCS[0]["abstract"]], ids[DOCS[1]["abstract"]], ids[DOCS[4]["abstract"]]
    decide(store, p1, "upgrading.process", "ann", "accepted", codebook_id=cb)
    decide(store, p1, "upgrading.process", "bob", "rejected", codebook_id=cb)  # conflict: left out
    decide(store, p2, "upgrading.process", "ann", "accepted", codebook_id=cb)
    decide(store, p2, "upgrading.process", "bob", "rejected", codebook_id=cb)
    decide(store, p2, "upgrading.process", "consensus", "rejected", codebook_id=cb)  # consensus wins
    # p3 marked done by ann, who applied context.china there; bob applied upgrading.product (no done mark).
    decide(store, p3, "context.china", "ann", "accepted", codebook_id=cb)
    decide(store, p3, "upgrading.product", "bob", "accepted", codebook_id=cb)
    store.reviews.mark(p3, "ann", "tagger-mini")
    got = project_decisions(store, "tagger-mini", codes)
    by = {(d.text, d.code_id): d.status for d in got.decisions}
    assert (DOCS[0]["abstract"], "upgrading.process") not in by
    assert by[(DOCS[1]["abstract"], "upgrading.process")] == "rejected"
    rain = DOCS[4]["abstract"]
    assert by[(rain, "context.china")] == "added"
    assert (rain, "upgrading.product") not in by  # ann's implicit negative vs bob's positive: a conflict
    assert got.conflicts == 2
    assert {c for (t, c), s in by.items() if t == rain and s == "absent"} == set(codes) - {
        "context.china", "upgrading.product"}
    assert got.is_decided(p1, "upgrading.process") and not got.is_decided(p1, "upgrading.product")
    assert got.is_decided(p3, "upgrading.process")  # a done passage: every code is decided
    assert got.counts["absent"] == len(codes) - 2 and got.fingerprint()
    # Each decision names its passage's document (learning keeps a document's passages in one fold).
    doc_of = {p.text: str(p.document_id) for p in store.passages.of_documents(range(1, 10))}
    assert all(d.doc == doc_of[d.text] for d in got.decisions)
    assert {d.doc for d in got.decisions if d.text == rain} == {doc_of[rain]} != {doc_of[DOCS[1]["abstract"]]}
