"""Provides `one_blas_thread`: run numpy/scipy linear algebra on one thread while the tagger trains.

The tagger's models are many small logistic regressions (per code, on embeddings and on TF-IDF
vectors). With OpenBLAS's default of one thread per core, every small matrix product wakes the
other threads; on a machine whose cores are busy (other processes, the review app's UI thread)
they wait on each other, and training took 10-25x longer than on one thread (1,000-decision
retrain: 30 s CPU, 47 s wall at load 7; one thread: 1.7 s CPU, 4.7 s wall). One thread is never
slower for problems this small. Only BLAS is limited: the sentence-transformers model (torch)
keeps its own threads.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any


def one_blas_thread() -> AbstractContextManager[Any]:
    """A context in which numpy/scipy BLAS calls use one thread (threadpoolctl; restored on exit)."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    limits: AbstractContextManager[Any] = threadpool_limits(limits=1, user_api="blas")
    return limits
