"""A streamed file parsed in the worker process imports exactly as when this process parses it: records, errors, skips."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_import_scale import _corpus, _import_twice, _snapshot

import reviewkit.importers.stream as stream_mod
import reviewkit.project.import_worker as worker_mod
from reviewkit.errors import ImportFormatError, ReviewkitError
from reviewkit.importers import read_records
from reviewkit.importers.stream import open_stream
from reviewkit.project.import_keys import prepare
from reviewkit.project.importing import import_files
from reviewkit.store import Store


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes] | None]:
    """The worker processes started (None where one could not be started)."""
    procs: list[subprocess.Popen[bytes] | None] = []
    real = worker_mod._start

    def start(path: str, encoding: str, skip_bad: bool, part: int = 0, parts: int = 1) -> subprocess.Popen[bytes] | None:
        procs.append(real(path, encoding, skip_bad, part, parts))
        return procs[-1]

    monkeypatch.setattr(worker_mod, "_start", start)
    monkeypatch.setattr(stream_mod, "BLOCK_CHARS", 3000)  # many chunks (handed to the worker)
    return procs


@pytest.mark.parametrize(("skip_bad", "workers"), [(False, 1), (True, 1), (False, 2), (True, 2), (True, 3)])
def test_worker_import_equals_in_process_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[Any], skip_bad: bool, workers: int
) -> None:
    a = _corpus(tmp_path / "a.ris", 700, seed=11, bad_at=500 if skip_bad else None)
    b = _corpus(tmp_path / "b.ris", 300, seed=11)  # duplicates of a's first records
    monkeypatch.setattr(worker_mod, "WORKER", False)
    here = _import_twice(tmp_path / "here.db", [a, b], skip_bad=skip_bad, stream_bytes=0)
    assert started == []
    monkeypatch.setattr(worker_mod, "WORKER", True)
    monkeypatch.setattr(worker_mod, "WORKERS", workers)  # (more than one: each parses every n-th block)
    there = _import_twice(tmp_path / "there.db", [a, b], skip_bad=skip_bad, stream_bytes=0)
    assert len(started) == 2 * workers and all(p is not None and p.returncode == 0 for p in started)
    assert there == here
    snapshot, reports = there
    assert reports[0][2] > 20 and reports[1][1] == 0  # merged duplicates; the second file added nothing
    assert skip_bad == bool(reports[0][4])
    if skip_bad:
        assert reports[0][4] == [str(s) for s in read_records(a, skip_bad=True).skipped]


def test_worker_chunks_are_the_prepared_records(tmp_path: Path, started: list[Any]) -> None:
    a = _corpus(tmp_path / "a.ris", 400, seed=12)
    stream = open_stream(a, stream_bytes=0)
    chunks = list(worker_mod.prepared_chunks(stream))
    assert len(chunks) > 10 and started[0] is not None
    expected = [prepare(r) for r in read_records(a).records]
    got = [item for chunk in chunks for item in chunk]
    assert [g._replace(record=None) for g in got] == [e._replace(record=None) for e in expected]
    assert all(g.record is None for g in got)
    assert [g.to_record() for g in got] == [e.record for e in expected]  # rebuilt whole (raw included)
    assert [g.to_record().raw for g in got] == [e.to_record().raw for e in expected]


def test_worker_reports_a_late_bad_record_exactly_and_writes_nothing(tmp_path: Path, started: list[Any]) -> None:
    good = _corpus(tmp_path / "good.ris", 50, seed=3)
    bad = _corpus(tmp_path / "bad.ris", 400, seed=2, bad_at=380)
    expected = read_records(bad, skip_bad=True).skipped
    with pytest.raises(ImportFormatError) as whole:
        read_records(bad)
    store = Store.open(tmp_path / "p.db")
    with pytest.raises(ImportFormatError) as err:
        import_files(store, [good, bad], stream_bytes=0)
    assert started[-1] is not None
    assert (err.value.path, err.value.line, err.value.reason) == (str(bad), expected[0].line, expected[0].reason)
    assert str(err.value) == str(whole.value)
    assert store.documents.count() == 0 and store.imports.list() == []
    assert store.db.execute("SELECT count(*) FROM document_sources").fetchone()[0] == 0
    store.close()


def test_interrupted_import_stops_the_worker(tmp_path: Path, started: list[Any]) -> None:
    f = _corpus(tmp_path / "a.ris", 1500, seed=4)

    def interrupt(done: int, total: int, path: str) -> None:
        if done >= 500:
            raise KeyboardInterrupt

    store = Store.open(tmp_path / "p.db")
    with pytest.raises(KeyboardInterrupt):
        import_files(store, [f], progress=interrupt, stream_bytes=0)
    assert len(started) == worker_mod.WORKERS > 1
    assert all(p is not None and p.returncode is not None for p in started)  # stopped and waited for, not left running
    assert store.documents.count() == 0 and store.imports.list() == []
    store.close()


def test_without_a_worker_the_file_is_parsed_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[Any]) -> None:
    f = _corpus(tmp_path / "a.ris", 300, seed=5)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    store = Store.open(tmp_path / "p.db")
    (report,) = import_files(store, [f], stream_bytes=0)
    assert started and all(p is None for p in started) and report.records == 300 and store.documents.count() == report.added
    store.close()


def test_a_failing_worker_is_reported(tmp_path: Path, started: list[Any]) -> None:
    f = _corpus(tmp_path / "a.ris", 300, seed=6)
    stream = open_stream(f, stream_bytes=0)
    f.unlink()  # the worker cannot open it
    with pytest.raises(ReviewkitError, match="import worker process failed") as err:
        list(worker_mod.prepared_chunks(stream))
    assert str(f) in str(err.value) and "FileNotFoundError" in str(err.value)


@pytest.mark.parametrize("worker", [False, True])
def test_a_streamed_file_that_does_not_decode_is_rolled_back_and_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[Any], worker: bool
) -> None:
    f = _corpus(tmp_path / "a.ris", 300, seed=7)
    f.write_bytes(f.read_bytes() + b"TY  - JOUR\nTI  - Caf\xe9 late in the file\nPY  - 2001\nER  - \n")  # Latin-1 byte
    whole = read_records(f)  # what reading the file whole makes of it: UTF-8, the bad byte replaced and reported
    assert whole.warnings and "0xe9" in str(whole.warnings[0])
    assert open_stream(f, stream_bytes=0).streamed  # decoded while parsed: the check cannot know yet
    good = _corpus(tmp_path / "good.ris", 40, seed=3)  # imported in the same command: rolled back and redone too
    monkeypatch.setattr(worker_mod, "WORKER", False)
    expected = _import_twice(tmp_path / "whole.db", [good, f], stream_bytes=sys.maxsize)  # never streamed
    started.clear()
    monkeypatch.setattr(worker_mod, "WORKER", worker)
    store = Store.open(tmp_path / "p.db")
    reports = import_files(store, [good, f], stream_bytes=0)
    assert reports[1].records == len(whole.records) == 301
    assert "Caf\ufffd late in the file" in {d.title for d in store.documents.iter()}
    assert len(store.imports.list()) == 2  # the first attempt left nothing behind
    snapshot = _snapshot(store)
    store.close()
    assert snapshot == expected[0]
    assert bool(started) == worker and all(p is not None and p.returncode is not None for p in started)


def test_a_worker_that_cannot_run_leaves_the_parsing_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[Any]
) -> None:
    f = _corpus(tmp_path / "a.ris", 300, seed=8)
    fake = tmp_path / "python"  # an executable that is not Python (as in a frozen build): exits at once
    fake.write_text("#!/bin/sh\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(fake))
    store = Store.open(tmp_path / "p.db")
    (report,) = import_files(store, [f], stream_bytes=0)
    assert started and all(p is not None and p.returncode == 3 for p in started)
    assert report.records == 300 and store.documents.count() == report.added
    store.close()


@pytest.mark.parametrize("workers", [1, 2])
def test_a_nul_byte_late_in_a_streamed_file_is_refused_as_when_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[Any], workers: int
) -> None:
    f = _corpus(tmp_path / "a.ris", 300, seed=9)
    f.write_bytes(f.read_bytes() + b"TY  - JOUR\nTI  - late\x00binary\nER  - \n")  # found only while parsing now
    with pytest.raises(ImportFormatError) as whole:
        read_records(f)
    monkeypatch.setattr(worker_mod, "WORKERS", workers)
    store = Store.open(tmp_path / "p.db")
    with pytest.raises(ImportFormatError) as err:
        import_files(store, [_corpus(tmp_path / "good.ris", 30, seed=3), f], stream_bytes=0)
    assert str(err.value) == str(whole.value) and "NUL" in str(err.value)
    assert store.documents.count() == 0 and store.imports.list() == []  # the good file was rolled back too
    # both files streamed, then again the good one when the import starts over: every worker stopped
    assert len(started) == 3 * workers and all(p is not None and p.returncode is not None for p in started)
    store.close()
