"""Provides `RayEngine`: ``reviewkit code --engine ray``, the same tagger on a Ray cluster through Ray Data.

How a run flows (the driver is the process running ``reviewkit code``; it alone opens the project):

1. The driver fits the tagger as the local engine does, then puts its trained state (per-code
   models, combiner, thresholds; no encoder, no training data) in the object store once
   (``ray.put``).
2. A Ray Data pipeline maps one "slot" per unit of work through ``map_batches`` with an actor pool
   (``ActorPoolStrategy(size=workers)``). Each actor loads the sentence-transformers model and the
   trained state once, in its constructor.
3. The driver reads the passages page by page and cuts them into units of `docs_per_unit` whole
   documents. It sends a unit (passages, the codes each document needs, the embeddings the project
   already caches for them) only when fewer than ``2 * workers`` are in flight, through a
   `ray.util.queue.Queue`; an actor's slot call takes the next unit from that queue, scores it with
   `reviewkit.project.engines.score_page` (the local engine's function) and returns its rows and
   the embeddings it computed.
4. The driver writes each unit's suggestions and new embeddings as it returns, one transaction per
   unit: one writer, resumable and idempotent exactly as the local engine (`run_tagger`).

Ray is imported only here, inside functions; ``import reviewkit.cli`` never loads it.
"""

from __future__ import annotations

import itertools
import logging
import os
import pickle
import socket
import time
import warnings
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from reviewkit.errors import MissingExtraError, ReviewkitError
from reviewkit.project.engines import Page, PageProgress, ScoredPage, score_page
from reviewkit.store.passages import text_hash

if TYPE_CHECKING:
    from reviewkit.store import Store
    from reviewkit.tagger.embed import Embedder
    from reviewkit.tagger.pipeline import Tagger

INSTALL_HINT = 'pip install -e ".[ray]"'
"""How to install the ``ray`` extra from a checkout (``pip install "reviewkit[ray]"`` from PyPI)."""

_DROPPED = ("encode", "matcher", "fitted")
"""Tagger attributes not shipped to the actors: the driver's cached encoder, the spaCy matcher (rebuilt
from the codebook) and the training data."""


def require_ray(address: str | None = None) -> Any:
    """Import ray and Ray Data, and check the address.

    Args:
        address: the address the run will connect to.

    Returns:
        The ``ray`` module.

    Raises:
        MissingExtraError: ray is not installed (the message says ``pip install -e ".[ray]"``).
        ReviewkitError: a Ray Client address (``ray://``), which Ray Data cannot run through.
    """
    if address and address.startswith("ray://"):
        raise ReviewkitError(
            f"--address {address}: Ray Data does not run through Ray Client (ray://) in Ray 2.60. Run "
            "reviewkit code on the cluster's head node with --address auto (docs/scaling.md)."
        )
    try:
        import ray
        import ray.data  # noqa: F401  (the extra is ray[data])
    except ImportError as exc:
        err = MissingExtraError("ray", "ray[data]")
        err.args = (
            f"--engine ray needs the ray extra: {INSTALL_HINT}  (from PyPI: pip install 'reviewkit[ray]')",
        )
        raise err from exc
    return ray


def tagger_state(tagger: Tagger) -> dict[str, Any]:
    """The fitted tagger's state that scoring needs, for the object store (no encoder, matcher or training data)."""
    tagger.fit()
    return {k: (None if k in _DROPPED else v) for k, v in vars(tagger).items()}


def rebuild_tagger(state: dict[str, Any], encode: Any) -> Tagger:
    """A scoring tagger from `tagger_state` output, encoding with `encode` (the matcher is rebuilt)."""
    from reviewkit.tagger.pipeline import Tagger
    from reviewkit.tagger.rules import KeywordMatcher

    tagger = Tagger.__new__(Tagger)
    tagger.__dict__.update(state)
    tagger.encode = encode
    tagger.matcher = KeywordMatcher(tagger.codes)
    return tagger


class UnitEncoder:
    """Embeds a unit's texts: vectors the driver sent are reused, the others are encoded and kept as new.

    Mirrors the local `CachedEncoder` (same deduplication, same model batches), minus the store.

    Args:
        embedder: the model.
        batch_size: model batch size.
    """

    def __init__(self, embedder: Embedder, batch_size: int) -> None:
        self.embedder = embedder
        self.batch_size = batch_size
        self.known: dict[str, np.ndarray] = {}
        self.new: dict[str, np.ndarray] = {}

    def __call__(self, texts: list[str]) -> np.ndarray:
        """Vectors of `texts` (rows aligned)."""
        if not texts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        hashes = [text_hash(t) for t in texts]
        found = {h: self.known[h] for h in hashes if h in self.known}
        todo = {h: t for h, t in zip(hashes, texts, strict=True) if h not in found}
        if todo:
            vecs = self.embedder.encode(list(todo.values()), batch_size=self.batch_size)
            new = dict(zip(todo.keys(), vecs, strict=True))
            self.new.update(new)
            self.known.update(new)
            found.update(new)
        return np.stack([found[h] for h in hashes]).astype(np.float32, copy=False)


