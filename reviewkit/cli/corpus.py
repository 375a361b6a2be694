"""Provides the corpus commands: init, import, docs, search, stats, dedupe."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from reviewkit.cli.app import cli, db_option, default_coder, json_option, project_store
from reviewkit.cli.output import Snippet, echo_json, echo_table, plain_snippet, progress_bar, warn


@cli.command()
@db_option
def init(db_path: str) -> None:
    """Create an empty project file (or upgrade an existing one).

    Example:

    \b
        reviewkit init --db review.db
    """
    existed = Path(db_path).exists()
    project_store(db_path, create=True)
    click.echo(f"{'Project ready' if existed else 'Created project'}: {db_path}")


@cli.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option("--format", "fmt", help="Force the format (default: detected from the content).")
@click.option("--encoding", help="Force the text encoding (default: detected; e.g. gb18030, utf-16).")
@click.option("--skip-bad", is_flag=True, help="Skip malformed records (each reported with its line) instead of failing.")
@click.option(
    "--use-codebook",
    is_flag=True,
    help="Make the codebook of an imported .qdpx the current one (default: keep the project's current codebook).",
)
@db_option
def import_(files: tuple[str, ...], fmt: str | None, encoding: str | None, skip_bad: bool, use_codebook: bool,
            db_path: str) -> None:  # fmt: skip
    """Import exported records (RIS, BibTeX, WoS, PubMed, Ovid, Scopus/CSV, JSONL, EndNote, RefWorks,
    NoteExpress, GB/T 7714 citation text, REFI-QDA .qdpx), merging duplicates.

    A folder imports the export files inside it. Each file goes in whole or not at all; the
    project is created if needed.

    Example:

    \b
        reviewkit import savedrecs.txt scopus.csv cnki.net
        reviewkit import --skip-bad --encoding gb18030 CNKI-export.txt
        reviewkit import corpus/
    """
    from reviewkit.project import corpus

    store = project_store(db_path, create=True)
    qdpx = [f for f in files if f.lower().endswith(".qdpx")]
    others = [f for f in files if not f.lower().endswith(".qdpx")]
    for path in qdpx:
        from reviewkit.project.qdpx_import import import_qdpx

        result = import_qdpx(store, path, use_codebook=use_codebook)
        click.echo(f"{path}: {result}")
    if others:
        for note in corpus.expand_paths(others)[1]:
            warn(note)
        with progress_bar("importing") as update:
            reports = corpus.import_files(store, others, fmt, skip_bad=skip_bad, encoding=encoding, progress=update)
        with progress_bar("indexing") as update:  # second step: the full-text index (resumable)
            store.documents.finish_index(lambda done, total: update(done, total, "indexing"))
        for r in reports:
            click.echo(
                f"{r.path} [{r.format}, {r.encoding}{', ' + r.database if r.database else ''}]: "
                f"{r.records} records, {r.added} added, "
                f"{r.merged} merged duplicates, {len(r.skipped)} skipped"
                + (f", {len(r.warnings)} note{'s' if len(r.warnings) > 1 else ''}" if r.warnings else "")
            )
            for skipped in r.skipped:
                warn(f"  skipped: {skipped}")
            for problem in r.warnings[:WARNINGS_SHOWN]:
                warn(f"  note: {problem}")
            if len(r.warnings) > WARNINGS_SHOWN:
                warn(f"  ... and {len(r.warnings) - WARNINGS_SHOWN} more notes on {r.path} (no record was lost).")
            for note in r.kept:
                click.echo(f"  {note[0].upper()}{note[1:]}.")
        stats = store.imports.corpus_stats()
        click.echo(f"Project {db_path}: {stats.documents} documents.")


WARNINGS_SHOWN = 20
"""Notes shown per imported file (a replaced byte, a junk line left out of its record); the rest are counted."""


@cli.group()
def docs() -> None:
    """List and show documents.

    Example:

    \b
        reviewkit docs list --year-from 2000
        reviewkit docs show wen2005from
    """


@docs.command(name="list")
@click.option("--limit", default=50, show_default=True, help="Rows to show.")
@click.option("--offset", default=0, help="Rows to skip.")
@click.option("--year-from", type=int, help="Earliest year.")
@click.option("--year-to", type=int, help="Latest year.")
@click.option("--language", help="Only documents in this language (en, zh).")
@json_option
@db_option
def docs_list(limit: int, offset: int, year_from: int | None, year_to: int | None, language: str | None,
              as_json: bool, db_path: str) -> None:  # fmt: skip
    """List documents by year.

    Example:

    \b
        reviewkit docs list --language zh --json
    """
    store = project_store(db_path)
    rows = store.documents.page(limit=limit, offset=offset, year_from=year_from, year_to=year_to, language=language)
    total = store.documents.count(year_from=year_from, year_to=year_to, language=language)
    if as_json:
        echo_json(rows)
        return
    echo_table(
        ["id", "year", "first author", "title", "key"],
        [(r.id, r.year, (r.authors or ("",))[0], r.display_title, r.key) for r in rows],
        title=f"{len(rows)} of {total} documents",
    )


@docs.command(name="show")
@click.argument("ident")
@json_option
@db_option
def docs_show(ident: str, as_json: bool, db_path: str) -> None:
    """Show one document (by id or key) with its metadata in both languages and its sources.

    Example:

    \b
        reviewkit docs show 1
        reviewkit docs show 10.1080/0034340022000022198 --json
    """
    from reviewkit.project import corpus

    store = project_store(db_path)
    doc = corpus.get_document(store, ident)
    if as_json:
        echo_json({**asdict(doc.document), "sources": [asdict(s) for s in doc.sources]})
        return
    fields = ["id", "key", "type", "title", "title_alt", "authors", "authors_alt", "year", "journal", "journal_alt",
              "volume", "issue", "pages", "doi", "language", "language_alt", "keywords", "url"]  # fmt: skip
    for name in fields:
        value = getattr(doc.document, name)
        if value in ("", None, ()):
            continue
        click.echo(f"{name:>13}: {', '.join(value) if isinstance(value, tuple) else value}")
    for name in ("abstract", "abstract_alt"):
        if getattr(doc.document, name):
            click.echo(f"\n{name}:\n{getattr(doc.document, name)}")
    click.echo("\nsources:")
    for s in doc.sources:
        dup = f" (merged: {s.match_reason})" if s.duplicate_of_existing else ""
        click.echo(f"  {s.source_format} {s.source_file} line {s.source_line}{dup}")


@cli.command()
@click.argument("query")
@click.option("--limit", default=20, show_default=True, help="Rows to show.")
@json_option
@db_option
def search(query: str, limit: int, as_json: bool, db_path: str) -> None:
    """Full-text search over titles, abstracts, keywords and authors, in English and Chinese.

    Words are combined with AND; use "quotes" for phrases, OR, -word (or NOT word) to exclude, and a
    trailing * for prefixes.

    Example:

    \b
        reviewkit search "value chain"
        reviewkit search 价值链
        reviewkit search "upgrad* AND cluster"
    """
    store = project_store(db_path)
    rows = store.documents.search(query, limit=limit)
    total = store.documents.count_search(query)
    if as_json:
        echo_json([{**asdict(r), "snippet": plain_snippet(r.snippet)} for r in rows])
        return
    echo_table(
        ["id", "year", "title", "snippet"],
        [(r.id, r.year, r.title or r.title_alt, Snippet(r.snippet)) for r in rows],
        title=f"{total} documents match {query!r}",
    )


@cli.command()
@json_option
@db_option
def stats(as_json: bool, db_path: str) -> None:
    """Counts of the project: documents, duplicates merged, languages, years, passages, codings.

    Example:

    \b
        reviewkit stats --json
    """
    store = project_store(db_path)
    s = store.imports.corpus_stats()
    if as_json:
        echo_json(s.to_dict())
        return
    years = s.years
    click.echo(f"documents:          {s.documents}")
    click.echo(f"records imported:   {s.records_imported} in {s.imports} import(s)")
    click.echo(f"duplicates merged:  {s.duplicates_merged}")
    click.echo(f"records skipped:    {s.records_skipped}")
    click.echo(f"with abstract:      {s.with_abstract}")
    click.echo(f"bilingual (zh/en):  {s.bilingual}")
    click.echo(f"years:              {f'{years[0]}-{years[-1]}' if years else '-'}")
    click.echo("languages:          " + ", ".join(f"{k or '?'} {v}" for k, v in s.by_language.items()))
    click.echo("formats:            " + ", ".join(f"{k} {v}" for k, v in s.by_format.items()))
    click.echo(f"passages:           {s.passages}")
    click.echo(f"suggestions:        {s.suggestions}")
    click.echo(f"codings:            {s.codings}")
    if s.killed_runs or s.unindexed:
        click.echo(f"killed coding runs: {s.killed_runs}; documents not yet indexed: {s.unindexed}")


@cli.command()
@click.option("--min-similarity", default=80.0, show_default=True, help="Lowest title similarity (0-100) to list.")
@click.option("--merge", nargs=2, type=int, metavar="KEEP DROP", help="Merge document DROP into KEEP.")
@click.option("--keep", nargs=2, type=int, metavar="A B", help="Record that A and B are different papers.")
@json_option
@db_option
def dedupe(min_similarity: float, merge: tuple[int, int] | None, keep: tuple[int, int] | None, as_json: bool,
           db_path: str) -> None:  # fmt: skip
    """List near-duplicate pairs (same year, similar titles, below the automatic merge threshold)
    for a person to merge or keep.

    Example:

    \b
        reviewkit dedupe
        reviewkit dedupe --merge 12 40     # 40 is the same paper as 12
        reviewkit dedupe --keep 12 40      # they are different papers
    """
    from reviewkit.project import corpus

    store = project_store(db_path)
    if merge:
        notes = corpus.merge_documents(store, *merge)
        click.echo(f"Merged document {merge[1]} into {merge[0]}.")
        for note in notes:
            click.echo(f"{note[0].upper()}{note[1:]}.")
        return
    if keep:
        corpus.keep_distinct(store, *keep, coder=default_coder())
        click.echo(f"Documents {keep[0]} and {keep[1]} are kept as different papers.")
        return
    pairs = corpus.near_duplicates(store, low=min_similarity)
    if as_json:
        echo_json([p.__dict__ for p in pairs])
        return
    if not pairs:
        click.echo("No near-duplicate pairs.")
        return
    echo_table(
        ["a", "b", "similarity", "year", "title a", "title b"],
        [(p.a, p.b, f"{p.similarity:.1f}", p.year, p.title_a, p.title_b) for p in pairs],
        title=f"{len(pairs)} near-duplicate pairs (merge with --merge KEEP DROP, or --keep A B)",
    )
