"""Provides `__version__`: the package version, in a module that imports nothing from reviewkit."""

__version__ = "0.1.0"
