"""Provides the one hardened XML parser of REFI-QDA files, their namespaces, GUIDs and schema checks.

Every ``.qdc``/``.qde`` document is parsed here: external entities, DTD loading and network access
are off, a document that declares entities is refused (REFI-QDA files never need them), and
libxml2's own depth and size limits stay on. Element trees are walked iteratively elsewhere;
`MAX_DEPTH` bounds how deep codes may nest.
"""

from __future__ import annotations

import uuid
from functools import cache
from importlib import resources
from typing import Any

from lxml import etree

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
"""Namespace of a ``.qdc`` codebook."""
PROJECT_NS = "urn:QDA-XML:project:1.0"
"""Namespace of a ``.qde`` project."""
GUID_NAMESPACE = uuid.UUID("f80e41c1-a530-53fa-bb63-221e06ae7002")
"""Fixed namespace of every GUID reviewkit writes: never change it, or exported GUIDs change."""
MAX_DEPTH = 100
"""Codes nested deeper than this are refused (real codebooks nest a handful of levels)."""
SOURCE_META = "reviewkit: "
"""Prefix of the last Description line reviewkit writes (followed by JSON or ``key=value`` pairs)."""

CODEBOOK_XSD = "Codebook-mrt2019.xsd"
PROJECT_XSD = "Project-mrt2019.xsd"


_ENTITIES = "the document declares entities or an external DTD, which REFI-QDA files never need; refused"


class UnsafeXMLError(ValueError):
    """The document is not well-formed, declares entities, or nests too deeply.

    Attributes:
        where: the place (``line 3, column 5``) or ``(file)``.
        reason: what is wrong, in words.
        line: the line number when known.
    """

    def __init__(self, where: str, reason: str, line: int | None = None) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason
        self.line = line


def guid(kind: str, *parts: Any) -> str:
    """A stable upper-case GUID for an object of `kind` named by `parts` (uuid5 in `GUID_NAMESPACE`)."""
    return str(uuid.uuid5(GUID_NAMESPACE, "/".join([kind, *(str(p) for p in parts)]))).upper()


def code_guid(codebook_name: str, code_id: str) -> str:
    """The stable GUID of a code: the same codebook name and code id always give the same GUID.

    Args:
        codebook_name: the codebook's name.
        code_id: the code's dotted id.

    Returns:
        An upper-case GUID such as ``1B4E28BA-2FA1-51D2-883F-0016D3CCA427``.
    """
    return str(uuid.uuid5(GUID_NAMESPACE, f"{codebook_name}/{code_id}")).upper()


def user_guid(name: str) -> str:
    """The stable GUID of a coder (the same name always gives the same GUID)."""
    return guid("user", name)


def norm_guid(value: str | None) -> str:
    """A GUID as compared on import: braces and spaces removed, upper case."""
    return (value or "").strip().strip("{}").upper()


def default_nsmap(namespace: str) -> Any:
    """The ``nsmap`` that makes `namespace` the default one of a new element."""
    return {None: namespace}


def local(tag: Any) -> str:
    """The local name of an element tag (``{ns}Code`` -> ``Code``); "" for comments and the like."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(el: Any, name: str) -> list[Any]:
    """The child elements of `el` whose local name is `name`, in document order."""
    return [c for c in el if local(c.tag) == name]


def safe_parser() -> etree.XMLParser:
    """An lxml parser that loads no DTD, resolves no entity, reads no network and refuses huge trees."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
        huge_tree=False,
    )


def parse(data: bytes) -> Any:
    """Parse a REFI-QDA document safely.

    Args:
        data: the XML bytes.

    Returns:
        The root element.

    Raises:
        UnsafeXMLError: not well-formed, too deeply nested, or it declares entities.
    """
    if b"<!ENTITY" in data:  # refused before parsing, so an entity bomb costs nothing
        line = data[: data.index(b"<!ENTITY")].count(b"\n") + 1
        raise UnsafeXMLError(f"line {line}", _ENTITIES, line)
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (0, 0)
        msg = str(exc.msg or exc)
        if "entit" in msg.lower() or "amplification" in msg.lower():
            raise UnsafeXMLError(f"line {line}", _ENTITIES + f" ({msg})", line) from exc
        if "depth" in msg.lower():
            raise UnsafeXMLError(
                f"line {line}, column {col}", "elements are nested more than 256 levels deep; refused", line
            ) from exc
        raise UnsafeXMLError(f"line {line}, column {col}", f"not well-formed XML: {msg}", line) from exc
    docinfo: Any = root.getroottree().docinfo
    dtd: Any = docinfo.internalDTD
    if dtd is not None and (any(True for _ in dtd.iterentities()) or dtd.system_url or dtd.public_id):
        raise UnsafeXMLError(
            "(file)",
            _ENTITIES,
        )
    if docinfo.system_url:
        raise UnsafeXMLError("(file)", "the document refers to an external DTD; refused")
    return root


def check_depth(root: Any, limit: int = MAX_DEPTH) -> None:
    """Refuse trees nested deeper than `limit` (walked iteratively, so any depth is safe to check).

    Raises:
        UnsafeXMLError: naming the line of the first element that is too deep.
    """
    stack: list[tuple[Any, int]] = [(root, 0)]
    while stack:
        el, depth = stack.pop()
        if depth > limit:
            raise UnsafeXMLError(
                f"line {el.sourceline}",
                f"elements are nested more than {limit} levels deep; refused",
                el.sourceline,
            )
        stack.extend((child, depth + 1) for child in el)


@cache
def _schema(name: str) -> etree.XMLSchema:
    xsd = resources.files("reviewkit") / "data" / name
    return etree.XMLSchema(etree.fromstring(xsd.read_bytes(), safe_parser()))


def validate(root_or_bytes: Any, xsd: str) -> list[str]:
    """Check a document (an lxml element or bytes) against a packaged REFI schema.

    Args:
        root_or_bytes: the document.
        xsd: `CODEBOOK_XSD` or `PROJECT_XSD`.

    Returns:
        The schema errors as ``line N: message`` (empty when valid).
    """
    doc = parse(root_or_bytes) if isinstance(root_or_bytes, bytes) else root_or_bytes
    schema = _schema(xsd)
    if schema.validate(doc):
        return []
    log: Any = schema.error_log
    return [f"line {err.line}: {err.message}" for err in log]


def to_bytes(root: Any) -> bytes:
    """An element as an indented UTF-8 XML document with declaration."""
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return out


__all__ = [
    "CODEBOOK_NS",
    "CODEBOOK_XSD",
    "GUID_NAMESPACE",
    "MAX_DEPTH",
    "PROJECT_NS",
    "PROJECT_XSD",
    "SOURCE_META",
    "UnsafeXMLError",
    "check_depth",
    "children",
    "code_guid",
    "default_nsmap",
    "guid",
    "local",
    "norm_guid",
    "parse",
    "to_bytes",
    "user_guid",
    "validate",
]
