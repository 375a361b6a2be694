"""The corpus commands through click: exact output, exit codes, and a project left unchanged on errors."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from reviewkit.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SEED = str(ROOT / "corpus" / "seed-wen-zeng-2005.txt")
RIS = "TY  - JOUR\nAU  - Storper, Michael\nTI  - The resurgence of regional economies, ten years later\nPY  - 1995\nT2  - European Urban and Regional Studies\nAB  - Untraded interdependencies tie firms to regions.\nER  - \n"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_init_import_list_show_search_stats(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    code, out = run("init", "--db", db)
    assert (code, out) == (0, f"Created project: {db}\n")
    ris = tmp_path / "storper.ris"
    ris.write_text(RIS, encoding="utf-8")
    code, out = run("import", SEED, str(ris), "--db", db)
    assert code == 0, out
    assert f"{SEED} [citation, utf-8]: 1 records, 1 added, 0 merged duplicates, 0 skipped" in out
    assert f"{ris} [ris, utf-8]: 1 records, 1 added, 0 merged duplicates, 0 skipped" in out
    assert out.rstrip().endswith(f"Project {db}: 2 documents.")

    code, out = run("docs", "list", "--json", "--db", db)
    rows = json.loads(out)
    assert code == 0 and [r["year"] for r in rows] == [1995, 2005]
    code, out = run("docs", "show", rows[0]["key"], "--json", "--db", db)
    doc = json.loads(out)
    assert doc["authors"] == ["Storper, Michael"] and doc["sources"][0]["source_format"] == "ris"
    code, out = run("docs", "show", str(rows[1]["id"]), "--db", db)
    assert code == 0 and "人文地理" in out and "HUMAN GEOGRAPHY" in out

    code, out = run("search", "价值链", "--json", "--db", db)
    assert [r["year"] for r in json.loads(out)] == [2005]
    code, out = run("search", "untraded", "--json", "--db", db)
    assert [r["year"] for r in json.loads(out)] == [1995]

    code, out = run("stats", "--json", "--db", db)
    s = json.loads(out)
    assert (s["documents"], s["records_imported"], s["duplicates_merged"], s["bilingual"]) == (2, 2, 0, 1)

    code, out = run("import", str(ris), "--db", db)
    assert "1 records, 0 added, 1 merged duplicates, 0 skipped" in out


def test_bad_file_exit_1_names_file_and_line_and_changes_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    good = tmp_path / "good.ris"
    good.write_text(RIS, encoding="utf-8")
    bad = tmp_path / "bad.ris"
    bad.write_text(RIS + "\nTY  - JOUR\nTI  - no end\n", encoding="utf-8")
    code, out = run("import", str(good), str(bad), "--db", db)
    assert code == 1
    assert out.startswith(f"Error: {bad}, line 9")
    code, out = run("stats", "--json", "--db", db)
    assert json.loads(out)["documents"] == 0


def test_empty_binary_unknown_and_missing_files(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    empty = tmp_path / "empty.ris"
    empty.write_bytes(b"")
    binary = tmp_path / "x.ris"
    binary.write_bytes(bytes(range(256)) * 4)
    unknown = tmp_path / "notes.txt"
    unknown.write_text("Shopping list: milk, eggs.\nCall Anna.\n", encoding="utf-8")
    for f in (empty, binary, unknown):
        code, out = run("import", str(f), "--db", db)
        assert code == 1 and out.startswith(f"Error: {f}"), out
    code, out = run("import", str(unknown), "--format", "riss", "--db", db)
    assert code == 1 and "riss" in out and "ris" in out
    code, out = run("import", str(tmp_path / "missing.ris"), "--db", db)
    assert code == 1 and "no such file" in out


def test_skip_bad_reports_each_skipped_record(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    f = tmp_path / "mixed.jsonl"
    f.write_text('{"title": "Trust in districts", "year": 1996}\n{broken\n{"title": "Pipelines", "year": 2004}\n', encoding="utf-8")
    code, out = run("import", str(f), "--db", db)
    assert code == 1 and "line 2" in out
    code, out = run("import", str(f), "--skip-bad", "--db", db)
    assert code == 0
    assert "2 added, 0 merged duplicates, 1 skipped" in out
    assert f"skipped: {f}, line 2" in out


def test_commands_on_missing_project_fail_cleanly(tmp_path: Path) -> None:
    db = str(tmp_path / "none.db")
    for args in (["stats"], ["docs", "list"], ["search", "x"]):
        code, out = run(*args, "--db", db)
        assert code == 1 and "reviewkit init" in out
    assert not Path(db).exists()


def test_dedupe_lists_and_merges(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    f = tmp_path / "d.ris"
    f.write_text(
        RIS + "\nTY  - JOUR\nTI  - The resurgence of regional economies: ten years on\nPY  - 1995\nER  - \n", encoding="utf-8"
    )
    run("import", str(f), "--db", db)
    code, out = run("dedupe", "--json", "--db", db)
    pairs = json.loads(out)
    assert code == 0 and len(pairs) == 1
    code, out = run("dedupe", "--merge", str(pairs[0]["a"]), str(pairs[0]["b"]), "--db", db)
    assert code == 0 and out == f"Merged document {pairs[0]['b']} into {pairs[0]['a']}.\n"
    code, out = run("dedupe", "--db", db)
    assert out == "No near-duplicate pairs.\n"


def test_import_a_folder_leaves_out_non_exports(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "a.ris").write_text(RIS, encoding="utf-8")
    (folder / "README.md").write_text("# My exports\n\nFrom Scopus, May.\n", encoding="utf-8")
    code, out = run("import", str(folder), "--db", db)
    assert code == 0, out
    assert f"{folder / 'README.md'}: left out" in out
    assert "1 records, 1 added" in out


def test_demo_corpus_imports_whole(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    code, out = run("import", str(ROOT / "corpus"), "--db", db)
    assert code == 0, out
    code, out = run("stats", "--json", "--db", db)
    s = json.loads(out)
    assert s["documents"] == 119 and s["duplicates_merged"] == 0
    assert s["by_language"]["zh"] >= 0.22 * s["documents"]
    assert min(s["years"]) == 1990 and max(s["years"]) == 2015


def test_reviewkit_db_environment_variable(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "env.db"
    monkeypatch.setenv("REVIEWKIT_DB", str(db))
    code, out = run("init")
    assert code == 0 and out == f"Created project: {db}\n"
    monkeypatch.setenv("REVIEWKIT_CODER", "zhang")
    from reviewkit.config import settings

    assert settings().coder == "zhang" and settings().db == str(db)
