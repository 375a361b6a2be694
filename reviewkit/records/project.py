"""Provides the project-level facts kept in a project file: blinding periods, screening stops and the registered validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class BlindingPeriod:
    """A period during which coders work blind to each other's decisions (`reviewkit blind start|end`)."""

    coders: tuple[str, ...]
    """The blinded coders (empty: every coder)."""
    started_at: str
    started_by: str
    ended_at: str | None = None
    ended_by: str | None = None
    """The lead reviewer who ended it."""

    @property
    def active(self) -> bool:
        """Whether blinding is still in force."""
        return self.ended_at is None

    def covers(self, coder: str) -> bool:
        """Whether `coder` is blinded by this period (every coder when none was listed)."""
        return not self.coders or coder in self.coders


@dataclass(frozen=True)
class ScreeningStop:
    """A lead reviewer's decision to stop screening a stage early (`reviewkit screen stop|resume`).

    The figures are the stopping aid's when the stop was recorded (for `coder`'s own decisions);
    the records left unscreened are counted live (PRISMA: "marked as ineligible by automation tools").
    """

    stage: str
    stopped_at: str
    lead: str
    """The lead reviewer who stopped screening."""
    coder: str
    """The reviewer whose stopping aid is recorded."""
    total: int
    """Records the stage screens."""
    screened: int
    """Records with a final include or exclude at the stop (every reviewer)."""
    included: int
    """Records included at the stop (every reviewer)."""
    since_last_inclusion: int
    """`coder`'s records screened after their last inclusion."""
    estimated_relevant_left: float | None
    """The model's estimate of relevant records left (None before it was trained)."""
    heuristic_run: int
    heuristic_met: bool
    rule: str
    """The stopping heuristic in words, as it stood."""
    note: str = ""
    resumed_at: str | None = None
    resumed_by: str | None = None

    @property
    def active(self) -> bool:
        """Whether screening at this stage is still stopped."""
        return self.resumed_at is None


@dataclass(frozen=True)
class RegisteredValidation:
    """The tagger's validation on a gold file, registered in the project (`reviewkit evaluate --register`)."""

    gold_file: str
    """The gold file's name (no directory)."""
    gold_sha256: str
    registered_at: str
    method: str
    n_passages: int
    macro_f1: float
    micro_f1: float
    mean_kappa: float | None
    by_language: dict[str, dict[str, float]] = field(default_factory=dict)
    """Per language: ``{"n": passages, "macro_f1": ..., "micro_f1": ...}``."""
    per_code: dict[str, dict[str, float]] = field(default_factory=dict)
    """Per code: precision, recall, f1, kappa, support."""
    codebook: str = ""
    """``name version`` of the codebook scored."""

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        from dataclasses import asdict

        return asdict(self)
