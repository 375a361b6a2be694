"""Provides safe reading of ``.qdpx`` zip archives: size limits, no path tricks, only the entries asked for.

Nothing is ever extracted to disk. Each entry is read into memory only when asked for, and only
up to a limit: the size the archive declares is checked first, and decompression stops as soon as
more bytes come out than the limit allows (a lying header or a zip bomb). Entry names that are
absolute or climb out of the archive (``../../x``) are refused.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath
from types import TracebackType

MAX_ENTRY_BYTES = 64 * 2**20
"""Largest entry read (64 MiB): far more than any project.qde or source text of abstracts."""
MAX_TOTAL_BYTES = 512 * 2**20
"""Most bytes read from one archive altogether (512 MiB)."""
_CHUNK = 2**20


class ArchiveError(ValueError):
    """The archive cannot be read safely; `reason` says why in words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def unsafe_name(name: str) -> bool:
    """True for an entry name that is absolute, has a drive, or climbs out of the archive (``..``)."""
    norm = name.replace("\\", "/")
    path = PurePosixPath(norm)
    return (
        norm.startswith("/") or (len(norm) > 1 and norm[1] == ":") or any(part == ".." for part in path.parts)
    )


class Archive:
    """A zip archive opened for bounded reads (use as a context manager).

    Args:
        path: the archive.
        max_entry: largest entry read, in bytes.
        max_total: most bytes read altogether, in bytes.

    Raises:
        ArchiveError: not a zip file, or it cannot be opened.
    """

    def __init__(
        self, path: str | Path, *, max_entry: int = MAX_ENTRY_BYTES, max_total: int = MAX_TOTAL_BYTES
    ) -> None:
        self.path = Path(path)
        self.max_entry = max_entry
        self.max_total = max_total
        self.read_bytes = 0
        try:
            self._zf = zipfile.ZipFile(self.path)
        except (OSError, zipfile.BadZipFile, ValueError) as exc:
            raise ArchiveError(f"cannot be read as a zip archive: {exc}") from exc
        self._infos = {info.filename: info for info in self._zf.infolist() if not info.is_dir()}

    def __enter__(self) -> Archive:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the archive."""
        self._zf.close()

    @property
    def names(self) -> list[str]:
        """The file entries whose names are safe, in archive order."""
        return [name for name in self._infos if not unsafe_name(name)]

    def find(self, wanted: str) -> str | None:
        """The entry named `wanted`, compared without case (REFI tools differ), or None."""
        if unsafe_name(wanted):
            return None
        low = wanted.lower()
        return next((name for name in self.names if name.lower() == low), None)

    def read(self, name: str) -> bytes:
        """Read one entry within the limits.

        Args:
            name: an entry name from `names` or `find`.

        Returns:
            The entry's bytes.

        Raises:
            ArchiveError: the name is unsafe or unknown, the entry is (or decompresses to) more than
                the entry limit, or the archive's total limit is reached.
        """
        if unsafe_name(name) or name not in self._infos:
            raise ArchiveError(f"has no safe entry named {name!r}")
        info = self._infos[name]
        room = min(self.max_entry, self.max_total - self.read_bytes)
        if info.file_size > room:
            raise ArchiveError(self._too_big(name, info.file_size))
        parts: list[bytes] = []
        size = 0
        try:
            with self._zf.open(info) as fh:
                while chunk := fh.read(min(_CHUNK, room + 1 - size)):
                    size += len(chunk)
                    if size > room:
                        raise ArchiveError(self._too_big(name, None))
                    parts.append(chunk)
        except (OSError, zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
            if isinstance(exc, ArchiveError):
                raise
            if info.flag_bits & 0x1:
                raise ArchiveError(
                    f"its entry {name} is encrypted; export the project without a password"
                ) from exc
            raise ArchiveError(f"its entry {name} cannot be read: {exc}") from exc
        self.read_bytes += size
        return b"".join(parts)

    def _too_big(self, name: str, declared: int | None) -> str:
        limit = min(self.max_entry, self.max_total)
        size = f"declares {declared:,} bytes" if declared is not None else "decompresses to more than that"
        return (
            f"its entry {name} is too large to read safely ({size}; the limit is {limit // 2**20} MiB "
            "per entry and " + f"{self.max_total // 2**20} MiB per archive); refused"
        )


def read_file(path: str | Path, limit: int = MAX_ENTRY_BYTES) -> bytes:
    """Read a bare ``.qdc``/``.qde`` file, refusing one larger than `limit` bytes.

    Raises:
        ArchiveError: the file is larger than the limit.
        OSError: the file cannot be read.
    """
    p = Path(path)
    size = p.stat().st_size
    if size > limit:
        raise ArchiveError(
            f"the file is too large to read safely ({size:,} bytes; the limit is {limit // 2**20} MiB)"
        )
    return p.read_bytes()


def is_zip(path: str | Path) -> bool:
    """True when `path` is a zip archive (by its content, not its name)."""
    try:
        return zipfile.is_zipfile(path)
    except OSError:
        return False


__all__ = [
    "MAX_ENTRY_BYTES",
    "MAX_TOTAL_BYTES",
    "Archive",
    "ArchiveError",
    "is_zip",
    "read_file",
    "unsafe_name",
]
