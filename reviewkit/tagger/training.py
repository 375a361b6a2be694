"""Provides training of the combiner from the codebook alone: examples, out-of-fold features, calibration, thresholds.

How the score and the thresholds are set (no human-coded evaluation data is used):

1. Every example of every leaf code, and every uncoded example, becomes a training passage;
   identical texts listed under several codes are one multi-label passage. An example of another
   code that contains a (non-vetoed) keyword of code C is *ambiguous* for C (is a Wenzhou example of
   product upgrading also about China? list it under both codes to say so): it is left out of C's
   classifier and of C's threshold, but the combiner sees it as a negative, which is how it learns
   how far a keyword hit of each code can be trusted (together with the ``lexp`` feature).
2. The examples are split into `folds` folds. For each fold, the per-code classifiers and the
   nearest-example tables are fitted on the other folds and the held-out fold's features are
   computed, so every example has out-of-fold features, as an unseen passage would.
3. A logistic regression per language (the *combiner*) maps a passage's features for a code to a
   probability — the calibrated score in [0, 1]; it is shared by all codes.
4. A second, lexical-only logistic regression per language (keyword count, keyword precision,
   negative keyword) is fitted on the same rows; the score is the larger of the two. Real
   abstracts are longer, more abstract and more hedged than codebook examples, so their
   embedding and TF-IDF similarities are low even where a precise keyword names the code; the
   full combiner then drowns the keyword, while the lexical back-off keeps its evidence (a
   "GVC participation" sentence is scored by how often a GVC keyword means the code). English only
   (see `LEXICAL_FEATURES`).
5. Each code's threshold maximises F1 of the out-of-fold scores of that code, shrunk halfway
   towards the threshold that maximises F1 over all codes together (few examples per code make the
   per-code optimum noisy), and clipped to [0.2, 0.8]. ``threshold:`` in the codebook overrides it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from reviewkit.codebook.model import Codebook
from reviewkit.lang import detect_language
from reviewkit.tagger.calibration import calibrate
from reviewkit.tagger.features import CodeModels, Example, F, compute_features, fit_models
from reviewkit.tagger.rules import CodeHits, KeywordMatcher

STACK_FEATURES: dict[str, dict[str, tuple[str, ...]]] = {
    "hybrid": {
        "en": ("lex", "lexp", "neg", "nn", "top3", "margin", "def", "clf", "tf_nn", "tf_clf"),
        "zh": ("lex", "lexp", "neg", "nn", "clf", "tf_nn", "tf_clf", "tf_margin"),
    },
    "embeddings": {
        "en": ("nn", "top3", "margin", "def", "clf"),
        "zh": ("nn", "top3", "margin", "def", "clf"),
    },
}
"""Which features the combiner of each method uses, per passage language."""


def codebook_examples(codebook: Codebook) -> list[Example]:
    """The codebook's examples as multi-label training passages (uncoded examples carry no code).

    Args:
        codebook: the codebook.

    Returns:
        One `Example` per distinct text, in codebook order.
    """
    leaves = {c.id for c in codebook.leaves()}
    by_text: dict[str, tuple[str, set[str]]] = {}
    for code in codebook.leaves():
        for lang, texts in code.examples.items():
            for text in texts:
                t = str(text).strip()
                if t:
                    entry = by_text.setdefault(t, (detect_language(t) or lang, set()))
                    entry[1].add(code.id)
    for lang, texts in codebook.uncoded_examples.items():
        for text in texts:
            t = str(text).strip()
            if t:
                by_text.setdefault(t, (detect_language(t) or lang, set()))
    return [Example(t, lang, frozenset(c & leaves)) for t, (lang, c) in by_text.items()]


def definition_text(codebook: Codebook, code_id: str) -> str:
    """Label and definition of a code, the text embedded as its definition vector."""
    code = codebook.get(code_id)
    return f"{code.label_for('en')}: {code.definition}".strip()


LEXICAL_FEATURES: dict[str, tuple[str, ...]] = {"en": ("lex", "lexp", "neg")}
"""Features of the lexical back-off combiner, per language. English only: Chinese keywords are found
as substrings (升级 inside longer words), looser evidence that the Chinese combiner, led by its
character n-gram features, already weighs (the back-off lowered Chinese F1 on real abstracts)."""


@dataclass
class Combiner:
    """The fitted combiner: per-language logistic regressions over named features.

    When `backoff` is set, the score is the larger of this combiner's and the back-off's.
    """

    features: dict[str, tuple[str, ...]]
    coef: dict[str, np.ndarray]
    intercept: dict[str, float]
    backoff: Combiner | None = None

    def score(self, feats: np.ndarray, langs: Sequence[str]) -> np.ndarray:
        """Calibrated scores (n, n_codes) from a feature tensor (n, n_codes, n_features)."""
        out = np.zeros(feats.shape[:2], dtype=np.float32)
        for lang in ("en", "zh"):
            rows = np.array([(x if x in ("en", "zh") else "en") == lang for x in langs], dtype=bool)
            if not rows.any() or lang not in self.features:
                continue
            cols = [F[name] for name in self.features[lang]]
            z = feats[rows][:, :, cols] @ self.coef[lang] + self.intercept[lang]
            out[rows] = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        if self.backoff is not None:
            out = np.maximum(out, self.backoff.score(feats, langs))
        return out


@dataclass
class OutOfFold:
    """The codebook examples' out-of-fold features, kept so that learning from decisions can refit."""

    feats: np.ndarray
    """(n_examples, n_codes, n_features)."""
    labels: np.ndarray
    mask: np.ndarray
    """True where an example is ambiguous for a code (left out of its threshold)."""
    langs: list[str]


