"""`mypy --strict` (configured in pyproject's [tool.mypy]) passes on the whole `reviewkit` package."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PENDING: set[str] = set()
"""Files allowed to fail mypy for now (none: the whole package is strict-clean)."""


def test_mypy_strict_is_clean() -> None:
    api = pytest.importorskip("mypy.api", reason="mypy is not installed (pip install -e '.[test]')")
    stdout, stderr, _status = api.run(["--config-file", str(ROOT / "pyproject.toml"), str(ROOT / "reviewkit")])
    errors = [line for line in stdout.splitlines() if re.search(r": error: ", line)]
    assert not stderr.strip(), stderr
    relative = [line.replace(str(ROOT) + "/", "") for line in errors]
    unexpected = [line for line in relative if line.split(":", 1)[0] not in PENDING]
    assert not unexpected, "mypy --strict errors:\n" + "\n".join(unexpected)
