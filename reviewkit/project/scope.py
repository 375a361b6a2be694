"""Provides the one rule for which documents coding, review, trends and exports work on.

Before any screening decision exists every document is in scope. Once screening has begun, only
the INCLUDED documents are (`reviewkit.project.screening.included_documents`: a final include at
title/abstract, and at full text where that stage decided the record); ``--all`` (``all_documents``)
brings every document back. Front ends print `scope_note` so the denominator is always said.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reviewkit.store import Store


def documents_in_scope(store: Store, *, all_documents: bool = False) -> set[int] | None:
    """The ids of the documents in scope, or None when every document is (no screening, or `all_documents`)."""
    from reviewkit.project.screening import included_documents, screening_started

    if all_documents or not screening_started(store):
        return None
    return included_documents(store)


def scope_note(store: Store, scope: set[int] | None) -> str:
    """One sentence naming the scope and its denominator, e.g. "12 included of 119 documents ...".

    Returns "" when every document is in scope because screening has not begun.
    """
    from reviewkit.project.screening import screening_started

    total = store.documents.count()
    if scope is None:
        return f"all {total} documents (--all)" if screening_started(store) else ""
    return f"the {len(scope)} included of {total} documents (screening has begun; --all for every document)"
