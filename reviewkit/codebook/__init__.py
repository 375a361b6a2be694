"""Provides codebooks: the model, YAML files, validation and REFI-QDA exchange."""

from reviewkit.codebook.model import Code, Codebook
from reviewkit.codebook.validate import validate_data
from reviewkit.codebook.yaml_io import (
    codebook_from_dict,
    codebook_to_dict,
    codebook_to_yaml,
    dump_codebook,
    load_codebook,
    read_codebook,
)

__all__ = [
    "Code",
    "Codebook",
    "codebook_from_dict",
    "codebook_to_dict",
    "codebook_to_yaml",
    "dump_codebook",
    "load_codebook",
    "read_codebook",
    "validate_data",
]
