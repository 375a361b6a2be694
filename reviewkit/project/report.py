"""Provides the methods report filled from the project: `report_facts` (typed facts) and `write_report`.

Every number comes from the same service the CLI prints it with: sources and duplicates from the
import log (`reviewkit stats`), screening from `reviewkit.project.screening` (`reviewkit screen
status`, `reviewkit agreement --stage screening`), the PRISMA counts from
`reviewkit.project.prisma` (`reviewkit prisma`), human review from one
`reviewkit.analysis.review_state.ReviewState` (rule ``any``: a document counts as reviewed when some
coder marked every passage of it done), trends from `reviewkit.project.trends.trends` with the
source of `reviewkit trends` (its default unless one is given; reviewed and published denominators),
inter-coder agreement from `reviewkit.project.agreement` (`reviewkit agreement`), blinding from
`reviewkit.project.blinding`, an early stop of screening from `reviewkit.project.screening_stop`
(`reviewkit screen stop`), validation from the gold file registered with `reviewkit evaluate GOLD
--register`. Once screening has begun, review and trends cover the included documents
(`reviewkit.project.scope`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from reviewkit.errors import ReviewkitError
from reviewkit.report.facts import (
    AutoCodingFacts,
    CodeAgreement,
    CodebookFacts,
    CodeFacts,
    CodeValidation,
    DedupeFacts,
    HumanReviewFacts,
    ReportFacts,
    ScreeningFacts,
    ScreeningStopFacts,
    SourceFacts,
    TrendCell,
    TrendFacts,
    ValidationFacts,
)

if TYPE_CHECKING:
    from reviewkit.analysis.review_state import ReviewState
    from reviewkit.codebook.model import Codebook
    from reviewkit.store import Store

DEDUPE_RULE = (
    "Records sharing a DOI, or of the same year whose normalised titles (Chinese and English) were at "
    "least 95 % similar, were merged automatically at import, unless their DOIs, volumes, issues or "
    "pages differed; near-duplicate pairs from 80 % similarity were listed for a person to merge or keep"
)
FEW_POSITIVES = 5
"""Codes with fewer accepted passages than this are named in the limitations."""


def _sources(store: Store) -> tuple[SourceFacts, ...]:
    from reviewkit.project.prisma import source_label

    return tuple(
        SourceFacts(
            source_label(r.path, r.format, r.database), Path(r.path).name, r.format, date.fromisoformat(r.started_at[:10]),
            r.records, r.skipped,
        )  # fmt: skip
        for r in store.imports.list()
    )


def _review_state(store: Store, cb_id: int, cb_name: str, scope: set[int] | None) -> ReviewState:
    from reviewkit.analysis.review_state import Decision, PassageReview, ReviewState, SuggestedCode

    doc_ids = [d.id for d in store.documents.iter() if scope is None or d.id in scope]
    passages: dict[int, list[int]] = {d: [] for d in doc_ids}
    doc_of: dict[int, int] = {}
    for p in store.passages.of_documents(doc_ids):
        assert p.id is not None
        passages[p.document_id].append(p.id)
        doc_of[p.id] = p.document_id
    decisions = [
        Decision(c.passage_id, doc_of[c.passage_id], c.code_id, c.coder, c.status, c.origin)
        for c in store.codings.latest(cb_name)
        if c.passage_id in doc_of
    ]
    coders = {c.coder for c in decisions} | {a.coder for a in store.assignments.list(limit=10**9)}
    reviews = [
        PassageReview(r.passage_id, doc_of[r.passage_id], r.coder)
        for coder in sorted(coders)
        for r in store.reviews.list(coder, cb_name)
        if r.passage_id in doc_of
    ]
    assignments: dict[int, list[str]] = defaultdict(list)
    for a in store.assignments.list(limit=10**9):
        assignments[a.document_id].append(a.coder)
    suggestions = [
        SuggestedCode(s.passage_id, s.document_id, s.suggestion.code_id, s.suggestion.score, s.suggestion.threshold)
        for s in store.suggestions.list(codebook_id=cb_id)
        if s.passage_id in doc_of
    ]
    return ReviewState(passages, decisions, reviews, assignments, suggestions)


def _trends(store: Store, book: Codebook, scope: set[int] | None, source: str) -> TrendFacts | None:
    """The trends of `reviewkit trends --source SOURCE` (every group, one row per year), as report facts."""
    from reviewkit.project.trends import trends

    rows = trends(store, None, source=source, codebook_id=None, scope=scope)
    cells = tuple(TrendCell(str(r.year), r.code, r.documents, r.coded, r.published) for r in rows)
    if not any(c.reviewed for c in cells):
        return None
    labels = {c.id: c.label.get("en", c.id) for c in book.codes}
    groups = tuple((g, labels.get(g, g)) for g in dict.fromkeys(r.code for r in rows))
    unreviewed = sum({r.year: (r.published or 0) - r.documents for r in rows}.values())
    rule, _, coder = source.partition(":")
    return TrendFacts(rule, cells, groups, coder, unreviewed, source)  # type: ignore[arg-type]


def _validation(store: Store) -> ValidationFacts | None:
    """The validation registered with `reviewkit evaluate GOLD --register` (None when none was)."""
    v = store.facts.validation()
    if v is None:
        return None
    per_code = tuple(
        CodeValidation(code, int(m["support"]), m["precision"], m["recall"], m["f1"], m.get("kappa"))
        for code, m in v.per_code.items()
    )
    langs = tuple((lang, int(m["n_passages"]), m["macro_f1"]) for lang, m in sorted(v.by_language.items()))
    return ValidationFacts(
        v.gold_file, v.n_passages, v.macro_f1, v.micro_f1, v.mean_kappa or 0.0, per_code,
        date.fromisoformat(v.registered_at[:10]), v.gold_sha256, langs,
    )  # fmt: skip


def _screening(store: Store) -> ScreeningFacts | None:
    from reviewkit.project.screening import CONSENSUS, FT, TA, counts, screening_agreement, screening_started
    from reviewkit.project.screening_stop import current as current_stop
    from reviewkit.project.screening_stop import unscreened

    if not screening_started(store):
        return None
    st = counts(store, stage=TA)
    per_doc = Counter(d.document_id for d in store.screening.list(stage=TA) if d.coder != CONSENSUS)
    kappa, band = None, ""
    if len(st.reviewers) >= 2:
        try:
            agreement = screening_agreement(store, stage=TA)
            kappa, band = agreement.kappa, agreement.band
        except ReviewkitError:
            pass
    resolved = sum(1 for d in store.screening.list(coder=CONSENSUS, stage=TA))
    found, stop = current_stop(store, TA), None
    if found is not None:
        stop = ScreeningStopFacts(
            date.fromisoformat(found.stopped_at[:10]), found.lead, found.screened, found.since_last_inclusion,
            found.rule, found.heuristic_met, unscreened(store, TA),
        )  # fmt: skip
    return ScreeningFacts(
        reviewers=st.reviewers, blind=True, records_total=st.total, screened=st.screened, included=st.included,
        excluded=st.excluded, double_screened=sum(1 for n in per_doc.values() if n >= 2), kappa=kappa, kappa_band=band,
        conflicts_resolved=resolved, ranked=True, full_text=bool(store.screening.counts(FT)), stop=stop,
    )  # fmt: skip


def report_facts(
    store: Store, *, project: str | None = None, all_documents: bool = False, source: str | None = None
) -> ReportFacts:
    """Everything the methods section states, from the project (see the module docstring).

    Args:
        store: the project.
        project: the project's name (default: the file's stem).
        all_documents: once screening has begun, report every document, not only the included.
        source: the trends source (``consensus``, ``any``, ``coder:NAME``, ``suggested``); None: the
            default of `reviewkit trends`.

    Raises:
        NotFoundError: the project has no codebook.
    """
    from reviewkit._version import __version__
    from reviewkit.project.agreement import agreement
    from reviewkit.project.blinding import was_blind
    from reviewkit.project.codebooks import resolve_codebook
    from reviewkit.project.prisma import prisma_counts
    from reviewkit.project.scope import documents_in_scope
    from reviewkit.project.state import resolve_source

    cb_id, book = resolve_codebook(store)
    scope = documents_in_scope(store, all_documents=all_documents)
    source = resolve_source(store, source)
    state = _review_state(store, cb_id, book.name, scope)
    automatic, manual = store.imports.duplicate_counts()
    runs = [r for r in store.suggestions.runs() if r.codebook_id == cb_id]
    run = runs[-1] if runs else None
    thresholds = tuple(sorted((run.config.get("thresholds") or {}).items())) if run else ()
    coders = tuple(c for c in state.coders if c != "consensus")
    any_view = state.view("any")
    done = set().union(*(state.passages_done(c) for c in state.coders)) if state.coders else set()
    # the reliability sample as `reviewkit agreement` counts it: documents every coder decided on
    touched = {c: {d.document_id for d in state.decisions if d.coder == c} for c in coders}
    overlap = set.intersection(*touched.values()) if touched else set()
    per_code: tuple[CodeAgreement, ...] = ()
    if len(coders) >= 2:
        inter = agreement(store).intercoder
        if inter is not None:
            per_code = tuple(
                CodeAgreement(a.code, a.units, a.cohen_kappa, a.alpha, a.percent_agreement or 0.0, a.kappa_band or a.alpha_band)
                for a in inter.codes
            )
    final = state.final
    accepted = Counter(code for _p, code in {(d.passage_id, d.code_id) for d in state.decisions if d.status == "accepted"})
    decided = {(d.passage_id, d.code_id) for d in state.decisions}
    prisma = prisma_counts(store) if _screening(store) is not None else None
    return ReportFacts(
        project=project or Path(store.path).stem,
        generated_on=date.today(),
        reviewkit_version=__version__,
        sources=_sources(store),
        documents=store.documents.count(),
        dedupe=DedupeFacts(DEDUPE_RULE, automatic, manual, len(store.documents.distinct_pairs())),
        codebook=CodebookFacts(book.name, book.version, tuple(
            CodeFacts(c.id, c.label.get("en", ""), c.label.get("zh", ""), c.definition) for c in book.codes
        )),  # fmt: skip
        auto_coding=AutoCodingFacts(
            model=run.model if run else "", tagger_version=run.tagger_version if run else "",
            passages=run.passages if run else 0, suggestions=run.suggestions if run else 0,
            thresholds=thresholds, decisions_learnt=run.decisions if run else 0, validation=_validation(store),
        ),  # fmt: skip
        review=HumanReviewFacts(
            coders=coders, blind=was_blind(store), documents_reviewed=len(any_view.reviewed), documents_total=len(state.passages),
            passages_reviewed=len(done), passages_total=sum(len(p) for p in state.passages.values()),
            overlap_documents=len(overlap) if len(coders) >= 2 else 0, agreement=per_code,
            disagreements_resolved=sum(1 for d in state.decisions if d.coder == "consensus"),
            disagreements_unresolved=sum(1 for v in final.values() if v is None),
        ),  # fmt: skip
        trends=_trends(store, book, scope, source),
        screening=_screening(store),
        prisma=prisma if prisma is not None and not prisma.check() else None,
        unreviewed_suggestions=sum(1 for s in state.suggestions if (s.passage_id, s.code_id) not in decided),
        few_positives=tuple((c.id, accepted[c.id]) for c in book.leaves() if accepted[c.id] < FEW_POSITIVES),
        few_positives_below=FEW_POSITIVES,
    )


def write_report(
    store: Store,
    out: str | Path,
    *,
    force: bool = False,
    project: str | None = None,
    all_documents: bool = False,
    source: str | None = None,
) -> tuple[ReportFacts, list[Path]]:
    """Write the methods section to ``OUT.md`` (figures beside it) or a self-contained ``OUT.html``.

    Returns:
        (facts, every file written, the report first).

    Raises:
        ExportError: unknown suffix, a file exists without `force`, or PRISMA counts that do not add up.
        NotFoundError: no codebook.
    """
    import shutil
    import tempfile

    from reviewkit.exporters.base import check_writable
    from reviewkit.report.methods import write_methods

    path = Path(out)
    facts = report_facts(store, project=project, all_documents=all_documents, source=source)
    with tempfile.TemporaryDirectory(dir=path.parent if str(path.parent) else ".") as tmp:
        written = write_methods(facts, Path(tmp) / path.name)
        finals = [path.with_name(p.name) for p in written]
        for f in finals:
            check_writable(f, force)
        for src, dst in zip(written, finals, strict=True):
            shutil.move(str(src), dst)
    return facts, finals
