"""Provides REFI-QDA exchange: .qdc codebooks and .qdpx projects, read and written, in one home.

- `reviewkit.refi.xml`: the one hardened XML parser, namespaces, GUIDs, schema checks;
- `reviewkit.refi.archive`: bounded, name-checked reading of zip archives;
- `reviewkit.refi.codebook`: ``.qdc`` write, codebook read from ``.qdc``/``.qde``/``.qdpx``;
- `reviewkit.refi.sources`: the shapes (protocols) of the documents, codings and marks written;
- `reviewkit.refi.project_write`: a ``.qdpx`` project from documents, codes and codings;
- `reviewkit.refi.project_read`: a ``.qdpx``/``.qde`` project into plain dataclasses.

Pure: records and dataclasses in and out; the store is never touched here.
"""
