"""Tests of `reviewkit evaluate` and of the tagger's quality on the shared dev set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from reviewkit.cli import cli
from reviewkit.errors import EvaluationError
from reviewkit.project.encoding import make_embedder
from reviewkit.project.evaluation import evaluate_gold

MINI = Path(__file__).parent / "data" / "tagger-mini.yaml"

GOLD = [
    {
        "id": "g1",
        "lang": "en",
        "text": "Factories adopted lean production in Wenzhou.",
        "codes": ["upgrading.process", "context.china"],
    },
    {"id": "g2", "lang": "en", "text": "We use machine learning on satellite images.", "codes": []},
    {"id": "g3", "lang": "zh", "text": "企业从低档产品转向高端产品。", "codes": ["upgrading.product"]},
    {
        "id": "g4",
        "lang": "en",
        "text": "Tacit knowledge circulates among local firms.",
        "codes": ["regionalism.collective_learning"],
    },
]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_evaluate_cli_json(tmp_path: Path) -> None:
    gold = _write(tmp_path / "gold.jsonl", [json.dumps(g, ensure_ascii=False) for g in GOLD])
    result = CliRunner().invoke(
        cli, ["evaluate", str(gold), "--codebook", str(MINI), "--method", "rules", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"per_code", "micro_f1", "macro_f1", "n_passages", "method", "mean_kappa", "by_lang"} <= set(data)
    assert data["n_passages"] == 4 and data["method"] == "rules"
    assert set(data["per_code"]) == {
        "regionalism.collective_learning",
        "upgrading.process",
        "upgrading.product",
        "context.china",
    }
    assert set(data["per_code"]["upgrading.process"]) == {"precision", "recall", "f1", "kappa", "support"}
    assert data["per_code"]["upgrading.process"] == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "kappa": 1.0,
        "support": 1,
    }
    assert set(data["by_lang"]) == {"en", "zh"}


def test_evaluate_cli_table(tmp_path: Path) -> None:
    gold = _write(tmp_path / "gold.jsonl", [json.dumps(g, ensure_ascii=False) for g in GOLD])
    result = CliRunner().invoke(cli, ["evaluate", str(gold), "--codebook", str(MINI), "--method", "rules"])
    assert result.exit_code == 0, result.output
    assert "macro F1" in result.output and "upgrading.process" in result.output


def test_unknown_code_names_code_and_line(tmp_path: Path) -> None:
    bad = dict(GOLD[0], codes=["upgrading.process", "upgrading.teleport"])
    gold = _write(tmp_path / "gold.jsonl", [json.dumps(GOLD[1]), "", json.dumps(bad)])
    with pytest.raises(EvaluationError, match=r"line 3: code 'upgrading.teleport'"):
        evaluate_gold(gold, MINI, method="rules")
    result = CliRunner().invoke(cli, ["evaluate", str(gold), "--codebook", str(MINI), "--method", "rules"])
    assert result.exit_code == 1
    assert "line 3" in result.output and "upgrading.teleport" in result.output


def test_malformed_json_names_line(tmp_path: Path) -> None:
    gold = _write(tmp_path / "gold.jsonl", [json.dumps(GOLD[0]), '{"text": "broken", "codes": [}'])
    with pytest.raises(EvaluationError, match="line 2: not valid JSON"):
        evaluate_gold(gold, MINI, method="rules")


class _Memo:
    """Wraps the real embedder with an in-memory cache so the three methods embed the codebook once."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.cache: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if todo:
            self.cache.update(zip(todo, self.inner.encode(todo, batch_size=batch_size), strict=True))
        return np.stack([self.cache[t] for t in texts])


@pytest.mark.embeddings
def test_hybrid_beats_rules_and_embeddings_on_dev(
    shared_dir: Path, codebook_path: Path, st_model: Any
) -> None:
    dev = shared_dir / "eval" / "dev.jsonl"
    if not dev.is_file() or not codebook_path.is_file():
        pytest.skip("dev set or bundled codebook not available")
    memo = _Memo(make_embedder(model_obj=st_model))
    scores = {
        m: evaluate_gold(dev, codebook_path, method=m, embedder=memo)
        for m in ("rules", "embeddings", "hybrid")
    }
    hybrid = scores["hybrid"]
    assert hybrid.macro_f1 >= 0.70
    assert hybrid.macro_f1 > scores["rules"].macro_f1 + 0.05
    assert hybrid.macro_f1 > scores["embeddings"].macro_f1 + 0.05
    assert hybrid.mean_kappa >= 0.60
