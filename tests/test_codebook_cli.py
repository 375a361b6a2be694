"""The codebook commands through click: exact output and exit codes; nothing written on errors."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from lxml import etree

from reviewkit.cli import cli

DATA = Path(__file__).resolve().parent / "data"
SMALL = str(DATA / "codebook-small.yaml")
BROKEN = str(DATA / "codebook-broken.yaml")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_validate() -> None:
    assert run("codebook", "validate", SMALL) == (
        0,
        f"{SMALL}: valid — 4 codes in 2 groups (small-test 0.3)\n",
    )
    code, out = run("codebook", "validate", BROKEN)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"Error: {BROKEN}: 19 problem(s)"
    assert "  codes[1].keywords.zh[2]: expected a string, got a number (5) (line 16)" in lines
    assert "  langauges: unknown key 'langauges'; did you mean 'languages'? (line 4)" in lines
    assert len(lines) == 20


def test_validate_bad_encoding_and_missing(tmp_path: Path) -> None:
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes(Path(SMALL).read_text(encoding="utf-8").encode("gbk"))
    code, out = run("codebook", "validate", str(gbk))
    assert code == 1 and "not UTF-8" in out and "GBK/GB18030" in out
    code, out = run("codebook", "validate", str(tmp_path / "nope.yaml"))
    assert (code, out) == (1, f"Error: {tmp_path / 'nope.yaml'}: 1 problem(s)\n  (file): no such file\n")


def test_load_show_versions(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    assert run("codebook", "load", SMALL, "--db", db) == (
        0,
        "loaded small-test 0.3 as version 1 (4 codes in 2 groups)\n",
    )
    assert run("codebook", "load", SMALL, "--db", db) == (
        0,
        "unchanged: small-test 0.3 is already version 1\n",
    )
    edited = tmp_path / "edited.yaml"
    edited.write_text(Path(SMALL).read_text(encoding="utf-8").replace('"0.3"', '"0.4"'), encoding="utf-8")
    assert run("codebook", "load", str(edited), "--db", db) == (
        0,
        "loaded small-test 0.4 as version 2 (4 codes in 2 groups)\n",
    )
    assert run("codebook", "load", SMALL, "--db", db) == (
        0, "restored small-test 0.3 (version 1) as the current version\n"
    )  # fmt: skip
    code, out = run("codebook", "load", BROKEN, "--db", db)
    assert code == 1 and out.startswith(f"Error: {BROKEN}: 19 problem(s)")

    code, out = run("codebook", "show", "--db", db)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "small-test 0.3 (stored version 1): 4 codes in 2 groups"
    assert lines[1].startswith("regionalism ") and lines[1].endswith(
        "New regionalism / 新区域主义  [suggested 0, accepted 0, rejected 0]"
    )
    assert lines[3].startswith("  regionalism.collective_learning  Collective learning / 集体学习")
    assert (
        lines[4]
        == "      The passage discusses learning or knowledge spillovers that happen collectively within a"
    )

    code, out = run("codebook", "show", "--db", db, "--json")
    data = json.loads(out)
    assert code == 0 and data["name"] == "small-test" and len(data["codes"]) == 6
    assert data["codes"][1]["parent"] == "regionalism" and data["codes"][1]["depth"] == 1
    assert data["codes"][1]["counts"] == {"suggested": 0, "accepted": 0, "rejected": 0}


def test_show_file_without_project(tmp_path: Path) -> None:
    code, out = run("codebook", "show", SMALL, "--short", "--db", str(tmp_path / "none.db"))
    assert code == 0
    assert out.splitlines()[0] == f"small-test 0.3 ({SMALL}): 4 codes in 2 groups"
    assert len(out.splitlines()) == 7  # title + 6 codes, no definitions, no counts
    assert not (tmp_path / "none.db").exists()
    code, out = run("codebook", "show", "--db", str(tmp_path / "none.db"))
    assert code == 1 and "No project at" in out


def test_show_empty_project(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    assert run("init", "--db", db)[0] == 0
    code, out = run("codebook", "show", "--db", db)
    assert code == 1 and "Load one with `reviewkit codebook load FILE`" in out


def test_export_qdc_and_yaml(tmp_path: Path, shared_fixtures: Path) -> None:
    db = str(tmp_path / "p.db")
    run("codebook", "load", SMALL, "--db", db)
    out = tmp_path / "cb.qdc"
    assert run("codebook", "export", "--format", "qdc", str(out), "--db", db, "--validate") == (
        0, f"wrote {out} (qdc: small-test 0.3, 6 codes, valid)\n"
    )  # fmt: skip
    schema = etree.XMLSchema(etree.parse(str(shared_fixtures / "refi_qda" / "Codebook-mrt2019.xsd")))
    schema.assertValid(etree.parse(str(out)))
    before = out.read_bytes()
    assert run("codebook", "export", "--format", "qdc", str(out), "--db", db) == (
        1, f"Error: {out} already exists; use --force to overwrite it\n"
    )  # fmt: skip
    assert run("codebook", "export", str(out), "--db", db, "--force")[0] == 0
    assert out.read_bytes() == before  # same GUIDs, same bytes
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp files left

    yml = tmp_path / "cb.yaml"
    assert run("codebook", "export", str(yml), "--codebook", SMALL)[0] == 0
    assert run("codebook", "validate", str(yml))[0] == 0
    code, msg = run("codebook", "export", str(tmp_path / "cb.txt"), "--codebook", SMALL)
    assert code == 1 and "pass --format qdc or --format yaml" in msg


def test_import(tmp_path: Path, shared_fixtures: Path) -> None:
    QDE = str(shared_fixtures / "refi_qda" / "skyloom_atlasti_standard_project.qde")
    out = tmp_path / "atlas.yaml"
    code, text = run("codebook", "import", QDE, "-o", str(out))
    assert code == 0
    assert (
        text.splitlines()[0]
        == f"wrote {out}: atlas-ti-standard-project, 14 codes (13 codes in 1 group) from {QDE}"
    )
    assert "to complete before `reviewkit codebook load`" in text  # definitions and examples are missing
    assert "  - id: coke.diet_coke\n    label: {en: diet Coke}\n" in out.read_text(encoding="utf-8")
    assert run("codebook", "import", QDE, "-o", str(out))[0] == 1  # exists, no --force

    # qdc -> yaml of our own export is ready to load again
    qdc = tmp_path / "small.qdc"
    run("codebook", "export", str(qdc), "--codebook", SMALL)
    back = tmp_path / "back.yaml"
    code, text = run("codebook", "import", str(qdc), "-o", str(back))
    assert (code, text) == (0, f"wrote {back}: small-test, 6 codes (4 codes in 2 groups) from {qdc}\n")
    assert run("codebook", "validate", str(back))[0] == 0


def test_import_bad_input_writes_nothing(tmp_path: Path) -> None:
    html = tmp_path / "page.qdc"
    html.write_text("<html><body>not a codebook</body></html>", encoding="utf-8")
    out = tmp_path / "out.yaml"
    code, text = run("codebook", "import", str(html), "-o", str(out))
    assert code == 1 and "not a REFI-QDA codebook: the root element is <html>" in text
    assert not out.exists()
    code, text = run("codebook", "import", str(tmp_path / "x.docx"), "-o", str(out))
    assert code == 1 and "unknown codebook format .docx" in text and not out.exists()
