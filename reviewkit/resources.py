"""Provides the paths of the data bundled with reviewkit: the demo corpus and the default codebook."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
DEFAULT_CODEBOOK = "cluster-upgrading.yaml"


def _first_existing(candidates: list[Path]) -> Path:
    for path in candidates:
        if path.exists():
            return path
    return candidates[-1]


def default_codebook_path() -> Path:
    """The bundled cluster-upgrading codebook: the checkout's `codebooks/`, else the package data."""
    return _first_existing([PACKAGE.parent / "codebooks" / DEFAULT_CODEBOOK, PACKAGE / "data" / DEFAULT_CODEBOOK])


def demo_corpus_dir() -> Path:
    """The bundled demo corpus: the checkout's `corpus/`, else the package data."""
    return _first_existing([PACKAGE.parent / "corpus", PACKAGE / "data" / "corpus"])


def schema_path(name: str) -> Path:
    """A REFI-QDA XML schema shipped in `reviewkit/data/` (e.g. ``Project-mrt2019.xsd``)."""
    return PACKAGE / "data" / name
