"""Provides decoding of export files: BOMs, UTF-8, GB18030/GBK, UTF-16, binary detection and newlines."""

from __future__ import annotations

import codecs
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


def guess_encoding(data: bytes) -> str | None:
    """Name the encoding of `data`, or None when it looks binary or cannot be decoded.

    Order: BOM (UTF-8/16/32), UTF-16 without BOM, UTF-8, GB18030 (superset of GBK/GB2312),
    then charset-normalizer as a last resort.

    Args:
        data: the file's bytes.

    Returns:
        A codec name such as "utf-8", "utf-8-sig", "utf-16", "gb18030", or None.
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
    gb_text: str | None
    try:
        gb_text = data.decode("gb18030")
    except UnicodeDecodeError:
        gb_text = None
    if gb_text is not None and _plausible_gb(gb_text):
        return "gb18030"
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None:
        try:
            data.decode(best.encoding)
            return str(best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    return "gb18030" if gb_text is not None else None


def decode_bytes(data: bytes, path: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode a whole export file, detecting the encoding unless one is given.

    Args:
        data: the file's bytes.
        path: the file name, for messages.
        encoding: a codec name forced by the user, or None to detect.

    Returns:
        (text, encoding used). A BOM is removed from the text.

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
            codecs.lookup(encoding)
        except LookupError:
            raise ImportFormatError(
                path, None, f"unknown encoding {encoding!r}; try utf-8, utf-8-sig, gb18030 or utf-16"
            ) from None
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
        return text, encoding
    found = guess_encoding(data)
    if found is None:
        if b"\x00" in data[:8192]:
            raise ImportFormatError(
                path, 1, "binary file (it contains NUL bytes); export the records as text (RIS, CSV...)"
            )
        raise ImportFormatError(path, 1, "could not detect the text encoding; give one with --encoding")
    text = data.decode(found)
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportFormatError(path, line, "binary file (it contains NUL characters)")
    return text, found


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
    text, used = decode_bytes(data, str(path), encoding)
    return normalise_newlines(text), used


def normalise_newlines(text: str) -> str:
    """Turn CRLF and bare CR into LF (each counts as one line end, as in universal newlines)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text
