"""Provides the settings that come from the environment; the only module that reads it for reviewkit."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

DEFAULT_DB = "reviewkit.db"


@dataclass(frozen=True)
class Settings:
    """What the environment says about how to run."""

    db: str = DEFAULT_DB
    """Project file: $REVIEWKIT_DB, else ./reviewkit.db."""
    coder: str = "coder"
    """Who is coding: $REVIEWKIT_CODER, else the login name."""


def settings() -> Settings:
    """Read the settings from the environment now (so tests and subprocesses see changes)."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        login = ""
    return Settings(
        db=os.environ.get("REVIEWKIT_DB") or DEFAULT_DB,
        coder=os.environ.get("REVIEWKIT_CODER") or login or "coder",
    )
