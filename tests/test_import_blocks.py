"""A RIS file cut into blocks of whole records and parsed block by block, in several processes' shares, reads as the whole file does."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest
from test_import_scale import _snapshot

import reviewkit.importers.stream as stream_mod
import reviewkit.project.import_worker as worker_mod
from reviewkit.errors import ImportFormatError
from reviewkit.importers import read_records
from reviewkit.importers.blocks import parse_blocks, record_blocks
from reviewkit.importers.stream import NotStreamable, open_stream
from reviewkit.project.importing import import_files
from reviewkit.store import Store


def _parts(path: Path, encoding: str, block: int, parts: int, skip_bad: bool = True) -> tuple[list[object], list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Records, skipped and warnings of all `parts` shares, put back in file order with file record numbers."""
    blocks: dict[int, tuple[list[object], list[object], list[object], int]] = {}
    for part in range(parts):
        shares = parse_blocks(str(path), encoding, block, part=part, parts=parts, skip_bad=skip_bad)
        for k, share in zip(itertools.count(part, parts), shares, strict=False):
            blocks[k] = share  # type: ignore[assignment]
    records: list[object] = []
    skipped: list[tuple[object, ...]] = []
    warnings: list[tuple[object, ...]] = []
    before = 0
    for k in sorted(blocks):
        recs, sk, wa, count = blocks[k]
        records += recs
        skipped += [(s.line, s.reason, s.record + before) for s in sk]  # type: ignore[attr-defined]
        warnings += [(s.line, s.reason, s.record + before) for s in wa]  # type: ignore[attr-defined]
        before += count
    return records, skipped, warnings


_ODD = (
    "TY  - JOUR\nTI  - First\nAU  - Wen, Hu\nPY  - 2005\nER  - \n\n"
    "TY  - JOUR\nTI  - 产业集群升级 and a junk line follows\nPY  - 2006\nLink to the full text\nER  - \n"
    "NL  - a tag after ER (Ovid)\n\n"
    "TY  - JOUR\nTI  - Never closed\nPY  - 2001\n\n"
    "TY  - JOUR\nTI  - Third\nAB  - One\nAB  - 摘要\nER  - \n"
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", [False, True])
def test_blocks_of_every_size_and_share_read_as_the_whole_file(tmp_path: Path, newline: str, bom: bool) -> None:
    f = tmp_path / "a.ris"
    text = "".join(_ODD.replace("First", f"First {i}") for i in range(40)).replace("\n", newline)
    f.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    encoding = "utf-8-sig" if bom else "utf-8"
    whole = read_records(f, skip_bad=True, encoding=encoding)
    assert len(whole.records) == 120 and len(whole.skipped) == 40 and whole.warnings
    expected = (whole.records, [(s.line, s.reason, s.record) for s in whole.skipped],
                [(s.line, s.reason, s.record) for s in whole.warnings])  # fmt: skip
    for block, parts in itertools.product((100, 700, 5000, 10**6), (1, 2, 3)):
        ranges = list(record_blocks(str(f), block))
        assert ranges[0][0] == 0 and ranges[-1][1] == f.stat().st_size
        assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:], strict=False))  # no gap, no overlap
        if block == 700:
            assert len(ranges) > 10
        assert _parts(f, encoding, block, parts) == expected, (block, parts)


def test_a_bad_record_is_raised_with_its_number_in_its_block(tmp_path: Path) -> None:
    f = tmp_path / "a.ris"
    f.write_text(_ODD * 3, encoding="utf-8")
    with pytest.raises(ImportFormatError) as whole:
        read_records(f)
    with pytest.raises(ImportFormatError) as block:
        list(parse_blocks(str(f), "utf-8", 100))
    assert (block.value.line, block.value.reason) == (whole.value.line, whole.value.reason)
    assert block.value.record is not None and whole.value.record is not None
    assert block.value.record <= whole.value.record  # (counted from its block)


def test_a_block_that_does_not_decode_asks_for_the_whole_file(tmp_path: Path) -> None:
    f = tmp_path / "a.ris"
    f.write_bytes(_ODD.encode() * 5 + b"TY  - JOUR\nTI  - Caf\xe9\nER  - \n")
    with pytest.raises(NotStreamable, match="not clean utf-8"):
        for _ in parse_blocks(str(f), "utf-8", 200, part=0, parts=1, skip_bad=True):
            pass


def test_cuts_are_made_only_after_an_end_line(tmp_path: Path) -> None:
    f = tmp_path / "a.ris"
    # a TY line that follows a lone CR, or a record never closed, is no cut
    f.write_bytes(b"TY  - JOUR\nTI  - a\nER  - \rTI  - b\nTY  - JOUR\nTI  - c\nER  - \n" * 50)
    data = f.read_bytes()
    for start, _ in list(record_blocks(str(f), 64))[1:]:
        assert data[start : start + 6] == b"TY  - "
        previous = data[:start].rstrip(b"\n").rsplit(b"\n", 1)[-1]
        assert previous.startswith(b"ER  - ") and b"\r" not in previous


def test_a_block_with_a_nul_byte_asks_for_the_whole_file(tmp_path: Path) -> None:
    f = tmp_path / "a.ris"
    f.write_bytes(_ODD.encode() * 5 + b"TY  - JOUR\nTI  - a\x00b\nER  - \n")
    with pytest.raises(NotStreamable, match="NUL"):
        list(parse_blocks(str(f), "utf-8", 200, skip_bad=True))


def _real_ris(shared: Path) -> list[Path]:
    return sorted((shared / "realworld" / "ris").glob("*.ris"))


def test_real_exports_import_through_two_workers_as_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_fixtures: Path
) -> None:
    """Every real RIS export, cut into small blocks and parsed by two workers, imports as the file read whole."""
    files = _real_ris(shared_fixtures)
    if not files:
        pytest.skip("no real RIS exports in ../shared/fixtures/realworld/ris")
    monkeypatch.setattr(stream_mod, "BLOCK_CHARS", 20_000)  # many blocks even in a small file
    monkeypatch.setattr(worker_mod, "WORKERS", 2)
    for k, f in enumerate(files):
        if not open_stream(f, stream_bytes=0, skip_bad=True).streamed:
            continue  # (not clean UTF-8: read whole either way)
        results = []
        for mode, stream_bytes in (("whole", sys.maxsize), ("blocks", 0)):
            store = Store.open(tmp_path / f"{mode}-{k}.db")
            reports = import_files(store, [f], skip_bad=True, stream_bytes=stream_bytes)
            results.append((_snapshot(store), [(r.records, r.added, [str(s) for s in r.skipped],
                                                [str(w) for w in r.warnings]) for r in reports]))  # fmt: skip
            store.close()
        assert results[1] == results[0], f.name
        assert results[0][1][0][0] > 0
