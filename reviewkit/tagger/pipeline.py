"""Provides `Tagger`: keyword evidence + nearest examples + per-code classifiers -> one calibrated score per code.

The tagger is pure (it never touches the store): it is fitted on a codebook, then scores batches of
passage texts whose embeddings the caller supplies (so the project layer can cache them).

Methods:
    ``rules``: keyword evidence only; a code is suggested when one of its keywords matches (and no
    overlapping negative keyword vetoes it). Score 0.5 for one keyword, rising with more.
    ``embeddings``: nearest-example similarity, definition similarity and a per-code classifier on
    the embeddings, combined and calibrated (see `reviewkit.tagger.training`).
    ``hybrid`` (default): everything above plus TF-IDF evidence (character n-grams for Chinese),
    with a lexical back-off (see `reviewkit.tagger.training`).

Document context: when the caller says which passages belong to one document (``groups``, passages
in reading order, the title among them), a passage's score for a code is raised by
``CONTEXT_WEIGHT`` times the gap up to the best score of that code elsewhere in its document, but
only when its own score already reaches ``CONTEXT_GATE`` of the code's threshold: context raises
evidence ("this model", a title naming global value chains) and never overrides the passage's own
words. The evidence names the passages that contributed (`Evidence.context`, ``parts["context"]``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Hashable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from reviewkit.codebook.model import Codebook
from reviewkit.errors import ReviewkitError
from reviewkit.records import Evidence
from reviewkit.tagger.blas import one_blas_thread
from reviewkit.tagger.features import FEATURES, F, compute_features
from reviewkit.tagger.rules import CodeHits, KeywordMatcher
from reviewkit.tagger.training import Fitted, fit_combiner

TAGGER_VERSION = "reviewkit.tagger.v2.0"
"""Bumped whenever scores change for the same codebook and model (so `reviewkit code` redoes them)."""
"""Version of the scoring method; part of every fingerprint (bump it when scores change)."""

METHODS = ("rules", "embeddings", "hybrid")

CONTEXT_WEIGHT = 0.35
"""Share of the gap to the best score of the code elsewhere in the document that context adds."""
CONTEXT_GATE = 0.3
"""Context counts only when the passage's own score reaches this share of the code's threshold."""
ENCODE_CHUNK = 256
"""Passages encoded between two progress reports when `Tagger.score` encodes them itself."""

Encoder = Callable[[list[str]], np.ndarray]
Progress = Callable[[int, int, str], None]
"""Progress callback: (done, total, label)."""


@dataclass(frozen=True)
class TaggerConfig:
    """Settings of a tagger run (recorded in `tag_runs` and part of every code's fingerprint)."""

    method: str = "hybrid"
    """rules, embeddings or hybrid."""
    model: str = ""
    """Embedding model identity ("" for the rules method)."""
    folds: int = 5
    """Cross-validation folds used to calibrate the combiner and set thresholds."""
    c: float = 2.0
    """Inverse regularisation of the per-code classifiers."""
    seed: int = 0
    matcher: str = "reviewkit.keywords.v1"

    def as_dict(self) -> dict[str, Any]:
        """The config as a JSON-able dict, with the tagger version."""
        return {"tagger_version": TAGGER_VERSION, **asdict(self)}

    def fingerprint(self) -> str:
        """SHA-1 of the config (and the tagger version)."""
        return hashlib.sha1(json.dumps(self.as_dict(), sort_keys=True).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CodeScore:
    """The tagger's verdict for one (passage, code)."""

    code_id: str
    score: float
    threshold: float
    evidence: Evidence = field(default_factory=Evidence)

    @property
    def suggested(self) -> bool:
        """True when the score reaches the code's threshold."""
        return self.score >= self.threshold


def method_label(method: str) -> str:
    """The `suggestions.method` value for a tagger method (lexical, semantic or hybrid)."""
    return {"rules": "lexical", "embeddings": "semantic"}.get(method, method)


class Tagger:
    """Scores passages against the leaf codes of a codebook.

    Args:
        codebook: the codebook.
        config: method and parameters.
        encode: texts -> L2-normalised float32 embeddings (needed unless method is "rules").

    Raises:
        ReviewkitError: unknown method, or no encoder for a method that needs one.
    """

    def __init__(self, codebook: Codebook, config: TaggerConfig, encode: Encoder | None) -> None:
        if config.method not in METHODS:
            raise ReviewkitError(f"Unknown tagger method {config.method!r}. Available: {', '.join(METHODS)}")
        if config.method != "rules" and encode is None:
            raise ReviewkitError(f"The {config.method} method needs an embedding model.")
        self.codebook = codebook
        self.config = config
        self.encode = encode
        self.codes = codebook.leaves()
        self.code_ids = [c.id for c in self.codes]
        self.matcher = KeywordMatcher(self.codes)
        self.models: Any = None
        self.combiner: Any = None
        self.thresholds: dict[str, float] = {cid: 0.5 for cid in self.code_ids}
        self.calibrated: dict[str, float] = dict(self.thresholds)
        self.oof_f1: dict[str, float] = {}
        self.fitted: Fitted | None = None
        """Everything training produced (out-of-fold features included); None for rules."""
        self.decisions = 0
        """Reviewer decisions this tagger learnt from (see `reviewkit.tagger.learn`)."""
        self._fitted = config.method == "rules"
        self._apply_overrides()

    def _apply_overrides(self) -> None:
        for code in self.codes:
            if code.threshold is not None:
                self.thresholds[code.id] = float(code.threshold)

    @property
    def needs_embeddings(self) -> bool:
        """True when scoring needs passage embeddings."""
        return self.config.method != "rules"

    def fit(self, progress: Progress | None = None) -> Tagger:
        """Train the per-code models and calibrate thresholds on the codebook's own examples.

        Args:
            progress: callback (done, total, "training"), called as each fold is trained.
        """
        if self._fitted:
            return self
        with one_blas_thread():  # many small fits: BLAS threads only slow them down (tagger/blas.py)
            fitted = fit_combiner(
                self.codebook,
                self.config.method,
                self.matcher,
                self.encode,
                folds=self.config.folds,
                c=self.config.c,
                seed=self.config.seed,
                progress=progress,
            )
        self.install(fitted, fitted.models, fitted.combiner, fitted.thresholds)
        self.oof_f1 = fitted.oof_f1
        return self

    def install(self, fitted: Fitted, models: Any, combiner: Any, thresholds: dict[str, float]) -> None:
        """Use these trained models, combiner and calibrated thresholds (codebook overrides still win)."""
        self.fitted, self.models, self.combiner = fitted, models, combiner
        self.calibrated = dict(thresholds)
        self.thresholds = dict(thresholds)
        self._apply_overrides()
        self._fitted = True

    def score(
        self,
        texts: Sequence[str],
        langs: Sequence[str],
        vectors: np.ndarray | None = None,
        codes: Sequence[str] | None = None,
        below: float | None = None,
        groups: Sequence[Hashable] | None = None,
        progress: Progress | None = None,
    ) -> list[list[CodeScore]]:
        """Score passages against the codes.

        Args:
            texts: passage texts.
            langs: their languages.
            vectors: their embeddings (encoded with `encode` when None and needed).
            codes: restrict to these code ids (default: all leaves).
            below: when given, leave out codes scoring under ``threshold - below`` (saves building
                their evidence; the project layer stores only near misses and suggestions).
            groups: the document of each passage (any hashable id); passages of one document, in
                reading order and with its title, give each other context. None: no context.
            progress: callback (done, total, "coding") as the passages are encoded and scored.

        Returns:
            Per passage, one `CodeScore` per code (in `codes` order), with evidence.
        """
        self.fit()
        wanted = list(codes) if codes is not None else list(self.code_ids)
        cols = [self.code_ids.index(c) for c in wanted]
        hits = self.matcher.match_many(texts)
        if self.config.method == "rules":
            rows = [[self._rule_score(cid, h.get(cid)) for cid in wanted] for h in hits]
            if below is None:
                return rows
            return [[cs for cs in row if cs.score >= cs.threshold - below] for row in rows]
        if vectors is None:
            vectors = self._encode_chunked(list(texts), progress)
        feats, nearest = compute_features(self.models, texts, langs, vectors, hits)
        scores = self.combiner.score(feats, langs)
        added, sources = (
            self.context_boost(scores, groups)
            if groups is not None
            else (np.zeros_like(scores), np.full(scores.shape, -1, dtype=np.int64))
        )
        final = scores + added
        out: list[list[CodeScore]] = []
        label = method_label(self.config.method)
        for i in range(len(texts)):
            row: list[CodeScore] = []
            for cid, j in zip(wanted, cols, strict=True):
                if below is not None and final[i, j] < self.thresholds[cid] - below:
                    continue
                ctx = (texts[int(sources[i, j])],) if added[i, j] > 0 else ()
                row.append(
                    self._make_score(
                        cid,
                        float(final[i, j]),
                        feats[i, j],
                        int(nearest[i, j]),
                        hits[i].get(cid),
                        label,
                        ctx,
                        float(added[i, j]),
                    )
                )
            out.append(row)
        if progress is not None:
            progress(len(texts), len(texts), "coding")
        return out

    def _encode_chunked(self, texts: list[str], progress: Progress | None) -> np.ndarray:
        assert self.encode is not None
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        parts = []
        for start in range(0, len(texts), ENCODE_CHUNK):
            parts.append(self.encode(texts[start : start + ENCODE_CHUNK]))
            if progress is not None:
                # Encoding is most of the time; the last step (scoring) is reported by the caller.
                progress(min(start + ENCODE_CHUNK, len(texts)) - 1, len(texts), "coding")
        return np.concatenate(parts, axis=0)

    def context_boost(self, scores: np.ndarray, groups: Sequence[Hashable]) -> tuple[np.ndarray, np.ndarray]:
        """What document context adds to each (passage, code) score, and which passage gave it.

        Args:
            scores: (n, n_codes) own scores, all codes in `code_ids` order.
            groups: the document of each passage.

        Returns:
            (added score, index of the contributing passage or -1), both (n, n_codes).
        """
        thr = np.array([self.thresholds[c] for c in self.code_ids], dtype=np.float32)
        added = np.zeros_like(scores)
        source = np.full(scores.shape, -1, dtype=np.int64)
        members: dict[Hashable, list[int]] = {}
        for i, g in enumerate(groups):
            members.setdefault(g, []).append(i)
        for idx in members.values():
            if len(idx) < 2:
                continue
            sub = scores[idx]
            for pos, i in enumerate(idx):
                others = np.delete(np.arange(len(idx)), pos)
                best = sub[others].max(axis=0)
                arg = np.asarray(idx)[others[sub[others].argmax(axis=0)]]
                gap = np.clip(best - sub[pos], 0.0, None)
                gate = sub[pos] >= CONTEXT_GATE * thr
                added[i] = np.where(gate, CONTEXT_WEIGHT * gap, 0.0)
                source[i] = np.where(added[i] > 0, arg, -1)
        return added, source

    def _rule_score(self, code_id: str, entry: CodeHits | None) -> CodeScore:
        n = entry.n_terms if entry else 0
        score = 0.0 if n == 0 else min(1.0, 0.5 + 0.25 * (n - 1))
        ev = Evidence(
            terms=tuple(entry.terms) if entry else (),
            negatives=tuple(t for t, _, _ in entry.negatives) if entry else (),
            parts={"lexical": round(score, 4)},
        )
        return CodeScore(code_id, round(score, 4), self.thresholds[code_id], ev)

    def _make_score(
        self,
        code_id: str,
        score: float,
        feats: np.ndarray,
        nearest: int,
        entry: CodeHits | None,
        label: str,
        context: tuple[str, ...] = (),
        added: float = 0.0,
    ) -> CodeScore:
        example = self.models.examples[nearest].text if nearest >= 0 else ""
        sim = float(feats[F["nn"]]) if feats[F["nn"]] else float(feats[F["tf_nn"]])
        parts = {name: round(float(feats[F[name]]), 4) for name in FEATURES if feats[F[name]]}
        parts[label] = round(score, 4)
        if added > 0:
            parts["context"] = round(added, 4)
        ev = Evidence(
            terms=tuple(entry.terms) if entry else (),
            negatives=tuple(t for t, _, _ in entry.negatives) if entry else (),
            nearest_example=example,
            similarity=round(sim, 4),
            parts=parts,
            context=context,
        )
        return CodeScore(code_id, round(score, 4), self.thresholds[code_id], ev)


def evidence_to_dict(ev: Evidence) -> dict[str, Any]:
    """Evidence as a JSON-able dict (terms as [term, start, end] lists, offsets into the passage)."""
    return {
        "terms": [[t, s, e] for t, s, e in ev.terms],
        "negatives": list(ev.negatives),
        "nearest_example": ev.nearest_example,
        "similarity": ev.similarity,
        "parts": dict(ev.parts),
        "context": list(ev.context),
    }
