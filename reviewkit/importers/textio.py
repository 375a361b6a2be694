"""Provides decoding of export files: BOMs, UTF-8, GB18030/GBK, UTF-16, binary detection and newlines."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from reviewkit.errors import ImportFormatError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive (.docx/.xlsx/.qdpx?)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file (.xls/.doc)"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x1f\x8b", "a gzip archive"),
)


def _utf16_without_bom(data: bytes) -> str | None:
    """Guess UTF-16 without a BOM from the position of NUL bytes in ASCII-heavy text."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nul > 0.3 * half and even_nul < 0.05 * half:
        return "utf-16-le"
    if even_nul > 0.3 * half and odd_nul < 0.05 * half:
        return "utf-16-be"
    return None


def _plausible_gb(text: str) -> bool:
    """True when the non-ASCII characters of a GB18030 decoding are mostly common (GB2312) Chinese.

    Latin-1/cp1252 text decodes as GB18030 too (an accented letter followed by an ASCII letter
    forms a rare double-byte character); real Chinese text is mostly in the GB2312 subset.
    """
    checked = common = 0
    for ch in text:
        if ch < "\x80":
            continue
        checked += 1
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
        if checked >= 2000:
            break
    return checked == 0 or common >= 0.6 * checked


def _line_and_column(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and byte column of byte `offset` (CRLF, CR and LF each end a line)."""
    head = data[:offset].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    line = head.count(b"\n") + 1
    return line, len(head) - (head.rfind(b"\n") + 1) + 1


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# Three or more non-ASCII characters in a row: what GBK or UTF-8 bytes look like when read as cp1252.
_MOJIBAKE_RUN = re.compile(r"[^\x00-\x7f]{3,}")
_C1 = re.compile(r"[\x80-\x9f]")


_ESCAPED = re.compile("[\udc80-\udcff]")


def _bad_utf8(data: bytes, limit: int = 1000) -> list[tuple[int, str]]:
    """(line, "byte 0x.. at column c is not valid UTF-8") for the first `limit` bad bytes of `data`."""
    text = normalise_newlines(data.decode("utf-8", errors="surrogateescape"))
    out: list[tuple[int, str]] = []
    for m in _ESCAPED.finditer(text):
        start = m.start()
        line = text.count("\n", 0, start) + 1
        col = start - text.rfind("\n", 0, start)
        out.append((line, f"byte 0x{ord(m.group(0)) - 0xDC00:02x} at column {col} is not valid UTF-8"))
        if len(out) >= limit:
            break
    return out


def _plausible_single_byte(text: str) -> bool:
    """True when a cp1252/Latin-1 reading looks like Western text, not mojibake of CJK or UTF-8."""
    if _C1.search(text):
        return False
    high = sum(1 for ch in text if ch >= "\x80")
    if not high:
        return True
    in_runs = sum(len(m.group(0)) for m in _MOJIBAKE_RUN.finditer(text) if not m.group(0).isspace())
    return in_runs <= 0.2 * high and not any(m in text for m in ("Ã©", "Ã¨", "Ã¼", "Ã¶", "â€"))


def guess_encoding(data: bytes) -> str | None:
    """Name the encoding of `data` when one reading of the whole file is clean, else None.

    Order: BOM (UTF-8/16/32), UTF-16 without BOM, UTF-8, GB18030 (only when it yields mostly
    common Chinese), cp1252 and Latin-1 (only without C1 controls and mojibake runs). No
    statistical guess: a file none of these reads cleanly is refused (see `decode_bytes`).

    Args:
        data: the file's bytes.

    Returns:
        A codec name such as "utf-8", "utf-8-sig", "utf-16", "gb18030", "cp1252", or None.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    utf16 = _utf16_without_bom(data)
    if utf16:
        return utf16
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        gb_text = data.decode("gb18030")
        if _plausible_gb(gb_text) and any("\u4e00" <= ch <= "\u9fff" for ch in gb_text):
            return "gb18030"
    except UnicodeDecodeError:
        pass
    for name in ("cp1252", "latin-1"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _plausible_single_byte(text):
            return name
    return None


def _has_bom(data: bytes) -> bool:
    return any(data.startswith(bom) for bom, _ in _BOMS) or _utf16_without_bom(data) is not None


def _mostly_utf8(data: bytes, bad: list[tuple[int, str]]) -> bool:
    """True when `data` is UTF-8 with a few stray bytes (a pasted Latin-1 or GBK character).

    Good and bad bytes are counted in the same first 2 MB: `bad` is only the first bad bytes (up to
    1,000), so comparing its length with a large file's good count would call a GBK file "UTF-8".
    """
    window = data[:2_000_000]
    good = len(_UTF8_MULTIBYTE.findall(window))
    if good == 0:
        return False
    allowed = max(3, good // 50)
    if len(bad) <= allowed and len(bad) < 1000:
        return True
    n_bad = len(_ESCAPED.findall(window.decode("utf-8", errors="surrogateescape")))
    return n_bad <= allowed


def decode_bytes(data: bytes, path: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode a whole export file, detecting the encoding unless one is given (see `_decode`)."""
    text, used, _ = _decode(data, path, encoding)
    return text, used


def _decode(data: bytes, path: str, encoding: str | None = None) -> tuple[str, str, list[tuple[int, str]]]:
    """Decode a whole export file, detecting the encoding unless one is given.

    Args:
        data: the file's bytes.
        path: the file name, for messages.
        encoding: a codec name forced by the user, or None to detect.

    Returns:
        (text, encoding used, [(line, bytes replaced)]). A BOM is removed from the text.

    Raises:
        ImportFormatError: empty, binary or undecodable file, or a wrong/unknown forced encoding.
    """
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFormatError(path, None, "the file is empty; export the records again")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise ImportFormatError(path, 1, f"this is {what}, not a text export of bibliographic records")
    if encoding:
        try:
            info = codecs.lookup(encoding)
        except LookupError:
            raise ImportFormatError(
                path, None, f"unknown encoding {encoding!r}; try utf-8, utf-8-sig, gb18030 or utf-16"
            ) from None
        if not info.name.startswith("utf") and _UTF8_MULTIBYTE.search(data) and not _bad_utf8(data, 1):
            raise ImportFormatError(
                path,
                None,
                f"the file is valid UTF-8 with non-ASCII text: reading it as {encoding} would garble every "
                "accented or Chinese character; leave out --encoding",
            )
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            line, col = _line_and_column(data, exc.start)
            bad = data[exc.start : exc.start + 1].hex()
            found = guess_encoding(data)
            hint = f"; the file looks like {found}: try --encoding {found}" if found else ""
            raise ImportFormatError(
                path,
                line,
                f"cannot decode byte 0x{bad} (column {col}, byte offset {exc.start}) as {encoding}{hint}",
            ) from None
        if text.startswith("\ufeff"):
            text = text[1:]
        return text, encoding, []
    return decode_auto(data, path)


def decode_auto(data: bytes, path: str) -> tuple[str, str, list[tuple[int, str]]]:
    """Detect the encoding and decode, reporting stray bytes of an otherwise UTF-8 file.

    A UTF-8 file with a few invalid bytes (one pasted Latin-1 or GBK character) is read as UTF-8
    with each bad byte replaced by U+FFFD and listed as a problem with its line: reading the whole
    file in another encoding would turn every good accent or Chinese character into mojibake.

    Args:
        data: the file's bytes (not empty, not binary magic).
        path: the file name, for messages.

    Returns:
        (text without BOM, encoding, [(line, problem)]).

    Raises:
        ImportFormatError: binary, or no encoding reads the file cleanly (naming the first bad line).
    """
    problems: list[tuple[int, str]] = []
    found = guess_encoding(data)
    bad = _bad_utf8(data) if found not in (None, "utf-8") and not _has_bom(data) else []
    if found is None or (bad and _mostly_utf8(data, bad)):
        # UTF-8 accents read as GB18030 are common Chinese characters: a UTF-8 file with a stray
        # byte must stay UTF-8, or all its good text would turn into plausible-looking mojibake.
        if b"\x00" in data[:8192]:
            raise ImportFormatError(
                path, 1, "binary file (it contains NUL bytes); export the records as text (RIS, CSV...)"
            )
        bad = bad or _bad_utf8(data)
        if not _mostly_utf8(data, bad):
            line, what = bad[0]
            raise ImportFormatError(
                path,
                line,
                f"{what}, and neither GB18030, cp1252 nor Latin-1 reads the whole file cleanly; "
                "export it again as UTF-8 or name its encoding with --encoding",
            )
        found = "utf-8"
        problems = [(line, f"{what}: replaced by \ufffd") for line, what in bad[:100]]
        text = data.decode("utf-8", errors="replace")
    else:
        text = data.decode(found)
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportFormatError(path, line, "binary file (it contains NUL characters)")
    return text, found, problems


def decode_head(data: bytes, path: str, complete: bool) -> tuple[str, str]:
    """Decode the first bytes of a file (for sniffing), cutting a partly read last line.

    Args:
        data: the first bytes of the file.
        path: the file name, for messages.
        complete: True when `data` is the whole file.

    Returns:
        (text with LF line ends, encoding).

    Raises:
        ImportFormatError: empty, binary or undecodable.
    """
    if not complete:
        wide = data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or _utf16_without_bom(data)
        if wide or data[:4] in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE):
            data = data[: len(data) - len(data) % 4]
        else:
            cut = data.rfind(b"\n")
            data = data[: cut + 1] if cut > 0 else data
    text, used = decode_bytes(data, path)
    return normalise_newlines(text), used


def read_text(path: str | Path, encoding: str | None = None) -> tuple[str, str]:
    """Read and decode a file, with newlines normalised to LF.

    Args:
        path: the file.
        encoding: a codec name forced by the user, or None to detect.

    Returns:
        (text with only "\\n" line ends, encoding used).

    Raises:
        ImportFormatError: the file is missing, empty, binary or cannot be decoded.
    """
    text, used, _ = read_text_report(path, encoding)
    return text, used


def read_text_report(path: str | Path, encoding: str | None = None) -> tuple[str, str, list[tuple[int, str]]]:
    """Like `read_text`, also returning the (line, problem) list of bytes replaced while decoding."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise ImportFormatError(str(path), None, "no such file") from None
    except IsADirectoryError:
        raise ImportFormatError(
            str(path), None, "this is a folder; give the export files themselves"
        ) from None
    except OSError as exc:
        raise ImportFormatError(str(path), None, f"cannot read the file: {exc.strerror}") from None
    text, used, problems = _decode(data, str(path), encoding)
    return normalise_newlines(text), used, problems


def normalise_newlines(text: str) -> str:
    """Turn CRLF and bare CR into LF (each counts as one line end, as in universal newlines)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text
