"""Hostile files are refused cleanly: alias bombs, zip bombs, deep nesting, XXE, zip-slip, local file paths.

Each case asserts the exception type (or exit status 1 through the CLI), a message that names the
file and says what is wrong on one line, no traceback, and that nothing was written: the project
file is byte-for-byte the same and no file appears outside the target.
"""

from __future__ import annotations

import struct
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewkit.cli import cli
from reviewkit.codebook import load_codebook
from reviewkit.errors import CodebookError, ImportFormatError
from reviewkit.project.codebooks import import_codebook
from reviewkit.project.qdpx_import import import_qdpx
from reviewkit.refi.archive import MAX_ENTRY_BYTES, Archive, ArchiveError, unsafe_name
from reviewkit.refi.project_read import read_qdpx
from reviewkit.store import Store

GIB = 2**30
CB = "urn:QDA-XML:codebook:1.0"
PJ = "urn:QDA-XML:project:1.0"
GUID = "{:08X}-0000-4000-8000-000000000000"
REFUSE_WITHIN_S = 10.0
"""Regression guard only (the bomb took 60-100 s before; refusing takes well under a second)."""


# -- builders -----------------------------------------------------------------------------------
def _alias_bomb(levels: int = 9) -> str:
    """The YAML billion laughs: 9 levels of 9 aliases expand to 9**9 (387 million) strings."""
    lines = ["name: bomb", 'version: "1"', 'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]")
    lines += ["codes:", "  - id: x", "    label: {en: X}", f"    keywords: {{en: *l{levels - 1}}}"]
    return "\n".join(lines) + "\n"


def _project_xml(sources: str = "", codes: str = "", doctype: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<Project xmlns="{PJ}" name="hostile">'
        f"<CodeBook><Codes>{codes}</Codes></CodeBook><Sources>{sources}</Sources></Project>"
    ).encode()


def _text_source(n: int, path: str) -> str:
    return f'<TextSource guid="{GUID.format(n)}" name="source {n}" plainTextPath="{path}"/>'


def _nested_codes(depth: int) -> str:
    opening = "".join(f'<Code guid="{GUID.format(i)}" name="c{i}" isCodable="true">' for i in range(depth))
    return opening + "</Code>" * depth


def _deflate_zeros(size: int) -> bytes:
    """A raw deflate stream of `size` zero bytes built from one compressed MiB repeated: no GiB in memory."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = comp.compress(bytes(2**20)) + comp.flush(zlib.Z_FULL_FLUSH)  # byte-aligned, history reset
    assert size % 2**20 == 0
    return segment * (size // 2**20) + zlib.compressobj(9, zlib.DEFLATED, -15).flush()


def _raw_zip(path: Path, entries: list[tuple[str, bytes, int, int]], flags: int = 0) -> Path:
    """Write a zip by hand: (name, raw deflate data, declared uncompressed size, crc) per entry."""
    out = bytearray()
    central = bytearray()
    for name, data, size, crc in entries:
        offset = len(out)
        encoded = name.encode()
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0
        )
        out += encoded + data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, 8, 0, 0x21, crc, len(data), size, len(encoded),
            0, 0, 0, 0, 0, offset,
        )  # fmt: skip
        central += encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))
    return path


def _deflated(data: bytes) -> tuple[str, bytes, int, int]:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    return "", comp.compress(data) + comp.flush(), len(data), zlib.crc32(data)


def _entry(name: str, data: bytes) -> tuple[str, bytes, int, int]:
    _, raw, size, crc = _deflated(data)
    return name, raw, size, crc


def _bomb_qdpx(path: Path, declared: int) -> Path:
    """A .qdpx whose one source text is 1 GiB of zeros (about 1 MB compressed), declaring `declared` bytes."""
    xml = _project_xml(_text_source(1, "internal://big.txt"))
    return _raw_zip(path, [_entry("project.qde", xml), ("sources/big.txt", _deflate_zeros(GIB), declared, 0)])


def _qdpx(path: Path, xml: bytes, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", xml)
        for name, data in (extra or {}).items():
            zf.writestr(zipfile.ZipInfo(name), data)
    return path


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    """A project with one document, so that 'unchanged' means something."""
    db = tmp_path / "project.db"
    ris = tmp_path / "one.ris"
    ris.write_text("TY  - JOUR\nTI  - Clusters and upgrading in regional economies\nPY  - 2005\nER  - \n")
    result = CliRunner().invoke(cli, ["import", str(ris), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def _refused(args: list[str], db: Path) -> str:
    """Run the CLI; assert exit 1, no traceback and the project unchanged; return the output."""
    before = db.read_bytes()
    result = CliRunner().invoke(cli, [*args, "--db", str(db)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, RecursionError | MemoryError)
    assert db.read_bytes() == before
    return result.output


# -- YAML alias bomb ----------------------------------------------------------------------------
def test_yaml_alias_bomb_is_refused_fast(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(_alias_bomb(), encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    assert time.perf_counter() - start < REFUSE_WITHIN_S
    assert info.value.path == str(path)
    [(where, reason)] = info.value.problems
    assert where == "(file)" and "alias bomb" in reason and "\n" not in reason
    assert "387,420,489" not in reason and "more nodes than the file holds" in reason


def test_recursive_yaml_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text(
        'name: loop\nversion: "1"\ncodes: &c\n  - id: x\n    examples: {en: *c}\n', encoding="utf-8"
    )
    with pytest.raises(CodebookError, match="refers to its own anchor"):
        load_codebook(path)


def test_a_few_aliases_are_still_fine(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(
        'name: ok\nversion: "1"\nlanguages: [en]\ncodes:\n'
        "  - id: a\n    label: {en: A}\n    definition: d\n    keywords: {en: &kw [cluster, network]}\n"
        "    examples: {en: &ex [one example, two examples, three examples]}\n"
        "  - id: b\n    label: {en: B}\n    definition: d\n    keywords: {en: *kw}\n    examples: {en: *ex}\n",
        encoding="utf-8",
    )
    assert load_codebook(path).get("b").keywords == {"en": ("cluster", "network")}


def test_cli_codebook_load_of_a_bomb(tmp_path: Path, project_file: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(_alias_bomb(), encoding="utf-8")
    out = _refused(["codebook", "load", str(path)], project_file)
    assert f"Error: {path}" in out and "alias bomb" in out


# -- zip bombs ----------------------------------------------------------------------------------
def test_qdpx_declaring_a_1_gib_entry_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = _bomb_qdpx(tmp_path / "bomb.qdpx", declared=GIB)
    assert path.stat().st_size < 4 * 2**20  # the whole gibibyte compresses to about a megabyte
    tracemalloc.start()
    try:
        with pytest.raises(ImportFormatError) as info:
            read_qdpx(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MAX_ENTRY_BYTES // 4
    assert info.value.path == str(path)
    assert "sources/big.txt is too large to read safely (declares 1,073,741,824 bytes" in info.value.reason


def test_qdpx_with_a_lying_header_stops_decompressing(tmp_path: Path) -> None:
    path = _bomb_qdpx(tmp_path / "liar.qdpx", declared=1000)  # says 1000 bytes, holds a gibibyte
    tracemalloc.start()
    try:
        with pytest.raises(ImportFormatError) as info:
            read_qdpx(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MAX_ENTRY_BYTES // 4
    assert "sources/big.txt" in info.value.reason and "\n" not in str(info.value)


def test_archive_stops_at_its_limit(tmp_path: Path) -> None:
    path = _raw_zip(tmp_path / "a.zip", [("big.txt", _deflate_zeros(8 * 2**20), 8 * 2**20, 0)])
    with Archive(path, max_entry=2**20) as archive, pytest.raises(ArchiveError, match="too large"):
        archive.read("big.txt")
    with Archive(path, max_entry=16 * 2**20, max_total=4 * 2**20) as archive, pytest.raises(ArchiveError):
        archive.read("big.txt")  # the archive-wide budget counts too


def test_only_referenced_entries_are_read(tmp_path: Path) -> None:
    xml = _project_xml(_text_source(1, "internal://small.txt"))
    path = _raw_zip(
        tmp_path / "p.qdpx",
        [_entry("project.qde", xml), _entry("sources/small.txt", b"fine text"),
         ("sources/unreferenced.txt", _deflate_zeros(GIB), GIB, 0)],
    )  # fmt: skip
    project = read_qdpx(path)  # the gibibyte nobody refers to is never touched
    assert [s.text for s in project.sources] == ["fine text"]


def test_cli_import_of_a_zip_bomb_leaves_the_project_unchanged(tmp_path: Path, project_file: Path) -> None:
    path = _bomb_qdpx(tmp_path / "hostile.qdpx", declared=GIB)
    out = _refused(["import", str(path)], project_file)
    assert f"Error: {path}: its entry sources/big.txt is too large to read safely" in out


# -- deep nesting -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "depth,message", [(1500, "nested more than 256 levels"), (150, "nested more than 100 levels")]
)
def test_deeply_nested_codes_in_a_qdc(tmp_path: Path, depth: int, message: str) -> None:
    path = tmp_path / "deep.qdc"
    path.write_text(
        f'<CodeBook xmlns="{CB}"><Codes>{_nested_codes(depth)}</Codes></CodeBook>', encoding="utf-8"
    )
    with pytest.raises(CodebookError) as info:
        import_codebook(path)
    assert info.value.path == str(path)
    assert message in info.value.problems[0][1]


@pytest.mark.parametrize(
    "depth,message", [(1500, "nested more than 256 levels"), (150, "nested more than 100 levels")]
)
def test_deeply_nested_codes_in_a_qdpx(tmp_path: Path, depth: int, message: str, project_file: Path) -> None:
    path = _qdpx(tmp_path / "deep.qdpx", _project_xml(codes=_nested_codes(depth)))
    with pytest.raises(ImportFormatError, match=message):
        read_qdpx(path)
    assert message in _refused(["import", str(path)], project_file)


def test_deep_code_path_in_one_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "path.qdc"
    name = "::".join(f"c{i}" for i in range(1500))  # ATLAS.ti style Parent::Child names
    path.write_text(f'<CodeBook xmlns="{CB}"><Codes><Code guid="{GUID.format(1)}" name="{name}" '
                    'isCodable="true"/></Codes></CodeBook>', encoding="utf-8")  # fmt: skip
    with pytest.raises(CodebookError, match="nested more than 100 levels"):
        import_codebook(path)


# -- entities and local files -------------------------------------------------------------------
def _xxe(secret: Path) -> str:
    return f'<!DOCTYPE Project [<!ENTITY secret SYSTEM "file://{secret.as_posix()}">]>'


def test_qdc_with_an_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    path = tmp_path / "xxe.qdc"
    path.write_text(
        f'<?xml version="1.0"?>{_xxe(secret)}<CodeBook xmlns="{CB}"><Codes><Code guid="{GUID.format(1)}" '
        'name="&secret;" isCodable="true"/></Codes></CodeBook>',
        encoding="utf-8",
    )
    with pytest.raises(CodebookError) as info:
        import_codebook(path)
    assert "declares entities" in str(info.value) and "TOP-SECRET" not in str(info.value)


def test_qdpx_with_an_external_entity_is_refused(tmp_path: Path, project_file: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    xml = _project_xml(
        f'<TextSource guid="{GUID.format(1)}" name="s"><PlainTextContent>&secret;</PlainTextContent></TextSource>',
        doctype=_xxe(secret),
    )
    path = _qdpx(tmp_path / "xxe.qdpx", xml)
    with pytest.raises(ImportFormatError, match="declares entities"):
        read_qdpx(path)
    out = _refused(["import", str(path)], project_file)
    assert "TOP-SECRET" not in out


def test_xml_entity_expansion_bomb_is_refused(tmp_path: Path) -> None:
    ents = '<!ENTITY a "lollollollollol">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    )
    path = tmp_path / "lol.qdc"
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE CodeBook [{ents}]><CodeBook xmlns="{CB}"><Codes>'
                    f'<Code guid="{GUID.format(1)}" name="&j;" isCodable="true"/></Codes></CodeBook>')  # fmt: skip
    start = time.perf_counter()
    with pytest.raises(CodebookError, match="declares entities"):
        import_codebook(path)
    assert time.perf_counter() - start < REFUSE_WITHIN_S


def test_source_paths_outside_the_archive_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    sources = "".join(
        _text_source(i, ref)
        for i, ref in enumerate(
            [f"absolute://{secret.as_posix()}", f"file://{secret.as_posix()}", "relative://secret.txt",
             "internal://../secret.txt", "internal://../../secret.txt"]
        )
    )  # fmt: skip
    path = _qdpx(tmp_path / "local.qdpx", _project_xml(sources))
    project = read_qdpx(path)
    assert project.sources == []
    assert len(project.skipped) == 5 and all("is not inside the archive" in s for s in project.skipped)


def test_zip_slip_entries_are_neither_read_nor_written(tmp_path: Path) -> None:
    target = tmp_path / "work"
    target.mkdir()
    names = ["../../evil.txt", "/tmp/evil-abs.txt", "sources/../../evil2.txt", "C:/evil.txt", "..\\evil3.txt"]
    assert all(unsafe_name(n) for n in names) and not unsafe_name("sources/ok.txt")
    sources = "".join(
        _text_source(i, f"internal://{n.removeprefix('sources/')}") for i, n in enumerate(names)
    )
    path = _qdpx(target / "slip.qdpx", _project_xml(sources), {n: b"EVIL" for n in names})
    before = sorted(p for p in tmp_path.parent.rglob("*evil*"))
    with Archive(path) as archive:
        assert archive.names == ["project.qde"]
        assert all(archive.find(n) is None for n in names)
    store = Store.open(target / "p.db")
    try:
        result = import_qdpx(store, path)
    finally:
        store.close()
    assert result.documents_added == 0 and len(result.skipped) == len(names)
    assert sorted(p for p in tmp_path.parent.rglob("*evil*")) == before
    assert {p.name for p in target.iterdir()} <= {"p.db", "p.db-wal", "p.db-shm", "slip.qdpx"}


def test_codebook_import_of_a_hostile_qdpx_writes_no_output(tmp_path: Path) -> None:
    path = _raw_zip(tmp_path / "bomb.qdpx", [("project.qde", _deflate_zeros(GIB), GIB, 0)])
    codes = f"<Codes>{_nested_codes(1500)}</Codes>"
    deep = _qdpx(tmp_path / "deep.qdpx", _project_xml().replace(b"<Codes></Codes>", codes.encode()))
    for hostile in (path, deep):
        out = tmp_path / "out.yaml"
        result = CliRunner().invoke(cli, ["codebook", "import", str(hostile), "-o", str(out)])
        assert result.exit_code == 1, result.output
        assert f"Error: {hostile}" in result.output and "Traceback" not in result.output
        assert not out.exists()


def test_a_huge_bare_qdc_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.qdc"
    with path.open("wb") as fh:  # a sparse file: 100 MiB declared, nothing written
        fh.truncate(100 * 2**20)
    with pytest.raises(CodebookError, match="too large to read safely"):
        import_codebook(path)
    qde = path.with_suffix(".qde")
    path.rename(qde)
    with pytest.raises(ImportFormatError, match="too large to read safely"):
        read_qdpx(qde)


def test_an_encrypted_or_corrupt_archive_is_one_clear_error(tmp_path: Path, project_file: Path) -> None:
    xml = _project_xml(_text_source(1, "internal://a.txt"))
    locked = _raw_zip(tmp_path / "locked.qdpx", [_entry("project.qde", xml)], flags=1)  # "encrypted"
    with pytest.raises(
        ImportFormatError, match="project.qde is encrypted; export the project without a password"
    ):
        read_qdpx(locked)
    broken = tmp_path / "broken.qdpx"
    broken.write_bytes(_qdpx(tmp_path / "ok.qdpx", xml).read_bytes()[:-30])  # the central directory cut
    with pytest.raises(ImportFormatError, match="not a zip archive, as a .qdpx must be"):
        read_qdpx(broken)
    for path in (locked, broken):
        out = _refused(["import", str(path)], project_file)
        assert out.startswith(f"Error: {path}") and out.count("\n") == 1