class UnitScorer:
    """The Ray Data actor: loads the model and the trained tagger once, then scores units from the queue.

    Args:
        state: ``[ObjectRef]`` of `tagger_state` (wrapped in a list so Ray hands the reference over).
        model: embedding model name or folder (None: the bundled model, installed on every node).
        batch_size: model batch size.
        queue: the `ray.util.queue.Queue` the driver sends units through.
        version: the driver's tagger version (a worker with other code would score differently).
    """

    def __init__(
        self, state: list[Any], model: str | None, batch_size: int, queue: Any, version: str
    ) -> None:
        import ray

        from reviewkit.project.encoding import make_embedder
        from reviewkit.tagger.pipeline import TAGGER_VERSION

        if version != TAGGER_VERSION:
            raise ReviewkitError(
                f"This Ray worker runs tagger {TAGGER_VERSION}, the driver {version}: install the same "
                "reviewkit version on every node."
            )
        tagger_state = ray.get(state[0])
        self.encoder = (
            UnitEncoder(make_embedder(model), batch_size)
            if tagger_state["config"].method != "rules"
            else None
        )
        self.tagger = rebuild_tagger(tagger_state, self.encoder)
        self.queue = queue
        self.actor = f"{socket.gethostname()}:{os.getpid()}"
        self.startup_cpu = time.process_time()
        """CPU time of this process until it was ready (imports, model, trained models)."""

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list[bytes]]:
        """One slot: take the next unit from the queue and score it (an empty result for a spare slot)."""
        out: list[bytes] = []
        for _ in range(len(batch["slot"])):
            payload = self.queue.get(block=True)
            if payload is None:
                out.append(b"")
                continue
            wall, cpu = time.perf_counter(), time.process_time()
            unit_id, page, below, vectors = pickle.loads(payload)
            new: dict[str, np.ndarray] = {}
            if self.encoder is not None:
                self.encoder.known, self.encoder.new = dict(vectors), new
            rows = score_page(self.tagger, page, below)
            busy = (time.perf_counter() - wall, time.process_time() - cpu, self.actor, self.startup_cpu)
            out.append(
                pickle.dumps((unit_id, rows, new, len(vectors), busy), protocol=pickle.HIGHEST_PROTOCOL)
            )
        return {"result": out}


def units(pages: Iterable[Page], docs_per_unit: int, code_order: list[str]) -> Iterator[Page]:
    """Re-cut pages into units of `docs_per_unit` whole documents (the last one may be smaller)."""
    docs: list[tuple[int, set[str], list[Any]]] = []
    for page in pages:
        by_doc: dict[int, list[Any]] = {}
        for p in page.passages:
            by_doc.setdefault(p.document_id, []).append(p)
        docs.extend((d, codes, by_doc.get(d, [])) for d, codes in page.todo.items())
        while len(docs) >= docs_per_unit:
            yield _unit(docs[:docs_per_unit], code_order)
            docs = docs[docs_per_unit:]
    if docs:
        yield _unit(docs, code_order)


def _unit(docs: list[tuple[int, set[str], list[Any]]], code_order: list[str]) -> Page:
    todo = {d: codes for d, codes, _ in docs}
    codes = sorted(set().union(*todo.values()), key=code_order.index)
    return Page(todo, [p for _, _, ps in docs for p in ps], codes)


@dataclass
class RayStats:
    """What the actors did in a run (for `benchmarks/bench_scale.py` and docs/scaling.md)."""

    units: int = 0
    bytes_sent: int = 0
    """Pickled units sent to the actors (passages, codes, cached vectors)."""
    bytes_returned: int = 0
    """Pickled results (suggestion rows, new vectors)."""
    busy_seconds: float = 0.0
    """Wall time the actors spent scoring, summed."""
    cpu_seconds: float = 0.0
    """CPU time the actors' processes spent scoring, summed."""
    startup_cpu: dict[str, float] = field(default_factory=dict)
    """Per actor ("host:pid"): CPU time it took to start (imports, loading the model and the trained models)."""

    def add(self, returned: int, busy: float, cpu: float, actor: str = "", startup: float = 0.0) -> None:
        """Count one returned unit."""
        self.startup_cpu[actor] = startup
        self.units += 1
        self.bytes_returned += returned
        self.busy_seconds += busy
        self.cpu_seconds += cpu


