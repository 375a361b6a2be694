"""Tests of the coding services: segmenting into the store, run_tagger (idempotent, resumable, cached)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from reviewkit.codebook import load_codebook
from reviewkit.project.codebooks import save_codebook
from reviewkit.project.coding import run_tagger, segment_documents
from reviewkit.project.encoding import make_embedder
from reviewkit.store.base import now

MINI = Path(__file__).parent / "data" / "tagger-mini.yaml"

DOCS = [
    {
        "key": "d1",
        "title": "Collective learning in the Wenzhou shoe cluster",
        "abstract": "Tacit knowledge circulates among local firms. Factories adopted lean production "
        "and cut defects. We also use machine learning to classify images.",
    },
    {
        "key": "d2",
        "title": "集群升级研究",
        "abstract": "温州鞋业企业通过精益生产提高了生产效率。企业从低档产品转向高端产品。",
        "title_alt": "Cluster upgrading",
        "abstract_alt": "Firms moved to high-end products.",
    },
]


def _add_docs(store: Any, docs: list[dict[str, Any]]) -> list[int]:
    ids = []
    for d in docs:
        ids.append(store.db["documents"].insert({**d, "imported_at": now()}).last_pk)
    return ids


@pytest.fixture(scope="module")
def embedder(st_model: Any) -> Any:
    return make_embedder(model_obj=st_model)


def test_segment_documents_is_idempotent_and_keeps_coded_passages(store: Any) -> None:
    (doc_id,) = _add_docs(store, DOCS[:1])
    first = segment_documents(store)
    assert first.documents == 1 and first.added == 4
    passages = store.passages.of_documents([doc_id])
    assert [p.field for p in passages] == ["title", "abstract", "abstract", "abstract"]
    for p in passages:
        row = store.db.execute(f"SELECT {p.field} FROM documents WHERE id = ?", [doc_id]).fetchone()
        assert row[0][p.start : p.end] == p.text
    assert segment_documents(store).documents == 0
    again = segment_documents(store, resegment=True)
    assert (again.added, again.removed) == (0, 0)
    assert [p.id for p in store.passages.of_documents([doc_id])] == [p.id for p in passages]
    # A coded passage survives a changed abstract; an uncoded one that disappeared is removed.
    cb_id = save_codebook(store, load_codebook(MINI))
    coded = passages[1]
    store.db.execute(
        "INSERT INTO codings (passage_id, codebook_id, code_id, coder, status, created_at, decided_at) "
        "VALUES (?, ?, 'context.china', 'ann', 'accepted', ?, ?)",
        [coded.id, cb_id, now(), now()],
    )
    store.db.execute(
        "UPDATE documents SET abstract = 'Completely new text. Two sentences.' WHERE id = ?", [doc_id]
    )
    store.db.conn.commit()
    segment_documents(store, resegment=True)
    texts = {p.id: p.text for p in store.passages.of_documents([doc_id])}
    assert texts[coded.id] == coded.text
    assert passages[2].text not in texts.values()
    assert {"Completely new text.", "Two sentences."} <= set(texts.values())


def test_rules_run_stores_suggestions_with_evidence_offsets(store: Any) -> None:
    _add_docs(store, DOCS)
    summary = run_tagger(store, codebook=load_codebook(MINI), method="rules")
    assert summary.documents == 2 and summary.suggestions > 0
    rows = store.suggestions.list(code_id="upgrading.process")
    assert rows and all(r.suggestion.method == "lexical" for r in rows)
    for r in rows:
        ev = r.suggestion.evidence
        assert ev.terms
        text = store.passages.get(r.passage_id).text
        for term, s, e in ev.terms:
            assert text[s:e].lower()[:4] == term.lower()[:4]
    run = store.suggestions.runs()[0]
    assert run.tagger_version and run.config["method"] == "rules" and run.status == "finished"


def test_hybrid_run_is_idempotent_cached_and_redoes_only_edited_code(store: Any, embedder: Any) -> None:
    _add_docs(store, DOCS)
    codebook = load_codebook(MINI)
    cb1 = save_codebook(store, codebook)
    stages: list[str] = []
    first = run_tagger(
        store, cb1, codebook=codebook, embedder=embedder, progress=lambda d, t, s: stages.append(s)
    )
    assert first.passages == 9 and first.codes == [c.id for c in codebook.leaves()]
    assert {"segmenting", "training", "coding"} <= set(stages)
    assert first.embedded > 9
    n_vectors = store.embeddings.count(embedder.name)
    assert n_vectors == first.embedded

    second = run_tagger(store, cb1, codebook=codebook, embedder=embedder)
    assert second.up_to_date and second.embedded == 0
    assert second.message() == "0 passages to code; up to date."

    # Edit one code: only that code is redone; the passages come from the cache.
    product = codebook.get("upgrading.product")
    new_product = dataclasses.replace(
        product,
        examples={
            **product.examples,
            "en": (*product.examples["en"], "Brewers now sell craft beers at premium prices."),
        },
    )
    edited = dataclasses.replace(
        codebook, codes=tuple(new_product if c.id == product.id else c for c in codebook.codes)
    )
    cb2 = save_codebook(store, edited)
    assert cb2 != cb1
    third = run_tagger(store, cb2, codebook=edited, embedder=embedder)
    assert third.codes == ["upgrading.product"]
    assert third.embedded == 1  # only the new example text
    assert store.embeddings.count(embedder.name) == n_vectors + 1
    # Unchanged codes' suggestions now belong to the new version too.
    assert store.suggestions.list(codebook_id=cb2, code_id="context.china")
    assert not store.suggestions.list(codebook_id=cb1)

    # A new document gets every code, and only it is coded.
    _add_docs(store, [{"key": "d3", "title": "Learning regions in Zhejiang", "abstract": ""}])
    fourth = run_tagger(store, cb2, codebook=edited, embedder=embedder)
    assert fourth.documents == 1 and fourth.passages == 1 and len(fourth.codes) == 4
    title_rows = [
        r
        for r in store.suggestions.list(codebook_id=cb2)
        if store.passages.get(r.passage_id).text == "Learning regions in Zhejiang"
    ]
    china = next(r for r in title_rows if r.code_id == "context.china")
    assert china.score >= china.threshold
    ev = china.suggestion.evidence
    assert ev.terms == (("Zhejiang", 20, 28),) and ev.nearest_example
