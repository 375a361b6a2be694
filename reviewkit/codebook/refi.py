"""Provides REFI-QDA codebook exchange: ``.qdc`` export, and import from ``.qdc``, ``.qde`` and ``.qdpx``.

Exports validate against the REFI ``Codebook-mrt2019.xsd``. Each exported code has a GUID that
stays the same across exports (uuid5 of the codebook name and code id), the English label as
its name and a Description that holds the definition, include/exclude notes and a last line
``reviewkit: id=...; zh=...`` so that reading the file back restores ids, labels and hierarchy.
XML is handled only in this module (lxml, imported inside the functions).
"""

from __future__ import annotations

import re
import uuid
import zipfile
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from reviewkit.codebook.imported import RawCode, build_codebook, codebook_name, split_path_names
from reviewkit.codebook.model import Code, Codebook
from reviewkit.errors import CodebookError

if TYPE_CHECKING:
    from lxml import etree

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
GUID_NAMESPACE = uuid.UUID("f80e41c1-a530-53fa-bb63-221e06ae7002")
"""Fixed namespace of the code GUIDs: never change it, or exported GUIDs change."""

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


def code_guid(codebook_name: str, code_id: str) -> str:
    """The stable GUID of a code: the same codebook name and code id always give the same GUID.

    Args:
        codebook_name: the codebook's name.
        code_id: the code's dotted id.

    Returns:
        An upper-case GUID such as ``1B4E28BA-2FA1-51D2-883F-0016D3CCA427``.
    """
    return str(uuid.uuid5(GUID_NAMESPACE, f"{codebook_name}/{code_id}")).upper()


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
    from lxml import etree

    from reviewkit._version import __version__

    q = f"{{{namespace}}}"
    meta = {"codebook": codebook.name, "version": codebook.version, "languages": ",".join(codebook.languages)}
    if codebook.description:
        meta["description"] = codebook.description
    origin = _pairs(meta)
    root = etree.Element(f"{q}CodeBook", nsmap={None: namespace})
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
    from lxml import etree

    return etree.tostring(
        codebook_element(codebook), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )


def validate_qdc(data: bytes) -> list[str]:
    """Check a .qdc document against the bundled ``Codebook-mrt2019.xsd``.

    Args:
        data: the XML bytes.

    Returns:
        The schema errors as ``line N: message`` (empty when valid).
    """
    from lxml import etree

    xsd = resources.files("reviewkit") / "data" / "Codebook-mrt2019.xsd"
    schema = etree.XMLSchema(etree.fromstring(xsd.read_bytes()))
    doc = etree.fromstring(data, _parser())
    if schema.validate(doc):
        return []
    return [f"line {err.line}: {err.message}" for err in schema.error_log]


def _parser() -> Any:
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _xml_bytes(path: Path) -> tuple[bytes, str]:
    """The XML of a .qdc/.qde file or the project.qde inside a .qdpx; also a name for messages."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                names = [n for n in zf.namelist() if n.lower().endswith(".qde") and "/" not in n.strip("/")]
                if not names:
                    listed = ", ".join(zf.namelist()[:10]) or "nothing"
                    raise CodebookError(
                        str(path),
                        [
                            (
                                "(file)",
                                f"a zip file without project.qde inside (it holds {listed}); not a .qdpx",
                            )
                        ],
                    )
                return zf.read(names[0]), f"{path}!{names[0]}"
        return path.read_bytes(), str(path)
    except FileNotFoundError as exc:
        raise CodebookError(str(path), [("(file)", "no such file")]) from exc
    except (OSError, zipfile.BadZipFile) as exc:
        raise CodebookError(str(path), [("(file)", f"cannot be read: {exc}")]) from exc


def _raw_codes(codes_el: Any) -> list[RawCode]:
    out: list[RawCode] = []
    for el in codes_el:
        if _local(el.tag) != "Code":
            continue
        raw = RawCode(name=(el.get("name") or "").strip(), color=el.get("color") or "")
        for child in el:
            if _local(child.tag) == "Description":
                _read_description(raw, child.text or "")
        raw.children = _raw_codes(el)
        out.append(raw)
    return out


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
    from lxml import etree

    p = Path(path)
    data, label = _xml_bytes(p)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (0, 0)
        raise CodebookError(
            label, [(f"line {line}, column {col}", f"not well-formed XML: {exc.msg}")]
        ) from exc
    kind = _local(root.tag)
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    if kind == "CodeBook":
        book = root
    elif kind == "Project":
        book = next((el for el in root if _local(el.tag) == "CodeBook"), None)
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
    codes_el = next((el for el in book if _local(el.tag) == "Codes"), None)
    roots = _raw_codes(codes_el) if codes_el is not None else []
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