@dataclass
class Fitted:
    """What `fit_combiner` returns."""

    models: CodeModels
    combiner: Combiner
    thresholds: dict[str, float]
    oof_f1: dict[str, float]
    oof: OutOfFold
    examples: list[Example]
    ex_vecs: np.ndarray
    def_vecs: np.ndarray
    hits: list[dict[str, CodeHits]]


def ambiguity_mask(
    code_ids: Sequence[str], examples: Sequence[Example], hits: Sequence[dict[str, CodeHits]]
) -> np.ndarray:
    """(n_examples, n_codes) True where an example is not labelled with a code but has its keywords."""
    mask = np.zeros((len(examples), len(code_ids)), dtype=bool)
    for i, (ex, h) in enumerate(zip(examples, hits, strict=True)):
        for j, cid in enumerate(code_ids):
            entry = h.get(cid)
            if cid not in ex.codes and entry is not None and entry.terms:
                mask[i, j] = True
    return mask


def _fit_combiner(
    feats: np.ndarray,
    labels: np.ndarray,
    mask: np.ndarray,
    langs: Sequence[str],
    features: dict[str, tuple[str, ...]],
    seed: int,
    weights: np.ndarray | None = None,
) -> Combiner:
    """Per-language logistic regressions; `weights` (n_rows,) weigh the training rows (default 1)."""
    from sklearn.linear_model import LogisticRegression

    coef: dict[str, np.ndarray] = {}
    intercept: dict[str, float] = {}
    lang_arr = np.array([x if x in ("en", "zh") else "en" for x in langs])
    for lang in ("en", "zh"):
        if lang not in features:
            continue
        cols = [F[name] for name in features[lang]]
        rows = lang_arr == lang
        if rows.sum() < 4:  # too few examples in this language: borrow the other language's rows
            rows = np.ones_like(rows)
        x = feats[rows][:, :, cols].reshape(-1, len(cols))
        y = labels[rows].reshape(-1)
        w = (
            np.ones(labels.shape, dtype=np.float32)
            if weights is None
            else np.repeat(weights[:, None], labels.shape[1], axis=1)
        )[rows].reshape(-1)
        keep = ~mask[rows].reshape(-1)
        x, y, w = x[keep], y[keep], w[keep]
        if y.sum() == 0 or y.sum() == len(y):
            coef[lang] = np.zeros(len(cols), dtype=np.float32)
            intercept[lang] = -3.0
            continue
        clf = LogisticRegression(C=1.0, max_iter=2000, random_state=seed)
        clf.fit(x, y, sample_weight=w)
        coef[lang] = np.asarray(clf.coef_[0], dtype=np.float32)
        intercept[lang] = float(clf.intercept_[0])
    return Combiner(features, coef, intercept)


