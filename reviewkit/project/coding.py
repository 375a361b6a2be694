"""Provides the coding use cases: segment documents into passages, run the tagger on a project, evaluate it.

`run_tagger` is resumable and idempotent: each (document, code) pair records in ``tag_state`` the
fingerprint it was coded with — a hash of the tagger version and config, the embedding model, the
code's own content (definition, keywords, examples, threshold...) and the codebook's uncoded
examples. A second run with the same tagger and codebook finds nothing to do (and loads no model);
after editing one code only that code is redone, and new documents get every code. Edits to other
codes' examples (which are negatives of this code's classifier) do not redo a code: pass
``force=True`` (``reviewkit code --force``) to redo everything. The tagger also learns from the
project's decisions (`reviewkit.project.learning`): their hash is in the fingerprint, and a
(passage, code) a coder decided is never re-scored.

Documents are coded in pages of `docs_per_batch` with one transaction each, so memory stays bounded
and an interrupted run resumes where it stopped. Embeddings are cached in the project by model and
text hash, so re-coding never re-embeds an unchanged passage.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reviewkit.codebook.model import Codebook
from reviewkit.errors import ReviewkitError
from reviewkit.project.encoding import CachedEncoder, make_embedder, project_model
from reviewkit.project.engines import Engine, LocalEngine, Page
from reviewkit.records import Passage
from reviewkit.tagger.segment import SEGMENTER_VERSION, segment_document

if TYPE_CHECKING:
    from reviewkit.store import Store
    from reviewkit.tagger.embed import Embedder

Progress = Callable[[int, int, str], None]

NEAR_MISS = 0.15
"""Suggestions are stored from ``threshold - NEAR_MISS`` up, so the review queue can offer near misses."""


@dataclass
class SegmentSummary:
    """What segmenting did."""

    documents: int = 0
    added: int = 0
    removed: int = 0


@dataclass
class TagRunSummary:
    """What a tagger run did."""

    codebook_id: int
    codebook_name: str
    method: str
    model: str
    run_id: int | None = None
    documents: int = 0
    """Documents (re)coded."""
    passages: int = 0
    """Passages (re)coded."""
    suggestions: int = 0
    """Suggestions stored at or above their threshold."""
    near_misses: int = 0
    """Suggestions stored just below their threshold (for the review queue)."""
    codes: list[str] = field(default_factory=list)
    """Codes that were (re)done for at least one document."""
    embedded: int = 0
    """Texts sent to the model (cache misses)."""
    cached: int = 0
    """Texts whose vectors came from the cache."""
    seconds: float = 0.0
    segmented: SegmentSummary = field(default_factory=SegmentSummary)
    thresholds: dict[str, float] = field(default_factory=dict)
    killed_runs: list[int] = field(default_factory=list)
    """Earlier runs killed before they finished (since the last finished run); their work so far is kept."""
    decisions: int = 0
    """Reviewer decisions the tagger learnt from (`reviewkit.project.learning`)."""
    learnt: str = ""
    """``"learnt from N decisions (rejected .., accepted .., added ..) in 0.4s"``, or "" when none."""

    @property
    def up_to_date(self) -> bool:
        """True when there was nothing to do."""
        return self.passages == 0

    def message(self) -> str:
        """One-line human summary."""
        killed = ""
        if self.killed_runs:
            ids = ", ".join(map(str, self.killed_runs))
            killed = f"Run {ids} was killed before it finished (marked killed; what it saved is kept). "
        if self.up_to_date:
            return killed + "0 passages to code; up to date."
        return killed + (f"Retrained: {self.learnt}. " if self.learnt else "") + (
            f"Coded {self.passages} passages of {self.documents} documents for {len(self.codes)} code(s) "
            f"with {self.method}: {self.suggestions} suggestions (+{self.near_misses} near misses) "
            f"in {self.seconds:.1f}s; {self.embedded} texts embedded, {self.cached} from cache."
        )


def segment_documents(
    store: Store,
    document_ids: Sequence[int] | None = None,
    *,
    resegment: bool = False,
    progress: Progress | None = None,
    page: int = 500,
) -> SegmentSummary:
    """Split documents' titles and abstracts (and their second-language copies) into passages.

    Idempotent: unchanged passages keep their ids; passages that have codings are never deleted.

    Args:
        store: the open project.
        document_ids: only these documents (default: all).
        resegment: also re-segment documents that already have passages (default: only new ones).
        progress: callback (done, total, "segmenting").
        page: documents per transaction.

    Returns:
        Counts of documents segmented and passages added/removed.
    """
    summary = SegmentSummary()
    total = len(document_ids) if document_ids is not None else _count_docs(store, not resegment)
    after = 0
    while True:
        docs = store.passages.documents_to_segment(
            only_new=not resegment, document_ids=document_ids, after_id=after, limit=page
        )
        if not docs:
            break
        for doc in docs:
            fields = {"id": doc.id, "title": doc.title, "abstract": doc.abstract, "title_alt": doc.title_alt,
                      "abstract_alt": doc.abstract_alt}  # fmt: skip
            segs = segment_document(fields)
            passages = [Passage(doc.id, s.field, i, s.start, s.end, s.text, s.lang) for i, s in enumerate(segs)]
            added, removed = store.passages.save(doc.id, passages)
            summary.documents += 1
            summary.added += added
            summary.removed += removed
        after = docs[-1].id
        if progress:
            progress(summary.documents, max(total, summary.documents), "segmenting")
    return summary


def _count_docs(store: Store, only_new: bool) -> int:
    return store.passages.count_documents_to_segment(only_new)


def code_fingerprints(codebook: Codebook, config_fingerprint: str) -> dict[str, str]:
    """Fingerprint per leaf code: tagger config + segmenter + the code's content + uncoded examples."""
    uncoded = json.dumps(codebook.uncoded_examples, sort_keys=True, ensure_ascii=False, default=list)
    base = f"{config_fingerprint}|{SEGMENTER_VERSION}|{hashlib.sha1(uncoded.encode('utf-8')).hexdigest()}"
    return {
        c.id: hashlib.sha1(f"{base}|{codebook.code_hash(c.id)}".encode()).hexdigest()[:20]
        for c in codebook.leaves()
    }


