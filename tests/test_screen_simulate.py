"""`reviewkit screen simulate`: JSON keys, above-random figures on the fixture, RIS input, clear errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewkit.cli import cli
from reviewkit.learn import METRICS

DATA = Path(__file__).parent / "data" / "screening_labelled.csv"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["screen", "simulate", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_json_report() -> None:
    code, out = _run(str(DATA), "--seeds", "3", "--json")
    assert code == 0, out
    report = json.loads(out)
    assert {"file", "format", "records", "included", "features", "learner", "strategy", "seeds",
            "prior_included", "prior_excluded", "model", "random", "runs"} <= set(report)  # fmt: skip
    assert (report["records"], report["included"], report["format"]) == (57, 10, "csv")
    assert report["seeds"] == [0, 1, 2] and len(report["runs"]) == 3
    assert set(report["model"]) == set(METRICS) == set(report["random"])
    model, rand = report["model"], report["random"]
    assert model["recall@25"] > rand["recall@25"] + 0.25
    assert model["wss@95"] > 0.3 and model["n@95"] < rand["n@95"]
    assert 0 <= model["recall@10"] <= model["recall@25"] <= 1


def test_table_output() -> None:
    code, out = _run(str(DATA), "--seeds", "1", "--learner", "nb")
    assert code == 0, out
    assert "WSS@95" in out and "recall after 25 % screened" in out and "random" in out
    assert "57 records, 10 included; nb on tfidf, certainty order" in out


def test_ris_with_asreview_notes(tmp_path: Path) -> None:
    with DATA.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    lines = []
    for r in rows:
        mark = "ASReview_relevant" if r["label_included"] == "1" else "ASReview_irrelevant"
        lines += ["TY  - JOUR", f"TI  - {r['title']}", f"AB  - {r['abstract']}", f"N1  - {mark}", "ER  - ", ""]
    path = tmp_path / "labelled.ris"
    path.write_text("\n".join(lines), encoding="utf-8")
    code, out = _run(str(path), "--seeds", "2", "--json")
    assert code == 0, out
    report = json.loads(out)
    assert (report["format"], report["records"], report["included"]) == ("ris", 57, 10)
    assert report["model"]["wss@95"] > report["random"]["wss@95"]


def test_file_without_labels_names_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "unlabelled.csv"
    path.write_text("title,abstract,year\nA study of gardens,Gardens feed people,2020\nCorals,Reefs bleach,2021\n",
                    encoding="utf-8")  # fmt: skip
    code, out = _run(str(path))
    assert code == 1
    assert out.startswith("Error: ") and str(path) in out
    assert "label_included" in out and "title, abstract, year" in out


def test_record_without_label_is_named(tmp_path: Path) -> None:
    path = tmp_path / "partial.csv"
    path.write_text("title,abstract,label_included\nGardens,Food,1\nCorals,Reefs,\nBridges,Steel,0\n", encoding="utf-8")
    code, out = _run(str(path))
    assert code == 1
    assert f"{path}, line 3 (record 2): record 2 has no label" in out and "1 of 3" in out


def test_unreadable_label_value(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("title,abstract,label_included\nGardens,Food,1\nCorals,Reefs,perhaps\n", encoding="utf-8")
    code, out = _run(str(path))
    assert code == 1 and "unreadable label label_included='perhaps' (use 1 or 0)" in out


def test_one_class_only(tmp_path: Path) -> None:
    path = tmp_path / "all_in.csv"
    path.write_text("title,abstract,label_included\nGardens,Food,1\nCorals,Reefs,1\n", encoding="utf-8")
    code, out = _run(str(path))
    assert code == 1 and "has no exclusion" in out


@pytest.mark.parametrize("args", [["--prior-included", "10"], ["--prior-excluded", "48"]])
def test_too_many_priors(args: list[str]) -> None:
    code, out = _run(str(DATA), *args)
    assert code == 1
    assert "has 10 inclusions and 47 exclusions: --prior-included must be below 10" in out


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    code, out = _run(str(tmp_path / "nope.csv"))
    assert code == 2 and "does not exist" in out


def test_cold_start_with_criteria_and_no_prior_inclusion() -> None:
    code, out = _run(str(DATA), "--seeds", "2", "--prior-included", "0", "--prior-excluded", "0",
                     "--criteria", "community gardens and urban food security", "--json")  # fmt: skip
    assert code == 0, out
    report = json.loads(out)
    assert report["model"]["recall@10"] > 0.3 > report["random"]["recall@10"]


def test_service_with_the_bundled_model(st_model: object) -> None:
    from reviewkit.project.screening_sim import bundled_encoder, simulate_file

    report = simulate_file(DATA, seeds=2, encode=bundled_encoder(st_model))
    assert report["features"] == "tfidf+embeddings"
    assert report["model"]["wss@95"] > report["random"]["wss@95"] + 0.3