def fit_stack(
    feats: np.ndarray,
    labels: np.ndarray,
    mask: np.ndarray,
    langs: Sequence[str],
    method: str,
    seed: int,
    weights: np.ndarray | None = None,
) -> Combiner:
    """The method's combiner with its lexical back-off (hybrid only), fitted on out-of-fold features.

    Args:
        feats: (n, n_codes, n_features) out-of-fold features.
        labels: (n, n_codes) 0/1.
        mask: (n, n_codes) rows left out of the fit.
        langs: row languages.
        method: "hybrid" or "embeddings".
        seed: random seed.
        weights: optional per-row weights.

    Returns:
        The combiner.
    """
    combiner = _fit_combiner(feats, labels, mask, langs, STACK_FEATURES[method], seed, weights)
    if method == "hybrid":
        combiner.backoff = _fit_combiner(feats, labels, mask, langs, LEXICAL_FEATURES, seed, weights)
    return combiner


def fit_combiner(
    codebook: Codebook,
    method: str,
    matcher: KeywordMatcher,
    encode: Callable[[list[str]], np.ndarray] | None,
    *,
    folds: int,
    c: float,
    seed: int,
    progress: Callable[[int, int, str], None] | None = None,
) -> Fitted:
    """Train the per-code models and the combiner on the codebook's examples; set the thresholds.

    Args:
        codebook: the codebook (its leaves are the codes).
        method: "hybrid" or "embeddings".
        matcher: keyword matcher of the leaves.
        encode: texts -> normalised embeddings.
        folds: number of cross-validation folds.
        c: regularisation of the per-code classifiers.
        seed: random seed of the fold split.
        progress: callback (done, total, "training"): one step for the embeddings, one per fold, one
            for the final models.

    Returns:
        The models fitted on all examples, the combiner, the calibrated threshold and out-of-fold F1 per
        code, and the out-of-fold features (for learning from decisions later).
    """
    code_ids = [code.id for code in codebook.leaves()]
    examples = codebook_examples(codebook)
    n_folds = max(2, folds)
    total = n_folds + 2

    def tick(done: int) -> None:
        if progress is not None:
            progress(done, total, "training")

    tick(0)
    use_tfidf = method == "hybrid"
    use_emb = encode is not None
    texts = [ex.text for ex in examples]
    ex_vecs = encode(texts) if encode is not None and texts else np.zeros((len(texts), 0), dtype=np.float32)
    def_vecs = (
        encode([definition_text(codebook, cid) for cid in code_ids])
        if encode is not None
        else np.zeros((0, 0), dtype=np.float32)
    )
    tick(1)
    hits = matcher.match_many(texts)
    mask = ambiguity_mask(code_ids, examples, hits)
    labels = np.array([[cid in ex.codes for cid in code_ids] for ex in examples], dtype=int).reshape(
        len(examples), len(code_ids)
    )
    langs = [ex.lang for ex in examples]
    oof = np.zeros((len(examples), len(code_ids), len(F)), dtype=np.float32)
    rng = np.random.default_rng(seed)
    fold_of = rng.permutation(len(examples)) % n_folds
    for k in range(n_folds):
        test = np.flatnonzero(fold_of == k)
        train = np.flatnonzero(fold_of != k)
        if test.size and train.size:
            sub = fit_models(
                code_ids,
                [examples[i] for i in train],
                ex_vecs[train],
                def_vecs,
                mask[train],
                hits=[hits[i] for i in train],
                c=c,
                seed=seed,
                use_embeddings=use_emb,
                use_tfidf=use_tfidf,
            )
            feats, _ = compute_features(
                sub,
                [texts[i] for i in test],
                [langs[i] for i in test],
                ex_vecs[test],
                [hits[i] for i in test],
            )
            oof[test] = feats
        tick(2 + k)
    combiner = fit_stack(oof, labels, np.zeros_like(mask), langs, method, seed)
    thresholds, oof_f1 = calibrate(combiner.score(oof, langs), labels, ~mask, code_ids)
    models = fit_models(
        code_ids,
        examples,
        ex_vecs,
        def_vecs,
        mask,
        hits=hits,
        c=c,
        seed=seed,
        use_embeddings=use_emb,
        use_tfidf=use_tfidf,
    )
    tick(total)
    return Fitted(
        models,
        combiner,
        thresholds,
        oof_f1,
        OutOfFold(oof, labels, mask, langs),
        examples,
        ex_vecs,
        def_vecs,
        hits,
    )