def _resolve(store: Store, codebook_id: int | None, codebook: Codebook | None) -> tuple[int, Codebook]:
    if codebook is not None:
        if codebook_id is None:
            from reviewkit.project.codebooks import save_codebook

            codebook_id = save_codebook(store, codebook)
        return codebook_id, codebook
    from reviewkit.project.codebooks import resolve_codebook

    return resolve_codebook(store, codebook_id)


def run_tagger(
    store: Store,
    codebook_id: int | None = None,
    *,
    method: str = "hybrid",
    model: str | None = None,
    batch_size: int = 64,
    progress: Progress | None = None,
    codebook: Codebook | None = None,
    embedder: Embedder | None = None,
    force: bool = False,
    docs_per_batch: int = 200,
    documents: set[int] | None = None,
    learn: bool = True,
    engine: Engine | None = None,
) -> TagRunSummary:
    """Code the project's passages against a codebook (segmenting new documents first).

    Args:
        store: the open project.
        codebook_id: the codebook version (default: the current one).
        method: "hybrid" (default), "embeddings" or "rules".
        model: embedding model name or folder (default: `project_model`, the one the project was
            last coded with when it is multilingual-e5-small, else the bundled all-MiniLM-L6-v2).
        batch_size: passages per model batch.
        progress: callback (done, total, stage) with stages "segmenting", "training", "coding".
        codebook: use this codebook object (stored as a version when `codebook_id` is None).
        embedder: use this embedder instead of loading `model` (tests pass the session's model).
        force: redo every (document, code) pair even when up to date.
        docs_per_batch: documents per transaction (bounds memory).
        documents: code only these documents (`reviewkit.project.scope.documents_in_scope`); None: all.
        learn: retrain on the project's decisions too (`reviewkit.project.learning`; not for "rules").
            Decided (passage, code) pairs are never re-scored; the decision set is in the fingerprint.
        engine: what scores the pages (`reviewkit.project.engines`; default: `LocalEngine`, in this
            process). This function alone reads and writes the project, whatever the engine.

    Returns:
        What the run did (`TagRunSummary.up_to_date` when nothing needed coding).

    Raises:
        NotFoundError: the project has no codebook.
        ReviewkitError: unknown method or unloadable model.
    """
    from reviewkit.tagger.pipeline import METHODS, TAGGER_VERSION, Tagger, TaggerConfig

    if method not in METHODS:
        raise ReviewkitError(f"Unknown tagger method {method!r}. Available: {', '.join(METHODS)}")

    started = time.perf_counter()
    segmented = segment_documents(store, progress=progress)
    cb_id, cb = _resolve(store, codebook_id, codebook)
    if method == "rules":
        model_name = ""
    elif embedder is not None:
        model_name = embedder.name
    else:
        from reviewkit.tagger.embed import model_name as _name_of

        model = model if model is not None else project_model(store)  # keep the project's model
        model_name = _name_of(model)
    from reviewkit.project.learning import ProjectDecisions, project_decisions

    config = TaggerConfig(method=method, model=model_name)
    learnt = ProjectDecisions()
    if learn:
        learnt = project_decisions(store, cb.name, [c.id for c in cb.leaves()])
    fps = code_fingerprints(cb, config.fingerprint() + (learnt.fingerprint() if method != "rules" else ""))
    if force:
        fps = {c: f"{fp}!{time.time_ns()}" for c, fp in fps.items()}
    summary = TagRunSummary(cb_id, cb.name, method, model_name, segmented=segmented)
    store.suggestions.mark_killed_runs()
    for run in store.suggestions.runs():  # newest first: the killed runs since the last finished one
        if run.status == "finished":
            break
        if run.status == "killed":
            summary.killed_runs.insert(0, run.id)
    store.suggestions.carry_over(cb_id, cb.name, fps)
    n_docs, n_passages = store.suggestions.count_to_code(cb.name, fps)
    if n_passages == 0:
        summary.seconds = time.perf_counter() - started
        return summary
    encoder: CachedEncoder | None = None
    if method != "rules":
        if progress:
            progress(0, 1, "loading model")
        encoder = CachedEncoder(embedder or make_embedder(model), store, batch_size)
    tagger = Tagger(cb, config, encoder).fit(progress)
    if learnt.decisions and method != "rules":
        from reviewkit.tagger.learn import learn_from_decisions

        result = learn_from_decisions(tagger, learnt.decisions, folds=0, progress=progress)
        tagger = result.tagger
        summary.decisions, summary.learnt = result.decisions, f"{learnt.summary()} in {result.seconds:.1f}s"
    summary.thresholds = dict(tagger.thresholds)
    run_id = store.suggestions.start_run(
        cb_id, TAGGER_VERSION, {**config.as_dict(), "thresholds": tagger.thresholds}, model_name,
        decisions=summary.decisions,
    )
    summary.run_id = run_id
    done_codes: set[str] = set()
    if progress:
        progress(0, n_passages, "coding")

    def pages() -> Iterator[Page]:
        after = 0
        while todo_list := store.suggestions.documents_to_code(cb.name, fps, after_id=after, limit=docs_per_batch):
            after = todo_list[-1][0]
            todo = {d: c for d, c in todo_list if documents is None or d in documents}
            if todo:
                codes = sorted(set().union(*todo.values()), key=tagger.code_ids.index)
                yield Page(todo, store.passages.of_documents(todo), codes)

    def page_progress(done: int, total: int, label: str) -> None:
        if progress:
            progress(min(summary.passages + done, n_passages), n_passages, "coding")

    scored = (engine or LocalEngine()).score_pages(
        tagger, pages(), below=NEAR_MISS, total_documents=n_docs, store=store, model=model, progress=page_progress
    )
    with closing(scored):  # an engine stops its workers when the run stops, even on an error
        for scored_page in scored:
            page, todo = scored_page.page, scored_page.page.todo
            if scored_page.vectors:
                store.embeddings.put(model_name, scored_page.vectors)
            summary.embedded += len(scored_page.vectors)
            summary.cached += scored_page.cached
            rows = [r for r in scored_page.rows if not learnt.is_decided(r["passage_id"] or 0, r["code_id"])]
            summary.suggestions += sum(1 for r in rows if r["score"] >= r["threshold"])
            summary.near_misses += sum(1 for r in rows if r["score"] < r["threshold"])
            store.suggestions.save_results(
                run_id=run_id, codebook_id=cb_id, codebook_name=cb.name, todo=todo, fingerprints=fps, rows=rows,
                keep=learnt.is_decided if learn else None,
            )
            done_codes.update(page.codes)
            summary.documents += len(todo)
            summary.passages += len(page.passages)
            if progress:
                progress(min(summary.passages, n_passages), n_passages, "coding")
    summary.codes = [c for c in tagger.code_ids if c in done_codes]
    if encoder is not None:
        summary.embedded += encoder.embedded
        summary.cached += encoder.cached
    store.suggestions.finish_run(
        run_id, documents=summary.documents, passages=summary.passages, suggestions=summary.suggestions
    )
    summary.seconds = time.perf_counter() - started
    return summary
