"""Provides `Workers` and `prepared_chunks`: the prepared records of a file, parsed in worker processes when it is streamed.

Parsing a big RIS file and working out each record's keys and rows (`import_keys.prepare`) takes
about as long as writing it; in one process they take turns on one core. For a streamed file
(`RecordStream.streamed`), worker processes (``python -m reviewkit.project.import_worker``) parse
and prepare the records and send them, a chunk at a time (MessagePack rows in a pickled message),
through pipes while this process looks up duplicates and writes. A UTF-8 file gets `WORKERS` of
them, each parsing every n-th block of whole records (`importers.blocks`); this process reads the
chunks in file order and renumbers the records per block. (Working out the keys here instead, the
worker's work fell by 0.9 s of CPU per 100,000 records and this process's grew by 1.5 s: not
kept.) A worker runs at most `AHEAD` chunks ahead, so memory stays bounded.

Nothing changes for the user: the workers report a bad record as the same `ImportFormatError`
(file, line, record) and skipped records (``--skip-bad``) as the same `SkippedRecord` list; the
import still writes everything in the caller's transaction, so an error, Ctrl-C or a kill writes
nothing. Workers that cannot be started, or end before their first message (a Python that cannot
run them), leave the parsing to this process, as before.
"""
from __future__ import annotations

import contextlib
import gc
import itertools
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import msgspec

from reviewkit.errors import ImportFormatError, ReviewkitError
from reviewkit.importers.stream import NotStreamable, RecordStream
from reviewkit.project.import_keys import Prepared, prepare
from reviewkit.records import Record, SkippedRecord

WORKER = True
"""Parse streamed files in worker processes (False: in this process, as before)."""
WORKERS = 2
"""Worker processes per streamed UTF-8 file, each parsing every WORKERS-th block of it (`importers.blocks`):
on two cores, parsing then no longer waits for one process while the other has time to spare."""

_Value = str | int | float | bool | None
_Row = tuple[str, int | None, str, bool, tuple[str, ...], str | None, str, tuple[_Value, ...], tuple[_Value, ...], None]
"""A `Prepared` record without its `record`, as MessagePack (msgspec writes and reads it several times faster than pickle)."""
_ENCODE = msgspec.msgpack.Encoder().encode
_DECODE = msgspec.msgpack.Decoder(list[_Row]).decode


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect garbage less often meanwhile (an import makes millions of small, long-kept objects; see `read_records`).

    The youngest generation is collected after 50,000 allocations instead of 700: the collector
    still runs, so memory stays bounded, but no longer a hundred times per chunk.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], 50_000), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


class Workers:
    """The worker processes of one import.

    `start_early` is `open_stream`'s ``on_streamable`` hook: the first file that can be streamed
    gets its worker while this process still checks the whole file (the worker starts Python and
    parses meanwhile; the pipe holds what it has parsed until the check has passed). `close` stops
    a worker whose file was not streamed after all.
    """

    def __init__(self, skip_bad: bool) -> None:
        self.skip_bad = skip_bad
        self._early: dict[str, list[subprocess.Popen[bytes]]] = {}
        self._started = False

    def start_early(self, path: str, encoding: str) -> None:
        """Start the workers of the first streamable file."""
        if WORKER and not self._started:
            self._started = True
            procs = _start_all(path, encoding, self.skip_bad)
            if procs:
                self._early[path] = procs

    def chunks(self, stream: RecordStream) -> Iterator[list[Prepared]]:
        """`prepared_chunks` of `stream`, from the workers started early for it if there are any."""
        procs = self._early.pop(stream.path, None)
        if procs is not None and not stream.streamed:
            _stop_all(procs)
            procs = None
        return prepared_chunks(stream, procs)

    def close(self) -> None:
        """Stop the workers not used."""
        while self._early:
            _stop_all(self._early.popitem()[1])


