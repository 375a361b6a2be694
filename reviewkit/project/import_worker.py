"""Provides `Workers` and `prepared_chunks`: the prepared records of a file, parsed in a worker process when it is streamed.

Parsing a big RIS file and working out each record's keys and rows (`import_keys.prepare`) takes
about as long as writing it; in one process they take turns on one core. For a streamed file
(`RecordStream.streamed`), a worker process (``python -m reviewkit.project.import_worker``) parses
and prepares the records and sends them, a chunk at a time (MessagePack rows in a pickled message),
through a pipe while this process looks up duplicates and writes: two cores. (Working out the
keys here instead, the worker's work fell by 0.9 s of CPU per 100,000 records and this process's
grew by 1.5 s: not kept.) The worker runs at most `AHEAD` chunks ahead, so memory stays bounded.

Nothing changes for the user: the worker reports a bad record as the same `ImportFormatError`
(file, line, record) and skipped records (``--skip-bad``) as the same `SkippedRecord` list; the
import still writes everything in the caller's transaction, so an error, Ctrl-C or a kill writes
nothing. A worker that cannot be started, or ends before its first message (a Python that cannot
run it), leaves the parsing to this process, as before.
"""

from __future__ import annotations

import contextlib
import gc
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

WORKER = True
"""Parse streamed files in a worker process (False: in this process, as before)."""

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
        self._early: dict[str, subprocess.Popen[bytes]] = {}
        self._started = False

    def start_early(self, path: str, encoding: str) -> None:
        """Start the worker of the first streamable file."""
        if WORKER and not self._started:
            self._started = True
            proc = _start(path, encoding, self.skip_bad)
            if proc is not None:
                self._early[path] = proc

    def chunks(self, stream: RecordStream) -> Iterator[list[Prepared]]:
        """`prepared_chunks` of `stream`, from the worker started early for it if there is one."""
        proc = self._early.pop(stream.path, None)
        if proc is not None and not stream.streamed:
            _stop(proc)
            proc = None
        return prepared_chunks(stream, proc)

    def close(self) -> None:
        """Stop the workers not used."""
        while self._early:
            _stop(self._early.popitem()[1])


def prepared_chunks(stream: RecordStream, proc: subprocess.Popen[bytes] | None = None) -> Iterator[list[Prepared]]:
    """The records of `stream`, prepared, chunk by chunk (from a worker process when the file is streamed).

    `stream.skipped` and `stream.warnings` grow as the chunks arrive, as when the stream is iterated here.

    Args:
        stream: the file.
        proc: its worker, started already (`Workers.start_early`); else one is started here when
            the file is streamed.

    Raises:
        ImportFormatError: a bad record (without skip_bad), with the file, line and record number.
    """
    if proc is None and stream.streamed and WORKER:
        proc = _start(stream.path, stream.encoding, stream._skip_bad)
    if proc is not None:
        assert proc.stdout is not None
        finished = False
        try:
            yield from _receive(stream, proc.stdout)
            finished = True
            return
        except _NoWorker:
            pass  # it never sent anything (e.g. this Python cannot run it): parse here instead
        finally:
            if not finished:
                _stop(proc)  # we stopped early (an error, Ctrl-C): the rest is not wanted
            proc.stdout.close()
            proc.wait()  # (a finished worker exits right after its last message)
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


def _start(path: str, encoding: str, skip_bad: bool) -> subprocess.Popen[bytes] | None:
    from reviewkit.importers import stream as stream_mod

    root = str(Path(__file__).resolve().parents[2])  # the folder holding the reviewkit package
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    args = [path, encoding, str(int(skip_bad)), str(stream_mod.BLOCK_CHARS)]
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


def _receive(stream: RecordStream, pipe: IO[bytes]) -> Iterator[list[Prepared]]:
    make = Prepared._make
    first = True
    while True:
        try:
            message: tuple[Any, ...] = _load(pipe)
        except EOFError:
            if first:
                raise _NoWorker from None
            raise ReviewkitError(f"{stream.path}: the import worker process ended unexpectedly") from None
        first = False
        kind = message[0]
        if kind == "chunk":
            _, rows, skipped, warnings = message
            stream.skipped.extend(skipped)
            stream.warnings.extend(warnings)
            yield [make(row) for row in rows]
        elif kind == "end":
            return
        elif kind == "error":
            _, path, line, reason, record = message
            raise ImportFormatError(path, line, reason, record)
        elif kind == "unstreamable":
            raise NotStreamable(message[1], message[2])
        else:
            raise ReviewkitError(f"{stream.path}: the import worker process failed:\n{message[1]}")


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
    """The worker: parse and prepare one streamed file, writing pickled messages to standard output."""
    import traceback

    from reviewkit.importers import stream as stream_mod

    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything else printed goes to stderr, never into the pipe
    path, encoding, skip_bad, block_chars = argv
    stream_mod.BLOCK_CHARS = int(block_chars)
    stream = RecordStream(path, "ris", encoding, "", 0, streamed=True)
    stream._skip_bad = skip_bad == "1"
    sender = _Sender(out)
    sent = [0, 0]
    try:
        for chunk in stream:
            rows = _ENCODE([prepare(r, keep=False) for r in chunk])
            sender.send(("chunk", rows, stream.skipped[sent[0] :], stream.warnings[sent[1] :]))
            sent = [len(stream.skipped), len(stream.warnings)]
        if len(stream.skipped) > sent[0] or len(stream.warnings) > sent[1]:
            sender.send(("chunk", _ENCODE([]), stream.skipped[sent[0] :], stream.warnings[sent[1] :]))
        sender.send(("end",))
    except ImportFormatError as exc:
        sender.send(("error", exc.path, exc.line, exc.reason, exc.record))
    except NotStreamable as exc:
        sender.send(("unstreamable", exc.path, exc.reason))
    except Exception:  # noqa: BLE001 - handed to the importing process, which reports it
        sender.send(("failed", traceback.format_exc()))
    sender.close()
    return 0


if __name__ == "__main__":  # pragma: no cover - run as the worker process
    sys.exit(main(sys.argv[1:]))
