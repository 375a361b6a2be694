"""Provides the per-(passage, code) evidence features and the per-code models trained on codebook examples.

A `CodeModels` is fitted on a list of `Example`s (codebook examples, multi-label, plus uncoded
look-alikes) and turns passages into a feature tensor of shape (passages, codes, len(FEATURES)):

- ``lex``: number of distinct keywords of the code found (rule evidence, capped at 3, / 3);
- ``lexp``: when a keyword matched, the code's keyword precision on the training examples (how
  often an example with one of its keywords is an example of the code; smoothed), else 0;
- ``neg``: 1 when a negative keyword of the code was found;
- ``nn`` / ``top3``: highest / mean of the three highest cosine similarities of the passage
  embedding to the code's examples in the passage's language (all languages when it has none);
- ``margin``: ``nn`` minus the best ``nn`` of any other code (is this the nearest code?);
- ``def``: cosine similarity to the code's label + definition;
- ``clf``: decision value of a logistic regression per code on the embeddings;
- ``tf_nn`` / ``tf_clf`` / ``tf_margin``: the same on TF-IDF vectors of the passage's language
  (English: word uni/bigrams of normalised stems; Chinese: character 1-3-grams), which carry
  Chinese passages, where the bundled English model is weak.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from reviewkit.tagger.normalize import normalize_word
from reviewkit.tagger.rules import CodeHits

FEATURES = ("lex", "lexp", "neg", "nn", "top3", "margin", "def", "clf", "tf_nn", "tf_clf", "tf_margin")
"""Names of the feature columns, in order."""

F = {name: i for i, name in enumerate(FEATURES)}

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'-]*|[0-9]+")


@dataclass(frozen=True)
class Example:
    """A training passage taken from the codebook."""

    text: str
    lang: str
    codes: frozenset[str]
    """Codes the codebook gives it (empty for uncoded examples)."""
    weight: float = 1.0
    """Weight of the passage in the per-code classifiers and the keyword precision (a reviewer's
    decision on the project's own prose weighs more than an invented codebook example)."""


def english_analyzer(text: str) -> list[str]:
    """Normalised word unigrams and bigrams of an English text (the English TF-IDF analyzer)."""
    words = [normalize_word(w) for w in _WORD.findall(text)]
    words = [w for w in words if len(w) > 2]
    return words + [a + " " + b for a, b in zip(words, words[1:], strict=False)]


@dataclass
class _LangSpace:
    """TF-IDF space and per-code classifier of one language."""

    vectorizer: Any
    matrix: Any
    """TF-IDF rows of the examples of this language (sparse)."""
    rows: list[int]
    """Example indices of those rows."""
    weights: np.ndarray | None = None
    """(n_features, n_codes) coefficients of the per-code TF-IDF classifiers."""
    bias: np.ndarray | None = None


@dataclass
class CodeModels:
    """Everything fitted on the examples that the features need."""

    code_ids: list[str]
    examples: list[Example]
    ex_vecs: np.ndarray
    """(n_examples, dim) embeddings of the examples (may be empty for the rules method)."""
    def_vecs: np.ndarray
    """(n_codes, dim) embeddings of label + definition."""
    emb_w: np.ndarray
    emb_b: np.ndarray
    spaces: dict[str, _LangSpace] = field(default_factory=dict)
    members: list[np.ndarray] = field(default_factory=list)
    """Per code, the indices of its examples."""
    kw_precision: np.ndarray | None = None
    """Per code, smoothed share of training examples with its keywords that carry the code."""


def _fit_linear(
    x: Any, labels: np.ndarray, mask: np.ndarray, c: float, seed: int, weights: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """Fit one balanced logistic regression (rows weighted by `weights`); returns (coef, intercept).

    Degenerate data (one class only) -> zeros.
    """
    from sklearn.linear_model import LogisticRegression

    y = labels[mask]
    dim = x.shape[1]
    if y.sum() == 0 or y.sum() == len(y):
        return np.zeros(dim, dtype=np.float32), -3.0
    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=seed)
    clf.fit(x[mask], y, sample_weight=None if weights is None else weights[mask])
    return np.asarray(clf.coef_[0], dtype=np.float32), float(clf.intercept_[0])


def fit_models(
    code_ids: Sequence[str],
    examples: Sequence[Example],
    ex_vecs: np.ndarray,
    def_vecs: np.ndarray,
    exclude: np.ndarray,
    *,
    hits: Sequence[dict[str, CodeHits]] | None = None,
    c: float,
    seed: int,
    use_embeddings: bool,
    use_tfidf: bool,
) -> CodeModels:
    """Fit the per-code classifiers (embedding and TF-IDF) on `examples`.

    Args:
        code_ids: the leaf codes, in column order.
        examples: training passages.
        ex_vecs: their embeddings (rows aligned with `examples`; may be empty when not used).
        def_vecs: embeddings of the codes' definitions.
        exclude: bool (n_examples, n_codes): rows left out of a code's training (ambiguous negatives).
        hits: keyword evidence of the examples (for the keyword precision per code).
        c: inverse regularisation strength of the logistic regressions.
        seed: random seed.
        use_embeddings: fit the embedding classifiers.
        use_tfidf: fit the TF-IDF spaces.

    Returns:
        The fitted models.
    """
    n_codes = len(code_ids)
    labels = np.array([[cid in ex.codes for cid in code_ids] for ex in examples], dtype=int).reshape(
        len(examples), n_codes
    )
    members = [np.flatnonzero(labels[:, j]) for j in range(n_codes)]
    weights = np.array([ex.weight for ex in examples], dtype=np.float64)
    uniform = bool(np.all(weights == 1.0))
    dim = ex_vecs.shape[1] if ex_vecs.size else 0
    emb_w = np.zeros((dim, n_codes), dtype=np.float32)
    emb_b = np.full(n_codes, -3.0, dtype=np.float32)
    if use_embeddings and dim:
        for j in range(n_codes):
            emb_w[:, j], emb_b[j] = _fit_linear(
                ex_vecs, labels[:, j], ~exclude[:, j], c, seed, None if uniform else weights
            )
    spaces: dict[str, _LangSpace] = {}
    if use_tfidf:
        from sklearn.feature_extraction.text import TfidfVectorizer

        for lang in ("en", "zh"):
            rows = [i for i, ex in enumerate(examples) if ex.lang == lang]
            if len(rows) < 4:
                continue
            if lang == "zh":
                vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1)
            else:
                vec = TfidfVectorizer(analyzer=english_analyzer, sublinear_tf=True, min_df=1)
            matrix = vec.fit_transform([examples[i].text for i in rows])
            space = _LangSpace(vec, matrix, rows)
            w = np.zeros((matrix.shape[1], n_codes), dtype=np.float32)
            b = np.full(n_codes, -3.0, dtype=np.float32)
            sub_labels = labels[rows]
            sub_mask = ~exclude[rows]
            sub_w = None if uniform else weights[rows]
            for j in range(n_codes):
                w[:, j], b[j] = _fit_linear(matrix, sub_labels[:, j], sub_mask[:, j], c * 4, seed, sub_w)
            space.weights, space.bias = w, b
            spaces[lang] = space
    kw_precision = np.full(n_codes, 0.5, dtype=np.float32)
    if hits is not None:
        for j, cid in enumerate(code_ids):
            with_kw = np.array([bool(h.get(cid) and h[cid].terms) for h in hits], dtype=bool)
            kw_precision[j] = ((labels[with_kw, j] * weights[with_kw]).sum() + 1.0) / (
                weights[with_kw].sum() + 2.0
            )
    return CodeModels(
        list(code_ids), list(examples), ex_vecs, def_vecs, emb_w, emb_b, spaces, members, kw_precision
    )


