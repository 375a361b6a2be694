"""Provides `Embeddings`: the cache of text vectors per model."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from reviewkit.store.base import Part
from reviewkit.store.passages import chunks

Vector = npt.NDArray[np.float32]


class Embeddings(Part):
    """Vectors of passage and example texts, keyed by (model, text hash)."""

    def get(self, model: str, hashes: Sequence[str]) -> dict[str, Vector]:
        """Cached vectors of `model` for the given text hashes (missing ones are absent)."""
        out: dict[str, Vector] = {}
        for chunk in chunks(list(dict.fromkeys(hashes)), 900):
            cur = self.db.execute(
                f"SELECT text_hash, vector FROM embeddings WHERE model = ? AND text_hash IN ({','.join('?' * len(chunk))})",
                [model, *chunk],
            )
            for h, blob in cur:
                out[h] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put(self, model: str, vectors: dict[str, Vector]) -> None:
        """Store vectors of `model` keyed by text hash (float32 blobs)."""
        if not vectors:
            return
        with self.transaction():
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO embeddings (model, text_hash, dim, vector) VALUES (?, ?, ?, ?)",
                [(model, h, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes()) for h, v in vectors.items()],
            )

    def count(self, model: str | None = None) -> int:
        """Number of cached vectors (of one model, or all)."""
        if model is None:
            return int(self.db.execute("SELECT count(*) FROM embeddings").fetchone()[0])
        return int(self.db.execute("SELECT count(*) FROM embeddings WHERE model = ?", [model]).fetchone()[0])
