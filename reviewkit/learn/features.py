"""Provides the features the learner ranks on: TF-IDF fitted on the collection, optionally beside embeddings.

Every text is turned into one sparse row, the horizontal concatenation of

- word TF-IDF: lower-cased Latin-script words (2+ letters), unigrams and bigrams, sublinear tf;
- character TF-IDF on the CJK characters only (1–3-grams), so Chinese records, which have no
  spaces, get terms without a segmenter;
- optionally the sentence embeddings an ``encode(texts) -> ndarray`` callable returns (for example
  the bundled all-MiniLM-L6-v2, through the caller's cached embedder), scaled by ``embed_weight``.

Each block is L2-normalised on its own, so the blocks weigh alike whatever their vocabulary size.
The vectorisers are fitted on the texts of the whole collection (labelled or not), as ASReview does;
no label is used, so fitting them is not a leak.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

Encode = Callable[[Sequence[str]], np.ndarray]
"""A function from texts to an array of shape (len(texts), dim): the caller's (cached) embedder."""

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = r"(?u)\b[^\W\d_][^\W\d_]+\b"


def _cjk_only(text: str) -> str:
    """The CJK runs of `text`, separated by spaces (character n-grams never bridge two runs)."""
    return " ".join(_CJK.findall(text))


def _latin_only(text: str) -> str:
    return _CJK.sub(" ", text)


@dataclass
class Features:
    """The feature matrix of a collection and the fitted parts that map new texts into its space.

    Attributes:
        matrix: one L2-normalised row per text (CSR, float64).
        word: the fitted word TF-IDF vectoriser (None when no text has a Latin word).
        char: the fitted CJK character TF-IDF vectoriser (None when no text has a CJK character).
        encode: the embedding callable used, or None for TF-IDF only.
        embed_weight: the factor applied to the embedding block.
    """

    matrix: sparse.csr_matrix
    word: TfidfVectorizer | None
    char: TfidfVectorizer | None
    encode: Encode | None
    embed_weight: float

    @property
    def n(self) -> int:
        """Number of rows (texts)."""
        return int(self.matrix.shape[0])

    def vectorise(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Map texts that were not in the collection (a protocol, criteria) into the same space."""
        return _stack(texts, self.word, self.char, self.encode, self.embed_weight)


def _block(vec: TfidfVectorizer, texts: list[str]) -> sparse.csr_matrix:
    return sparse.csr_matrix(vec.transform(texts))


def _stack(
    texts: Sequence[str],
    word: TfidfVectorizer | None,
    char: TfidfVectorizer | None,
    encode: Encode | None,
    embed_weight: float,
) -> sparse.csr_matrix:
    """Transform texts with fitted vectorisers (and the encoder) into one L2-normalised-by-block row each."""
    blocks: list[Any] = []
    if word is not None:
        blocks.append(_block(word, [_latin_only(t) for t in texts]))
    if char is not None:
        blocks.append(_block(char, [_cjk_only(t) for t in texts]))
    if encode is not None and embed_weight > 0:
        emb = np.asarray(encode(list(texts)), dtype=np.float64)
        if emb.ndim != 2 or emb.shape[0] != len(texts):
            raise ValueError(f"encode returned shape {emb.shape} for {len(texts)} texts")
        blocks.append(sparse.csr_matrix(normalize(emb) * embed_weight))
    if not blocks:
        return sparse.csr_matrix((len(texts), 1))
    return sparse.csr_matrix(sparse.hstack(blocks, format="csr"))


def build_features(
    texts: Sequence[str],
    *,
    encode: Encode | None = None,
    embed_weight: float = 1.0,
    min_df: int = 1,
    max_df: float = 0.95,
) -> Features:
    """Fit the TF-IDF vectorisers on a collection and return its feature matrix.

    Args:
        texts: one text per record (title + abstract, both languages where present).
        encode: an embedding callable (with its own cache) to add sentence embeddings; None for
            TF-IDF only.
        embed_weight: scale of the (unit-length) embedding block against the unit-length TF-IDF
            blocks.
        min_df: drop terms in fewer records than this.
        max_df: drop terms in a larger share of the records than this (boilerplate).

    Returns:
        The `Features` of the collection, rows in the order of `texts`.
    """
    texts = [t or "" for t in texts]
    big = len(texts) >= 20
    word: TfidfVectorizer | None = None
    char: TfidfVectorizer | None = None
    if any(re.search(_WORD, _latin_only(t)) for t in texts):
        word = TfidfVectorizer(
            lowercase=True,
            token_pattern=_WORD,
            ngram_range=(1, 2),
            min_df=min_df,
            max_df=max_df if big else 1.0,
            sublinear_tf=True,
            stop_words="english",
            dtype=np.float64,
        )
    if any(_CJK.search(t) for t in texts):
        char = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(1, 3),
            min_df=min_df,
            max_df=max_df if big else 1.0,
            sublinear_tf=True,
            dtype=np.float64,
        )
    # Fit each vectoriser alone first: one whose every term is a stop word or too common is dropped.
    if word is not None and not _fits(word, [_latin_only(t) for t in texts]):
        word = None
    if char is not None and not _fits(char, [_cjk_only(t) for t in texts]):
        char = None
    matrix = _stack(texts, word, char, encode, embed_weight)
    return Features(matrix, word, char, encode, embed_weight)


def _fits(vec: TfidfVectorizer, texts: list[str]) -> bool:
    try:
        vec.fit(texts)
    except ValueError:  # "empty vocabulary" or "max_df corresponds to < documents than min_df"
        return False
    return True