def prepared_chunks(
    stream: RecordStream, procs: list[subprocess.Popen[bytes]] | None = None
) -> Iterator[list[Prepared]]:
    """The records of `stream`, prepared, chunk by chunk (from worker processes when the file is streamed).

    `stream.skipped` and `stream.warnings` grow as the chunks arrive, as when the stream is iterated here.

    Args:
        stream: the file.
        procs: its workers, started already (`Workers.start_early`); else they are started here
            when the file is streamed.

    Raises:
        ImportFormatError: a bad record (without skip_bad), with the file, line and record number.
    """
    if procs is None and stream.streamed and WORKER:
        procs = _start_all(stream.path, stream.encoding, stream._skip_bad)
    if procs:
        finished = False
        try:
            yield from _receive(stream, [p.stdout for p in procs if p.stdout is not None])
            finished = True
            return
        except _NoWorker:
            pass  # none ever sent anything (e.g. this Python cannot run it): parse here instead
        finally:
            if finished:  # (a finished worker exits right after its last message)
                for proc in procs:
                    if proc.stdout is not None:
                        proc.stdout.close()
                    proc.wait()
            else:
                _stop_all(procs)  # we stopped early (an error, Ctrl-C): the rest is not wanted
    for chunk in stream:
        yield [prepare(r) for r in chunk]


class _NoWorker(Exception):
    """The worker ended before its first message."""


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
    if proc.stdout is not None:
        proc.stdout.close()
    proc.wait()


def _stop_all(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        _stop(proc)


def _start_all(path: str, encoding: str, skip_bad: bool) -> list[subprocess.Popen[bytes]]:
    """The workers of one file (`WORKERS` for a UTF-8 file, else one), or none when one cannot be started."""
    from reviewkit.importers.blocks import SPLITTABLE

    parts = WORKERS if encoding.lower().replace("_", "-") in SPLITTABLE and WORKERS > 1 else 1
    procs = [_start(path, encoding, skip_bad, part, parts) for part in range(parts)]
    if any(p is None for p in procs):
        _stop_all([p for p in procs if p is not None])
        return []
    return [p for p in procs if p is not None]


def _start(path: str, encoding: str, skip_bad: bool, part: int = 0, parts: int = 1) -> subprocess.Popen[bytes] | None:
    from reviewkit.importers import stream as stream_mod

    root = str(Path(__file__).resolve().parents[2])  # the folder holding the reviewkit package
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    args = [path, encoding, str(int(skip_bad)), str(stream_mod.BLOCK_CHARS), str(part), str(parts)]
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "reviewkit.project.import_worker", *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, env=env,
            start_new_session=True,  # Ctrl-C reaches only this process, which then stops the worker
        )  # fmt: skip
    except OSError:
        return None
    assert proc.stdout is not None
    _widen(proc.stdout)
    return proc


def _widen(pipe: IO[bytes]) -> None:
    """Give the pipe a buffer of a whole chunk or so (1 MiB where Linux allows): fewer switches between the processes."""
    with contextlib.suppress(ImportError, AttributeError, OSError):  # not Linux, or a lower limit
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, 2**20)  # type: ignore[attr-defined,unused-ignore]


