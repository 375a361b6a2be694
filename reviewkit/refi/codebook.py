"""Provides REFI-QDA codebook exchange: ``.qdc`` export, and import from ``.qdc``, ``.qde`` and ``.qdpx``.

Exports validate against the REFI ``Codebook-mrt2019.xsd``. Each exported code has a GUID that
stays the same across exports (uuid5 of the codebook name and code id), the English label as
its name and a Description that holds the definition, include/exclude notes and a last line
``reviewkit: id=...; zh=...`` so that reading the file back restores ids, labels and hierarchy.
Parsing, namespaces, GUIDs and schemas come from `reviewkit.refi.xml`; archives are read through
`reviewkit.refi.archive` (bounded, only project.qde).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lxml import etree

from reviewkit.codebook.imported import RawCode, build_codebook, codebook_name, split_path_names
from reviewkit.codebook.model import Code, Codebook
from reviewkit.errors import CodebookError
from reviewkit.refi.archive import Archive, ArchiveError, is_zip, read_file
from reviewkit.refi.xml import (
    CODEBOOK_NS,
    CODEBOOK_XSD,
    MAX_DEPTH,
    PROJECT_NS,
    UnsafeXMLError,
    code_guid,
    default_nsmap,
    local,
    parse,
    to_bytes,
    validate,
)

_TRAILER = re.compile(r"^reviewkit:\s*(?P<items>.*)$")
_ORIGIN = re.compile(r"^reviewkit\b.*\((?P<items>.*)\)\s*$")
_LIST_SECTIONS = (
    ("Keywords", "keywords"),
    ("Negative keywords", "negative_keywords"),
    ("Examples", "examples"),
)
_SECTION = re.compile(
    r"^(?P<title>Keywords|Negative keywords|Examples) \((?P<lang>[\w-]+)\):\n(?P<items>(?:- .*(?:\n|$))+)$"
)
_NOTE = re.compile(r"^(?P<title>Include|Exclude): (?P<text>.*)$", re.DOTALL)
_ESCAPES = {"%": "%25", ";": "%3B", "=": "%3D", "\n": "%0A", "\r": "%0D", "(": "%28", ")": "%29"}


def _escape(value: str) -> str:
    return "".join(_ESCAPES.get(ch, ch) for ch in value)


def _pairs(items: dict[str, str]) -> str:
    return "; ".join(f"{key}={_escape(value)}" for key, value in items.items())


def _parse_pairs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in text.split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key.strip():
            out[key.strip()] = unquote(value.strip())
    return out


def _one_line(text: str) -> str:
    return " ".join(text.split())


def code_description(code: Code) -> str:
    """The text of a code's ``<Description>``, readable in any QDA tool and parsed back on import.

    Paragraphs: the definition; ``Include: ...``; ``Exclude: ...``; ``Keywords (en):``,
    ``Negative keywords (en):`` and ``Examples (en):`` followed by ``- item`` lines; last, the
    trailer ``reviewkit: id=...; zh=...`` with the id and the labels other than English.
    """
    paragraphs = [code.definition] if code.definition else []
    if code.include:
        paragraphs.append(f"Include: {code.include}")
    if code.exclude:
        paragraphs.append(f"Exclude: {code.exclude}")
    for title, field in _LIST_SECTIONS:
        for lang, items in getattr(code, field).items():
            if items:
                paragraphs.append(f"{title} ({lang}):\n" + "\n".join(f"- {_one_line(x)}" for x in items))
    meta: dict[str, str] = {"id": code.id}
    if "en" not in code.label:
        meta["en"] = ""
    meta.update({lang: text for lang, text in code.label.items() if lang != "en"})
    if code.threshold is not None:
        meta["threshold"] = repr(code.threshold)
    paragraphs.append(f"reviewkit: {_pairs(meta)}")
    return "\n\n".join(paragraphs)


def codebook_element(codebook: Codebook, namespace: str = CODEBOOK_NS) -> etree._Element:
    """The ``<CodeBook>`` element of a codebook, in `namespace` (the project namespace inside a .qde).

    Args:
        codebook: the codebook.
        namespace: ``CODEBOOK_NS`` for a .qdc file, ``PROJECT_NS`` to embed in a project.

    Returns:
        An lxml element with nested ``<Code>`` elements following the parent links.
    """
    from reviewkit._version import __version__

    q = f"{{{namespace}}}"
    meta = {"codebook": codebook.name, "version": codebook.version, "languages": ",".join(codebook.languages)}
    if codebook.description:
        meta["description"] = codebook.description
    origin = _pairs(meta)
    root = etree.Element(f"{q}CodeBook", nsmap=default_nsmap(namespace))
    if namespace == CODEBOOK_NS:  # the project schema's CodeBook has no origin attribute
        root.set("origin", f"reviewkit {__version__} ({origin})")
    codes_el = etree.SubElement(root, f"{q}Codes")
    ids = set(codebook.ids)
    parents = {code.parent for code in codebook.codes}

    def add(parent_el: etree._Element, code: Code) -> None:
        el = etree.SubElement(parent_el, f"{q}Code")
        el.set("guid", code_guid(codebook.name, code.id))
        el.set("name", code.label.get("en") or code.label_for(codebook.languages[0]) or code.id)
        el.set("isCodable", "false" if code.id in parents else "true")
        if code.color:
            el.set("color", code.color)
        etree.SubElement(el, f"{q}Description").text = code_description(code)
        for child in codebook.children(code.id):
            add(el, child)

    for code in codebook.codes:
        if code.parent is None or code.parent not in ids:
            add(codes_el, code)
    return root


def qdc_bytes(codebook: Codebook) -> bytes:
    """The codebook as a REFI-QDA ``.qdc`` document (UTF-8 XML).

    Args:
        codebook: the codebook.

    Returns:
        The XML bytes.
    """
    return to_bytes(codebook_element(codebook))


def validate_qdc(data: bytes) -> list[str]:
    """Check a .qdc document against the bundled ``Codebook-mrt2019.xsd``.

    Args:
        data: the XML bytes.

    Returns:
        The schema errors as ``line N: message`` (empty when valid).
    """
    return validate(data, CODEBOOK_XSD)


def _xml_bytes(path: Path) -> tuple[bytes, str]:
    """The XML of a .qdc/.qde file or the project.qde inside a .qdpx; also a name for messages."""
    try:
        if is_zip(path):
            with Archive(path) as archive:
                names = [n for n in archive.names if n.lower().endswith(".qde") and "/" not in n.strip("/")]
                if not names:
                    listed = ", ".join(archive.names[:10]) or "nothing"
                    raise CodebookError(
                        str(path),
                        [
                            (
                                "(file)",
                                f"a zip file without project.qde inside (it holds {listed}); not a .qdpx",
                            )
                        ],
                    )
                wanted = archive.find("project.qde") or names[0]
                return archive.read(wanted), f"{path}!{wanted}"
        return read_file(path), str(path)
    except FileNotFoundError as exc:
        raise CodebookError(str(path), [("(file)", "no such file")]) from exc
    except IsADirectoryError as exc:
        raise CodebookError(str(path), [("(file)", "is a directory, not a codebook file")]) from exc
    except ArchiveError as exc:
        raise CodebookError(str(path), [("(file)", exc.reason)]) from exc
    except OSError as exc:
        raise CodebookError(str(path), [("(file)", f"cannot be read: {exc.strerror or exc}")]) from exc


def _raw_codes(codes_el: Any, label: str) -> list[RawCode]:
    """The code tree under ``<Codes>``, walked iteratively (depth bounded by `MAX_DEPTH`)."""
    roots: list[RawCode] = []
    stack: list[tuple[Any, list[RawCode], int]] = [(codes_el, roots, 0)]
    while stack:
        parent_el, siblings, depth = stack.pop()
        found: list[tuple[Any, RawCode]] = []
        for el in parent_el:
            if local(el.tag) != "Code":
                continue
            if depth + (el.get("name") or "").count("::") >= MAX_DEPTH:
                raise CodebookError(
                    label,
                    [
                        (
                            f"line {el.sourceline}",
                            f"codes are nested more than {MAX_DEPTH} levels deep; refused",
                        )
                    ],
                )
            raw = RawCode(name=(el.get("name") or "").strip(), color=el.get("color") or "")
            for child in el:
                if local(child.tag) == "Description":
                    _read_description(raw, child.text or "")
            siblings.append(raw)
            found.append((el, raw))
        stack.extend((el, raw.children, depth + 1) for el, raw in reversed(found))
    return roots


def code_trailer(description: str) -> dict[str, str]:
    """The ``key=value`` pairs of the last line ``reviewkit: id=...; zh=...`` of a code's Description ({} if none)."""
    lines = description.replace("\r\n", "\n").strip().split("\n")
    match = _TRAILER.match(lines[-1].strip()) if lines else None
    return _parse_pairs(match.group("items")) if match else {}


