"""Provides the `reviewkit` command line: a thin click layer over `reviewkit.project`.

Each module of this package registers the commands of one area on the `cli` group.
"""

from __future__ import annotations

from reviewkit.cli.app import cli

# Command modules register themselves on `cli` when imported.
from reviewkit.cli import corpus as _corpus  # noqa: F401,E402  isort: skip
from reviewkit.cli import codebook as _codebook  # noqa: F401,E402  isort: skip
from reviewkit.cli import coding as _coding  # noqa: F401,E402  isort: skip
from reviewkit.cli import review as _review  # noqa: F401,E402  isort: skip
from reviewkit.cli import export as _export  # noqa: F401,E402  isort: skip
from reviewkit.cli import agreement as _agreement  # noqa: F401,E402  isort: skip
from reviewkit.cli import demo as _demo  # noqa: F401,E402  isort: skip
from reviewkit.cli import serve as _serve  # noqa: F401,E402  isort: skip
from reviewkit.cli import screen as _screen  # noqa: F401,E402  isort: skip
from reviewkit.cli import screen_stop as _screen_stop  # noqa: F401,E402  isort: skip
from reviewkit.cli import screen_io as _screen_io  # noqa: F401,E402  isort: skip
from reviewkit.cli import prisma as _prisma  # noqa: F401,E402  isort: skip
from reviewkit.cli import memo as _memo  # noqa: F401,E402  isort: skip
from reviewkit.cli import analysis as _analysis  # noqa: F401,E402  isort: skip
from reviewkit.cli import blind as _blind  # noqa: F401,E402  isort: skip

__all__ = ["cli", "main"]


def main() -> None:
    """Entry point of the `reviewkit` console script."""
    cli(prog_name="reviewkit")
