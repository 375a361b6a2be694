"""Provides the registries of pluggable parts (importers, exporters, embedders), extensible by entry points."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any, TypeVar

from reviewkit.errors import UnknownComponentError

T = TypeVar("T")


class Registry:
    """A name -> object catalogue. Built-ins register with the decorator, plugins by entry point.

    Entry points are read from the group ``reviewkit.<kind>`` the first time a lookup misses.
    """

    def __init__(self, kind: str, builtins: str = "") -> None:
        self.kind = kind
        self._items: dict[str, Any] = {}
        self._entry_points_loaded = False
        self._builtins = builtins
        """A module whose import registers the built-in parts, imported on the first look-up (so a
        process that needs one part, such as the import worker, does not load them all)."""

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator: register `obj` under `name` (a namespaced, versioned name such as ``ris.v1``)."""

        def decorator(obj: T) -> T:
            self._items[name] = obj
            return obj

        return decorator

    def _load_builtins(self) -> None:
        if self._builtins:
            module, self._builtins = self._builtins, ""
            import_module(module)

    def _load_entry_points(self) -> None:
        self._load_builtins()
        if self._entry_points_loaded:
            return
        self._entry_points_loaded = True
        from importlib.metadata import entry_points  # (only here: it takes ~20 ms to import)

        for ep in entry_points(group=f"reviewkit.{self.kind}"):
            self._items.setdefault(ep.name, ep.load())

    def get(self, name: str) -> Any:
        """Return the object registered as `name` (also accepting the name without ``.vN``).

        Raises:
            UnknownComponentError: listing the registered names.
        """
        self._load_builtins()
        if name not in self._items:
            self._load_entry_points()
        if name in self._items:
            return self._items[name]
        versioned = sorted(n for n in self._items if n.rsplit(".v", 1)[0] == name)
        if versioned:
            return self._items[versioned[-1]]
        raise UnknownComponentError(self.kind, name, self.names())

    def names(self) -> list[str]:
        """All registered names, sorted."""
        self._load_entry_points()
        return sorted(self._items)

    def items(self) -> list[tuple[str, Any]]:
        """(name, object) pairs, sorted by name."""
        self._load_entry_points()
        return sorted(self._items.items())


importers = Registry("importers", builtins="reviewkit.importers.builtin")
exporters = Registry("exporters")
embedders = Registry("embedders")
matchers = Registry("matchers")
