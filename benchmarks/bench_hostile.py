"""Benchmark of refusing hostile files: time and peak memory for each case of tests/test_hostile_input.py.

Run: ``python benchmarks/bench_hostile.py``. Builds, in a temporary folder, a YAML alias bomb
(9 levels of 9 aliases), a .qdpx with a real 1 GiB source entry (zeros, written in 1 MiB chunks),
a .qdc with 1,500 nested codes and one with an entity expansion bomb, then times each refusal and
prints the peak of Python allocations (tracemalloc) and of the process (ru_maxrss).
"""

from __future__ import annotations

import resource
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

from reviewkit.codebook import load_codebook
from reviewkit.errors import ReviewkitError
from reviewkit.project.codebooks import import_codebook
from reviewkit.refi import codebook as _warm  # noqa: F401  (imported up front: time the refusals, not lxml's import)
from reviewkit.refi.project_read import read_qdpx

CB = "urn:QDA-XML:codebook:1.0"


def alias_bomb(folder: Path) -> Path:
    lines = ["name: bomb", 'version: "1"', 'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)]
    lines += ["codes:", "  - id: x", "    keywords: {en: *l8}"]
    path = folder / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def zip_bomb(folder: Path) -> Path:
    path = folder / "bomb.qdpx"
    qde = (
        '<Project xmlns="urn:QDA-XML:project:1.0" name="b"><Sources><TextSource guid="00000001-0000-4000-8000-'
        '000000000000" name="s" plainTextPath="internal://big.txt"/></Sources></Project>'
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("project.qde", qde)
        with zf.open("sources/big.txt", "w", force_zip64=True) as fh:
            chunk = bytes(2**20)
            for _ in range(1024):
                fh.write(chunk)
    return path


def deep_codes(folder: Path) -> Path:
    path = folder / "deep.qdc"
    codes = "".join(
        f'<Code guid="{i:08X}-0000-4000-8000-000000000000" name="c{i}" isCodable="true">' for i in range(1500)
    )
    path.write_text(
        f'<CodeBook xmlns="{CB}"><Codes>{codes}{"</Code>" * 1500}</Codes></CodeBook>', encoding="utf-8"
    )
    return path


def entity_bomb(folder: Path) -> Path:
    ents = '<!ENTITY a "lollollollollol">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    )
    path = folder / "lol.qdc"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE CodeBook [{ents}]><CodeBook xmlns="{CB}"><Codes><Code '
        'guid="00000001-0000-4000-8000-000000000000" name="&j;" isCodable="true"/></Codes></CodeBook>',
        encoding="utf-8",
    )
    return path


def measure(name: str, path: Path, reader: Callable[[Path], object]) -> None:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        reader(path)
        outcome = "ACCEPTED (unexpected)"
    except ReviewkitError as exc:
        outcome = str(exc).splitlines()[-1].strip()[:90]
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = path.stat().st_size
    print(f"{name:<22} {size / 2**20:8.2f} MiB file  {seconds * 1000:8.1f} ms  peak {peak / 2**20:7.2f} MiB "
          f"(process max RSS {rss:6.0f} MiB)  {outcome}")  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="rk-bench-hostile-") as tmp:
        folder = Path(tmp)
        measure("YAML alias bomb", alias_bomb(folder), load_codebook)
        measure("XML entity bomb", entity_bomb(folder), import_codebook)
        measure("1,500 nested codes", deep_codes(folder), import_codebook)
        measure("qdpx 1 GiB entry", zip_bomb(folder), read_qdpx)


if __name__ == "__main__":
    main()