def _max_by_code(
    sims: np.ndarray, members: list[np.ndarray], lang_ok: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per code: best similarity, mean of top 3, and the index of the best example.

    Args:
        sims: (n, n_examples) similarities.
        members: example indices per code.
        lang_ok: (n, n_examples) bool, True where the example may be used for that passage.
    """
    n = sims.shape[0]
    n_codes = len(members)
    best = np.zeros((n, n_codes), dtype=np.float32)
    top3 = np.zeros((n, n_codes), dtype=np.float32)
    arg = np.full((n, n_codes), -1, dtype=np.int64)
    for j, idx in enumerate(members):
        if idx.size == 0:
            continue
        sub = sims[:, idx]
        ok = lang_ok[:, idx]
        # Fall back to every example of the code for passages with no example in their language.
        none_ok = np.asarray(~ok.any(axis=1))
        ok = ok | none_ok[:, None]
        masked = np.where(ok, sub, -1.0)
        k = min(3, idx.size)
        part = -np.sort(-masked, axis=1)[:, :k]
        part = np.where(part <= -1.0, np.nan, part)
        best[:, j] = np.nan_to_num(part[:, 0], nan=0.0)
        with np.errstate(all="ignore"):
            top3[:, j] = np.nan_to_num(np.nanmean(part, axis=1), nan=0.0)
        arg[:, j] = idx[np.argmax(masked, axis=1)]
    return best, top3, arg


def _margin(best: np.ndarray) -> np.ndarray:
    if best.shape[1] < 2:
        return best.copy()
    order = np.sort(best, axis=1)
    second = order[:, -2][:, None]
    first = order[:, -1][:, None]
    other = np.where(best >= first, second, first)
    return best - other


def compute_features(
    models: CodeModels,
    texts: Sequence[str],
    langs: Sequence[str],
    vecs: np.ndarray,
    hits: Sequence[dict[str, CodeHits]],
) -> tuple[np.ndarray, np.ndarray]:
    """Feature tensor for passages.

    Args:
        models: fitted models.
        texts: passage texts.
        langs: passage languages ("en", "zh", ...).
        vecs: (n, dim) passage embeddings (may be empty when embeddings are not used).
        hits: keyword evidence per passage.

    Returns:
        (features of shape (n, n_codes, len(FEATURES)), nearest example index per (passage, code) or -1).
    """
    n, n_codes = len(texts), len(models.code_ids)
    out = np.zeros((n, n_codes, len(FEATURES)), dtype=np.float32)
    nearest = np.full((n, n_codes), -1, dtype=np.int64)
    for i, h in enumerate(hits):
        for j, cid in enumerate(models.code_ids):
            entry = h.get(cid)
            if entry is not None:
                out[i, j, F["lex"]] = min(entry.n_terms, 3) / 3.0
                if entry.terms and models.kw_precision is not None:
                    out[i, j, F["lexp"]] = models.kw_precision[j]
                out[i, j, F["neg"]] = 1.0 if entry.negatives else 0.0
    if n == 0:
        return out, nearest
    lang_arr = np.array([lang if lang in ("en", "zh") else "en" for lang in langs])
    if vecs.size and models.ex_vecs.size:
        sims = vecs @ models.ex_vecs.T
        ex_lang = np.array([ex.lang for ex in models.examples])
        lang_ok = lang_arr[:, None] == ex_lang[None, :]
        best, top3, arg = _max_by_code(sims, models.members, lang_ok)
        out[:, :, F["nn"]] = best
        out[:, :, F["top3"]] = top3
        out[:, :, F["margin"]] = _margin(best)
        nearest = arg
        if models.def_vecs.size:
            out[:, :, F["def"]] = vecs @ models.def_vecs.T
        out[:, :, F["clf"]] = vecs @ models.emb_w + models.emb_b
    for lang, space in models.spaces.items():
        rows = np.flatnonzero(lang_arr == lang)
        if rows.size == 0:
            continue
        mat = space.vectorizer.transform([texts[int(i)] for i in rows])
        sims = (mat @ space.matrix.T).toarray().astype(np.float32)
        members = [np.flatnonzero(np.isin(space.rows, m)) for m in models.members]
        best, _, arg = _max_by_code(sims, members, np.ones_like(sims, dtype=bool))
        out[rows, :, F["tf_nn"]] = best
        out[rows, :, F["tf_margin"]] = _margin(best)
        assert space.weights is not None and space.bias is not None
        out[rows, :, F["tf_clf"]] = np.asarray(mat @ space.weights) + space.bias
        if not (vecs.size and models.ex_vecs.size):
            rows_arr = np.asarray(space.rows)
            nearest[rows] = np.where(arg >= 0, rows_arr[np.clip(arg, 0, None)], -1)
    return out, nearest