@dataclass
class RayEngine:
    """Scores pages on a Ray cluster (see the module docstring).

    Args:
        address: "auto", "HOST:6379", or None (``RAY_ADDRESS``, else a Ray started on this machine
            with ``ray start``, else a private Ray for this run). Not ``ray://``: see `require_ray`.
        workers: actors in the pool (each loads the model once).
        cpus_per_worker: CPUs each actor reserves (its torch threads).
        docs_per_unit: whole documents per unit of work (about 9 passages each).
        batch_size: model batch size in the actors.
    """

    address: str | None = None
    workers: int = 2
    cpus_per_worker: float = 1.0
    docs_per_unit: int = 50
    batch_size: int = 64
    name: str = "ray"
    stats: RayStats = field(default_factory=RayStats)
    """Totals of the last run."""

    def score_pages(
        self,
        tagger: Tagger,
        pages: Iterable[Page],
        *,
        below: float,
        total_documents: int,
        store: Store,
        model: str | None,
        progress: PageProgress | None = None,
    ) -> Generator[ScoredPage, None, None]:
        """Score the pages on Ray; yields each unit as it returns (see the module docstring).

        Raises:
            MissingExtraError: ray is not installed.
            ReviewkitError: Ray cannot be reached, or a worker failed.
        """
        ray = require_ray(self.address)
        self.stats = RayStats()
        started_here = not ray.is_initialized()
        if started_here:
            try:
                local = {} if self.address else {"include_dashboard": False}  # no dashboard for a private Ray
                ray.init(address=self.address, logging_level="ERROR", **local)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise ReviewkitError(
                    f"Could not connect to Ray at {self.address or 'a new local instance'}: "
                    f"{str(exc).rstrip('. ')}. Start a cluster with `ray start --head`, or leave --address "
                    "out to start one for this run."
                ) from exc
        try:
            yield from self._run(ray, tagger, pages, below, total_documents, store, model)
        finally:
            if started_here:
                ray.shutdown()

    def _run(
        self,
        ray: Any,
        tagger: Tagger,
        pages: Iterable[Page],
        below: float,
        total: int,
        store: Store,
        model: str | None,
    ) -> Generator[ScoredPage, None, None]:
        from ray.util.queue import Queue

        from reviewkit.tagger.pipeline import TAGGER_VERSION

        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        logging.getLogger("ray.data").setLevel(logging.ERROR)  # no per-run notices among our progress
        n_slots = max(1, -(-total // self.docs_per_unit))
        queue = Queue(actor_options={"num_cpus": 0})
        state = ray.put(tagger_state(tagger))
        with warnings.catch_warnings():
            # max_restarts has no named parameter in Ray 2.60; Ray restarting a crashed actor would retry
            # its slot, which takes the next unit from the queue and loses the one it was scoring.
            warnings.filterwarnings("ignore", message=".*ray_remote_args.*", category=DeprecationWarning)
            ds = ray.data.from_items(
                [{"slot": i} for i in range(n_slots)], override_num_blocks=n_slots
            ).map_batches(
                UnitScorer,
                batch_size=1,
                compute=ray.data.ActorPoolStrategy(size=self.workers),
                num_cpus=self.cpus_per_worker,
                max_restarts=0,  # a crashed actor fails the run (what was written stays; a rerun resumes)
                fn_constructor_kwargs={
                    "state": [state],
                    "model": model,
                    "batch_size": self.batch_size,
                    "queue": queue,
                    "version": TAGGER_VERSION,
                },  # fmt: skip
            )
        embed_model = _model_name(tagger)
        todo = units(pages, self.docs_per_unit, list(tagger.code_ids))
        pending: dict[int, Page] = {}
        counter = itertools.count()
        sent = 0
        results = iter(ds.iter_rows())
        try:
            while True:
                while len(pending) < 2 * self.workers and sent < n_slots:
                    unit = next(todo, None)
                    if unit is None:
                        break
                    uid = next(counter)
                    hashes = [text_hash(p.text) for p in unit.passages]
                    cached = store.embeddings.get(embed_model, hashes) if embed_model else {}
                    payload = pickle.dumps((uid, unit, below, cached), protocol=pickle.HIGHEST_PROTOCOL)
                    queue.put(payload)
                    self.stats.bytes_sent += len(payload)
                    pending[uid] = unit
                    sent += 1
                if not pending:
                    break
                payload = _next_result(results, ray)
                if not payload:
                    continue
                uid, rows, vectors, cached, busy = pickle.loads(payload)
                self.stats.add(len(payload), *busy)
                yield ScoredPage(pending.pop(uid), rows, vectors, cached)
            if next(todo, None) is not None:
                raise ReviewkitError(
                    "Documents were added while coding on Ray; run `reviewkit code --engine ray` again to code them."
                )
            queue.put_nowait_batch([None] * (n_slots - sent))
            for _ in results:  # the spare slots return empty results
                pass
        finally:
            close = getattr(results, "close", None)
            if close is not None:
                close()  # stops the Ray Data execution and its actors
            queue.shutdown(force=True)


def _next_result(results: Iterator[dict[str, Any]], ray: Any) -> bytes:
    try:
        row = next(results)
    except StopIteration as exc:
        raise ReviewkitError("The Ray pipeline ended before every unit came back.") from exc
    except ray.exceptions.RayError as exc:
        lines = [line for line in str(exc).splitlines() if line.strip()]
        raise ReviewkitError(f"A Ray worker failed: {lines[-1] if lines else type(exc).__name__}") from exc
    return bytes(row["result"])


def _model_name(tagger: Tagger) -> str:
    return tagger.config.model if tagger.needs_embeddings else ""
