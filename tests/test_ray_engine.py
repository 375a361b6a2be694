"""The Ray engine (`reviewkit code --engine ray`): same scores as the local engine, resumable, and its CLI message.

A local Ray is started once for the module (``ray.init(num_cpus=2)``) and the pool has 2 actors,
each loading the real bundled model. Skipped with its reason where ray is not installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reviewkit.codebook import load_codebook
from reviewkit.project.coding import run_tagger
from reviewkit.project.encoding import make_embedder
from reviewkit.store import Store
from reviewkit.store.base import now

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "data" / "tagger-mini.yaml"

DOCS = [
    ("Collective learning in the Wenzhou shoe cluster",
     "Tacit knowledge circulates among local firms. Factories adopted lean production and cut defects."),
    ("Upgrading in global value chains",
     "Suppliers moved into design and branding. Lead firms in Europe set the standards."),
    ("Machine learning for images", "We classify photographs with a neural network. Accuracy is high."),
    ("集群升级研究", "温州鞋业企业通过精益生产提高了生产效率。企业从低档产品转向高端产品。"),
    ("Learning regions in Zhejiang", "Local universities train engineers for the cluster's firms."),
    ("Process upgrading", "Firms cut costs with new machines and better logistics. Defects fell."),
]  # fmt: skip
"""Six documents, about 15 passages: small enough for a quick run, varied enough for every code."""
UNIT = 2
"""Documents per unit of work (and per local page), so a run has several units."""


@pytest.fixture(scope="module")
def ray_local() -> Iterator[Any]:
    """A local Ray with 2 CPUs for this module (skips when ray is not installed)."""
    ray = pytest.importorskip("ray", reason='ray is not installed (pip install -e ".[ray]")')
    pytest.importorskip("ray.data", reason='ray[data] is not installed (pip install -e ".[ray]")')
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def embedder(st_model: Any) -> Any:
    return make_embedder(model_obj=st_model)


def _project(path: Path) -> Store:
    store = Store.open(path, create=True)
    for i, (title, abstract) in enumerate(DOCS):
        store.db["documents"].insert({"key": f"d{i}", "title": title, "abstract": abstract, "imported_at": now()})
    return store


def _scores(store: Store) -> dict[tuple[str, str], tuple[float, float, str]]:
    """(passage text, code) -> (score, threshold, method): comparable across two project files."""
    return {
        (store.passages.get(r.passage_id).text, r.code_id): (r.score, r.threshold, r.suggestion.method)  # type: ignore[union-attr]
        for r in store.suggestions.list()
    }


def _engine() -> Any:
    from reviewkit.project.engines.ray_engine import RayEngine

    return RayEngine(workers=2, docs_per_unit=UNIT)


@pytest.fixture(scope="module")
def local_scores(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> dict[tuple[str, str], Any]:
    store = _project(tmp_path_factory.mktemp("local") / "p.db")
    summary = run_tagger(store, codebook=load_codebook(MINI), embedder=embedder, docs_per_batch=UNIT)
    assert summary.passages >= 12 and summary.suggestions > 0
    scores = _scores(store)
    store.close()
    return scores


def test_ray_scores_equal_local_scores(
    ray_local: Any, tmp_path: Path, embedder: Any, local_scores: dict[tuple[str, str], Any]
) -> None:
    store = _project(tmp_path / "p.db")
    codebook = load_codebook(MINI)
    summary = run_tagger(store, codebook=codebook, embedder=embedder, engine=_engine())
    assert summary.documents == len(DOCS) and summary.codes == [c.id for c in codebook.leaves()]
    ray_scores = _scores(store)
    assert ray_scores.keys() == local_scores.keys()
    for key, (score, threshold, method) in ray_scores.items():
        assert score == pytest.approx(local_scores[key][0], abs=1e-6), key
        assert (threshold, method) == local_scores[key][1:]
    # The actors' embeddings went into the project's cache, one per distinct passage text.
    assert summary.embedded >= len({text for text, _ in ray_scores})
    # A second run finds nothing to do (and starts no Ray pipeline).
    again = run_tagger(store, codebook=codebook, embedder=embedder, engine=_engine())
    assert again.up_to_date and again.message() == "0 passages to code; up to date."
    store.close()


class Interrupted(Exception):
    """Raised by the progress callback after the first written unit."""


def test_interrupted_ray_run_resumes_to_the_local_result(
    ray_local: Any, tmp_path: Path, embedder: Any, local_scores: dict[tuple[str, str], Any]
) -> None:
    store = _project(tmp_path / "p.db")
    codebook = load_codebook(MINI)

    def stop_after_first_write(done: int, total: int, stage: str) -> None:
        if stage == "coding" and done > 0:
            raise Interrupted

    with pytest.raises(Interrupted):
        run_tagger(store, codebook=codebook, embedder=embedder, engine=_engine(), progress=stop_after_first_write)
    first = store.suggestions.runs()[0]
    written = store.db.execute("SELECT count(DISTINCT document_id) FROM tag_state").fetchone()[0]
    assert 0 < written < len(DOCS), "the run should stop after its first unit"
    partial = _scores(store)
    assert partial and len(partial) < len(local_scores)

    resumed = run_tagger(store, codebook=codebook, embedder=embedder, engine=_engine())
    assert resumed.documents == len(DOCS) - written  # only what the first run did not write
    assert resumed.embedded < len(local_scores)  # the written unit's vectors came from the cache
    final = _scores(store)
    assert final.keys() == local_scores.keys()
    assert all(final[k][0] == pytest.approx(v[0], abs=1e-6) for k, v in local_scores.items())
    assert first.id != resumed.run_id
    assert run_tagger(store, codebook=codebook, embedder=embedder, engine=_engine()).up_to_date
    store.close()


def test_cli_engine_ray_without_ray_says_how_to_install(tmp_path: Path) -> None:
    # In a child process where `import ray` fails (this one may have a Ray running).
    db = tmp_path / "p.db"
    _project(db).close()
    code = (
        "import sys\n"
        "sys.modules['ray'] = None  # import ray raises ImportError\n"
        "from reviewkit.cli import main\n"
        f"sys.argv = ['reviewkit', 'code', '--db', {str(db)!r}, '--engine', 'ray']\n"
        "main()\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and 'pip install -e ".[ray]"' in lines[0] and lines[0].startswith("Error:"), result.stderr
    assert result.stdout == ""
    assert Store.open(db).suggestions.runs() == []  # nothing started


def test_cli_local_engine_refuses_ray_options(tmp_path: Path) -> None:
    from reviewkit.cli import cli

    db = tmp_path / "p.db"
    _project(db).close()
    result = CliRunner().invoke(cli, ["code", "--db", str(db), "--workers", "4"])
    assert result.exit_code == 1
    assert "--address and --workers are for --engine ray" in result.output


def test_cli_refuses_a_ray_client_address(tmp_path: Path) -> None:
    from reviewkit.cli import cli

    db = tmp_path / "p.db"
    _project(db).close()
    result = CliRunner().invoke(cli, ["code", "--db", str(db), "--engine", "ray", "--address", "ray://head:10001"])
    assert result.exit_code == 1
    assert "Ray Data does not run through Ray Client" in result.output and "--address auto" in result.output
    assert Store.open(db).suggestions.runs() == []