def _read_description(raw: RawCode, text: str) -> None:
    """Fill the definition and, when a reviewkit trailer is present, id, labels, notes, keywords, examples."""
    text = text.replace("\r\n", "\n").strip()
    lines = text.split("\n")
    match = _TRAILER.match(lines[-1].strip()) if lines else None
    if not match:
        raw.description = text
        return
    meta = _parse_pairs(match.group("items"))
    parts: dict[str, list[str]] = {"definition": [], "include": [], "exclude": []}
    current = "definition"
    for para in "\n".join(lines[:-1]).strip().split("\n\n"):
        section = _SECTION.match(para.strip())
        note = _NOTE.match(para.strip())
        if section:
            items = tuple(
                line[2:].strip() for line in section.group("items").splitlines() if line.startswith("- ")
            )
            field = dict(_LIST_SECTIONS)[section.group("title")]
            getattr(raw, field)[section.group("lang")] = items
            current = "definition"
        elif note:
            current = note.group("title").lower()
            parts[current].append(note.group("text"))
        else:
            parts[current].append(para)
    raw.description = "\n\n".join(parts["definition"]).strip()
    raw.include = "\n\n".join(parts["include"]).strip()
    raw.exclude = "\n\n".join(parts["exclude"]).strip()
    raw.code_id = meta.pop("id", "")
    threshold = meta.pop("threshold", None)
    if threshold:
        try:
            raw.threshold = float(threshold)
        except ValueError:
            raw.threshold = None
    label = {"en": raw.name} if raw.name else {}
    label.update(meta)
    raw.label = {lang: value for lang, value in label.items() if value}


