"""Big imports: streamed RIS, the duplicate/key filter and the helper-thread writer make the same project as a plain import."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reviewkit.importers.stream as stream_mod
import reviewkit.project.import_worker as worker_mod
import reviewkit.project.importing as importing
import reviewkit.store.writer as writer_mod
from reviewkit.dedupe import KeyFilter
from reviewkit.errors import ImportFormatError
from reviewkit.importers import read_records
from reviewkit.importers.stream import open_stream
from reviewkit.project.importing import import_files
from reviewkit.store import Store
from reviewkit.store.writer import _jlist, raw_json

WORDS = "cluster upgrading value chain learning region trust capital network firm supplier district policy export".split()


def _record(i: int, rnd: random.Random, **kw: Any) -> str:
    title = kw.get("title") or " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(5, 9))).capitalize() + f" {i}"
    lines = [f"TY  - {kw.get('ty', 'JOUR')}", f"AU  - {kw.get('author', rnd.choice(WORDS).title() + ', A.')}",
             f"TI  - {title}", f"PY  - {kw.get('year', 2000 + i % 7)}", f"T2  - {kw.get('journal', 'Regional Studies')}"]  # fmt: skip
    if kw.get("doi"):
        lines.append(f"DO  - {kw['doi']}")
    if kw.get("volume"):
        lines.append(f"VL  - {kw['volume']}")
    lines.append(f"AB  - {kw.get('abstract', 'Firms in the district learn together. 集群企业共同学习。')}")
    if kw.get("continued"):
        lines.append("  a continuation line of the abstract")
    return "\n".join([*lines, "ER  - ", "", ""])


def _corpus(path: Path, n: int, seed: int, bad_at: int | None = None) -> Path:
    """n records with DOI twins, near-duplicate titles, short titles, key clashes, Chinese and a bad record."""
    rnd = random.Random(seed)
    parts: list[str] = []
    titles: list[tuple[str, int]] = []
    for i in range(n):
        r = rnd.random()
        if bad_at is not None and i == bad_at:
            parts.append("TY  - JOUR\nTI  - A record that is never closed\nPY  - 2001\n\n")
        elif titles and r < 0.05:  # the same DOI again (a richer copy)
            j = rnd.randrange(len(titles))
            parts.append(_record(i, rnd, title=titles[j][0], year=titles[j][1], doi=f"10.1/t.{j}", abstract="Richer " * 30))
        elif titles and r < 0.10:  # a near-duplicate title of the same year
            title, year = rnd.choice(titles)
            parts.append(_record(i, rnd, title=title.replace("a", "á", 1) + ".", year=year))
        elif r < 0.12:
            parts.append(_record(i, rnd, title="Editorial", author="Wen, Mei", year=2003))
        elif r < 0.15:  # the same author, year and first title word: keys clash (wen2003cluster, ...a, ...b)
            parts.append(_record(i, rnd, title=f"Cluster story {i}", author="Wen, Mei", year=2003, continued=True))
        else:
            rec = _record(i, rnd, doi=f"10.1/t.{len(titles)}" if i % 3 == 0 else "", volume=str(i % 4 + 1))
            titles.append((rec.split("\nTI  - ")[1].split("\n")[0], 2000 + i % 7))
            parts.append(rec)
    path.write_text("".join(parts), encoding="utf-8")
    return path


def _snapshot(store: Store) -> dict[str, Any]:
    docs = [(d.key, d.title, d.abstract, d.doi, d.year, d.authors, d.language) for d in store.documents.iter()]
    sources = store.db.execute(
        "SELECT d.key, s.source_line, s.duplicate_of_existing, s.match_reason, s.similarity, s.raw "
        "FROM document_sources s JOIN documents d ON d.id = s.document_id ORDER BY s.source_file, s.source_line"
    ).fetchall()
    return {"docs": docs, "sources": sources, "pending": store.documents.pending_index()}


def _import_twice(db: Path, files: list[Path], **kw: Any) -> tuple[dict[str, Any], list[Any]]:
    store = Store.open(db)
    try:
        reports = [import_files(store, [f], **kw)[0] for f in files]
        return _snapshot(store), [(r.records, r.added, r.merged, r.merges, [str(s) for s in r.skipped]) for r in reports]
    finally:
        store.close()


@pytest.mark.parametrize(("skip_bad", "workers"), [(False, True), (True, True), (False, False), (True, False)])
def test_filtered_streamed_threaded_import_equals_plain_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, skip_bad: bool, workers: bool
) -> None:
    a = _corpus(tmp_path / "a.ris", 600, seed=1, bad_at=450 if skip_bad else None)
    b = _corpus(tmp_path / "b.ris", 300, seed=1)  # the same start: all duplicates of a's records
    monkeypatch.setattr(importing, "BIG_IMPORT", 10**9)
    plain = _import_twice(tmp_path / "plain.db", [a, b], skip_bad=skip_bad)
    monkeypatch.setattr(importing, "BIG_IMPORT", 1)  # every import filtered ...
    monkeypatch.setattr(writer_mod, "BATCH", 7)  # ... written in many small batches ...
    # (parsed here, the file is written by the helper thread; parsed by worker processes, by this one)
    monkeypatch.setattr(worker_mod, "WORKER", workers)
    monkeypatch.setattr(stream_mod, "BLOCK_CHARS", 3000)  # ... and parsed in many chunks
    assert open_stream(a, stream_bytes=0).streamed
    fast = _import_twice(tmp_path / "fast.db", [a, b], skip_bad=skip_bad, stream_bytes=0)
    assert fast == plain
    snapshot, reports = plain
    assert reports[0][2] > 20 and reports[1][1] == 0  # duplicates were merged; the second file added nothing
    assert len({d[0] for d in snapshot["docs"]}) == len(snapshot["docs"])  # keys unique
    assert skip_bad == bool(reports[0][4])


def test_streamed_file_with_a_bad_record_late_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream_mod, "BLOCK_CHARS", 3000)
    good = _corpus(tmp_path / "good.ris", 50, seed=3)
    bad = _corpus(tmp_path / "bad.ris", 400, seed=2, bad_at=380)
    expected = read_records(bad, skip_bad=True).skipped
    store = Store.open(tmp_path / "p.db")
    with pytest.raises(ImportFormatError) as err:
        import_files(store, [good, bad], stream_bytes=0)
    assert f":{expected[0].line}:" in str(err.value) or f"line {expected[0].line}" in str(err.value)
    assert store.documents.count() == 0 and store.imports.list() == []  # the good file too: one transaction
    (_, report) = import_files(store, [good, bad], stream_bytes=0, skip_bad=True)
    assert [str(s) for s in report.skipped] == [str(s) for s in expected]


def test_interrupted_streamed_import_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream_mod, "BLOCK_CHARS", 3000)
    monkeypatch.setattr(writer_mod, "BATCH", 50)
    f = _corpus(tmp_path / "a.ris", 1200, seed=4)

    def interrupt(done: int, total: int, path: str) -> None:
        if done >= 1000:
            raise KeyboardInterrupt

    store = Store.open(tmp_path / "p.db")
    with pytest.raises(KeyboardInterrupt):
        import_files(store, [f], progress=interrupt, stream_bytes=0)
    assert store.documents.count() == 0 and store.imports.list() == []
    assert store.db.execute("SELECT count(*) FROM document_sources").fetchone()[0] == 0
    assert import_files(store, [f], stream_bytes=0)[0].records == 1200


def test_the_filter_spares_the_lookups_of_new_records(tmp_path: Path) -> None:
    rnd = random.Random(5)
    words = [f"{w}{k}" for w in WORDS for k in range(30)]
    text = "".join(
        f"TY  - JOUR\nTI  - {' '.join(rnd.choice(words) for _ in range(8))}\nPY  - {2000 + i % 10}\n"
        f"AU  - Author{i}, A.\nER  - \n\n"
        for i in range(3000)
    )
    (tmp_path / "a.ris").write_text(text, encoding="utf-8")
    store = Store.open(tmp_path / "p.db")
    (report,) = import_files(store, [tmp_path / "a.ris"])
    assert report.added == 3000 and report.lookups < 60  # a few filter false positives, not one query per record
    (again,) = import_files(store, [tmp_path / "a.ris"])
    assert again.merged == 3000 and again.lookups == 3000  # every twin is looked up and merged


@given(st.sets(st.text(max_size=20), max_size=300), st.lists(st.integers(1900, 2030), max_size=5))
@settings(max_examples=50, deadline=None)
def test_key_filter_never_misses_a_key(keys: set[str], years: list[int]) -> None:
    f = KeyFilter(len(keys))
    for k in keys:
        f.add(k)
        f.add((years[0] if years else None, k))
    assert all(k in f and (years[0] if years else None, k) in f for k in keys)
    assert all(f.any_in([("never", "added"), k]) for k in keys)
    assert not KeyFilter(10).any_in([]) and f.any_in([k for k in keys if k in f][:1]) == bool(keys)


def test_key_filter_false_positives_are_rare() -> None:
    f = KeyFilter(20_000)
    for i in range(20_000):
        f.add(f"10.1/{i}")
    wrong = sum(f"10.2/{i}" in f for i in range(20_000))
    assert wrong < 20  # about 0.015 % expected (3 of 20,000)
    assert sum(f.any_in([f"10.2/{i}", f"10.3/{i}"]) for i in range(20_000)) == sum(
        f"10.2/{i}" in f or f"10.3/{i}" in f for i in range(20_000)
    )


@pytest.mark.parametrize(
    "raw",
    [{}, {"title": "Ä \"quoted\" \\ 集群\n", "authors": ["Wen, M.", "Li"], "n": 3, "x": None, "b": True,
          "unknown_tag": {"L3": ["10.1/x"]}, "f": 1.5, "odd": {1, 2}}],  # fmt: skip
)
def test_raw_json_reads_back_as_json_dumps_wrote_it(raw: dict[str, Any]) -> None:
    text = raw_json(raw)
    plain = {k: v for k, v in raw.items() if k != "odd"}  # the JSON-typed values come back as they were
    assert {k: v for k, v in json.loads(text).items() if k != "odd"} == json.loads(json.dumps(plain, ensure_ascii=False))
    assert "集群" in text or not raw  # Chinese kept readable, not \u-escaped
    if "odd" in raw:  # a value JSON has no type for is still written (msgspec: as a list; json: its str)
        assert json.loads(text)["odd"] in ([1, 2], "{1, 2}")
    assert json.loads(raw_json({1: "a"})) == {"1": "a"}  # a key msgspec refuses: json's fallback
    names = tuple(str(v) for v in raw.get("authors", ()))
    assert _jlist(names) == (json.dumps(list(names), ensure_ascii=False, separators=(",", ":")) if names else "[]")
