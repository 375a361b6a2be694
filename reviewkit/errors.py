"""Provides the typed errors that reviewkit's library raises; front ends phrase them for users."""

from __future__ import annotations


class ReviewkitError(Exception):
    """Base class of every error reviewkit raises on purpose (CLI exit code 1)."""


class ImportFormatError(ReviewkitError):
    """A file could not be read as a bibliographic export.

    Attributes:
        path: the file.
        line: 1-based line where the bad record starts (None when unknown).
        reason: what is wrong, and where possible how to fix it.
        record: 1-based record number within the file (None when unknown).
    """

    def __init__(self, path: str, line: int | None, reason: str, record: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        self.record = record
        where = self.path
        if line is not None:
            where += f", line {line}"
        if record is not None:
            where += f" (record {record})"
        super().__init__(f"{where}: {reason}")


class CodebookError(ReviewkitError):
    """A codebook is invalid. `problems` lists every (where, reason) found, not just the first.

    Attributes:
        path: the codebook file.
        problems: list of (where, reason), e.g. ("codes[3].keywords.zh[2]", "expected a string").
    """

    def __init__(self, path: str, problems: list[tuple[str, str]]) -> None:
        self.path = str(path)
        self.problems = list(problems)
        lines = [f"{self.path}: {len(self.problems)} problem(s)"]
        lines += [f"  {where}: {reason}" for where, reason in self.problems]
        super().__init__("\n".join(lines))


class StoreError(ReviewkitError):
    """The project database cannot be used as asked (missing, locked, not a reviewkit project...)."""


class SchemaVersionError(StoreError):
    """The project file was written by a newer reviewkit than this one."""


class UnknownComponentError(ReviewkitError):
    """A registry lookup failed; the message lists what is available."""

    def __init__(self, kind: str, name: str, available: list[str]) -> None:
        self.kind = kind
        self.name = name
        self.available = sorted(available)
        super().__init__(f"Unknown {kind} {name!r}. Available: {', '.join(self.available)}")


class MissingExtraError(ReviewkitError):
    """An optional dependency is not installed."""

    def __init__(self, extra: str, package: str) -> None:
        self.extra = extra
        self.package = package
        super().__init__(
            f"This needs the package {package!r}; install it with: pip install 'reviewkit[{extra}]'"
        )


class NotFoundError(ReviewkitError):
    """A document, passage, code or coder named by the user does not exist (message lists valid ones)."""


class ExportError(ReviewkitError):
    """An export could not be written (existing file without --force, unknown coder, write failure)."""


class EvaluationError(ReviewkitError):
    """A gold file for `reviewkit evaluate` is malformed (names the file, line and problem)."""