def _load(pipe: IO[bytes]) -> Any:
    """One message from the pipe, its rows decoded, without collecting garbage meanwhile (none is garbage)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        message = pickle.load(pipe)
        if message[0] == "chunk":
            message = (message[0], _DECODE(message[1]), *message[2:])
        return message
    finally:
        if enabled:
            gc.enable()


def _receive(stream: RecordStream, pipes: list[IO[bytes]]) -> Iterator[list[Prepared]]:
    """The chunks the workers send, in file order (worker k sends chunks k, k + n, ...; n workers).

    Record numbers a worker counts from the start of its block are made the file's here: a chunk
    says how many records its block held (0 when its worker parses the whole file and counts them itself).
    """
    make = Prepared._make
    before = 0  # records in the blocks received so far
    for k in itertools.count():
        try:
            message: tuple[Any, ...] = _load(pipes[k % len(pipes)])
        except EOFError:
            if k == 0:
                raise _NoWorker from None
            raise ReviewkitError(f"{stream.path}: the import worker process ended unexpectedly") from None
        kind = message[0]
        if kind == "chunk":
            _, rows, skipped, warnings, count = message
            stream.skipped.extend(_renumber(s, before) for s in skipped)
            stream.warnings.extend(_renumber(s, before) for s in warnings)
            before += count
            yield [make(row) for row in rows]
        elif kind == "end":
            if message[1] and before == 0:  # (split: no block had a record)
                raise ImportFormatError(stream.path, None, "no ris records found")
            return
        elif kind == "error":
            _, path, line, reason, record = message
            raise ImportFormatError(path, line, reason, None if record is None else record + before)
        elif kind == "unstreamable":
            raise NotStreamable(message[1], message[2])
        else:
            raise ReviewkitError(f"{stream.path}: the import worker process failed:\n{message[1]}")


def _renumber(skipped: SkippedRecord, before: int) -> SkippedRecord:
    if not before or skipped.record is None:
        return skipped
    return SkippedRecord(skipped.path, skipped.line, skipped.reason, skipped.record + before)


AHEAD = 2
"""Chunks the worker may parse ahead of the importing process (about 10 MB each): it goes on while the
whole file is still being checked there, or a batch is being written."""


class _Sender:
    """Sends messages from a helper thread, so that parsing goes on while the pipe is full (up to `AHEAD`)."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.queue: queue.Queue[tuple[Any, ...] | None] = queue.Queue(maxsize=AHEAD)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            while (message := self.queue.get()) is not None:
                pickle.dump(message, self.out, protocol=pickle.HIGHEST_PROTOCOL)
                self.out.flush()
        except (BrokenPipeError, OSError):  # the importing process stopped reading: gone, or wants no more
            os._exit(1)  # (no flush of the broken pipe at exit, no message)

    def send(self, message: tuple[Any, ...]) -> None:
        self.queue.put(message)

    def close(self) -> None:
        """Send what is queued, then stop."""
        self.queue.put(None)
        self.thread.join()


def main(argv: list[str]) -> int:
    """The worker: parse and prepare one streamed file (or every n-th block of it), writing pickled messages to standard output."""
    import traceback

    from reviewkit.importers import stream as stream_mod

    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything else printed goes to stderr, never into the pipe
    path, encoding, skip_bad, block_chars, part, parts = argv
    stream_mod.BLOCK_CHARS = int(block_chars)
    sender = _Sender(out)
    try:
        for records, skipped, warnings, count in _parsed(path, encoding, skip_bad == "1", int(part), int(parts)):
            sender.send(("chunk", _ENCODE([prepare(r, keep=False) for r in records]), skipped, warnings, count))
        sender.send(("end", int(parts) > 1))
    except ImportFormatError as exc:
        sender.send(("error", exc.path, exc.line, exc.reason, exc.record))
    except NotStreamable as exc:
        sender.send(("unstreamable", exc.path, exc.reason))
    except Exception:  # noqa: BLE001 - handed to the importing process, which reports it
        sender.send(("failed", traceback.format_exc()))
    sender.close()
    return 0


def _parsed(
    path: str, encoding: str, skip_bad: bool, part: int, parts: int
) -> Iterator[tuple[list[Record], list[SkippedRecord], list[SkippedRecord], int]]:
    """(records, skipped, warnings, records in the block) per chunk: blocks of the file when it is split, else the stream's chunks."""
    from reviewkit.importers import stream as stream_mod

    if parts > 1:
        from reviewkit.importers.blocks import parse_blocks

        with fewer_collections():
            yield from parse_blocks(path, encoding, stream_mod.BLOCK_CHARS, part=part, parts=parts, skip_bad=skip_bad)
        return
    stream = RecordStream(path, "ris", encoding, "", 0, streamed=True)
    stream._skip_bad = skip_bad
    sent = [0, 0]
    for chunk in stream:  # (record numbers are the file's already: 0 records to add)
        yield chunk, stream.skipped[sent[0] :], stream.warnings[sent[1] :], 0
        sent = [len(stream.skipped), len(stream.warnings)]
    if len(stream.skipped) > sent[0] or len(stream.warnings) > sent[1]:
        yield [], stream.skipped[sent[0] :], stream.warnings[sent[1] :], 0


if __name__ == "__main__":  # pragma: no cover - run as the worker process
    sys.exit(main(sys.argv[1:]))