def read_refi_codebook(path: str | Path) -> Codebook:
    """Read the codebook of a REFI-QDA file: a ``.qdc``, a ``.qde`` project or a ``.qdpx`` archive.

    Codes exported by reviewkit keep their ids, labels, notes and threshold; codes from other
    tools get ids from their names, and ATLAS.ti ``Parent::Child`` names become a hierarchy.

    Args:
        path: the file.

    Returns:
        The codebook (not validated: other tools' codes usually lack definitions and examples).

    Raises:
        CodebookError: the file is not well-formed XML, not a REFI-QDA codebook or project, or holds no codes.
    """
    p = Path(path)
    data, label = _xml_bytes(p)
    try:
        root = parse(data)
    except UnsafeXMLError as exc:
        raise CodebookError(label, [(exc.where, exc.reason)]) from exc
    return codebook_from_root(root, label, p)


def codebook_from_root(root: Any, label: str, path: Path) -> Codebook:
    """The codebook of a parsed ``<CodeBook>`` or ``<Project>`` (see `read_refi_codebook`).

    Args:
        root: the root element, parsed by `reviewkit.refi.xml.parse`.
        label: the file (and archive entry) named in messages.
        path: the file (its stem names the codebook when nothing else does).

    Raises:
        CodebookError: not a codebook or project, no codes, or codes nested too deeply.
    """
    p = path
    kind = local(root.tag)
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    if kind == "CodeBook":
        book = root
    elif kind == "Project":
        book = next((el for el in root if local(el.tag) == "CodeBook"), None)
        if book is None:
            raise CodebookError(
                label, [("(file)", "the REFI-QDA project holds no codebook (no <CodeBook> element)")]
            )
    else:
        raise CodebookError(
            label,
            [("(file)", f"not a REFI-QDA codebook: the root element is <{kind}>{' in ' + namespace if namespace else ''}; "
                        "expected <CodeBook> (.qdc) or <Project> (.qde, .qdpx)")],
        )  # fmt: skip
    codes_el = next((el for el in book if local(el.tag) == "Codes"), None)
    roots = _raw_codes(codes_el, label) if codes_el is not None else []
    if not roots:
        raise CodebookError(label, [("(file)", "the codebook has no <Code> elements")])
    roots = split_path_names(roots, "::")
    origin = book.get("origin") or ""
    match = _ORIGIN.match(origin)
    meta = _parse_pairs(match.group("items")) if match else {}
    name = meta.get("codebook") or codebook_name((root.get("name") if kind == "Project" else "") or p.stem)
    languages = tuple(x for x in meta.get("languages", "").split(",") if x)
    return build_codebook(
        roots,
        name=name,
        version=meta.get("version", "1"),
        description=meta.get("description", ""),
        languages=languages,
        path=str(p),
    )


__all__ = [
    "CODEBOOK_NS",
    "PROJECT_NS",
    "code_description",
    "code_guid",
    "code_trailer",
    "codebook_element",
    "codebook_from_root",
    "qdc_bytes",
    "read_refi_codebook",
    "validate_qdc",
]
