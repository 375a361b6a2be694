"""Provides `ReviewScreen`: one document, its passages and the codes suggested for each (the core screen)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from reviewkit.errors import ReviewkitError
from reviewkit.project import review as svc
from reviewkit.project import state
from reviewkit.project.memos import ContextMemos, add_memo, memos_in_context
from reviewkit.tui.dialogs import CodePicker
from reviewkit.tui.session import DocFilters
from reviewkit.tui.text_prompt import TextPrompt
from reviewkit.tui.widgets.evidence_panel import EvidencePanel
from reviewkit.tui.widgets.memo_list import MemoList
from reviewkit.tui.widgets.passage_text import PassageText
from reviewkit.tui.widgets.suggestion_list import SuggestionList

if TYPE_CHECKING:
    from reviewkit.tui.session import ReviewSession


def leaf_choices(session: ReviewSession, groups: bool = False) -> list[tuple[str, str, str]]:
    """(id, English label, Chinese label) of the codebook's codes (leaves; groups too when asked)."""
    rows = svc.codebook_codes(session.store, session.codebook_id)
    parents = {r.parent for r in rows if r.parent}
    return [(r.code_id, r.label, r.label_zh) for r in rows if groups or r.code_id not in parents]


class ReviewScreen(Screen[None]):
    """Read a document passage by passage and accept or reject the suggested codes."""

    BINDINGS = [
        Binding("j,down", "passage(1)", "passage", key_display="j/k", tooltip="Next passage"),
        Binding("k,up", "passage(-1)", "Previous passage", show=False),
        Binding("tab,right", "item(1)", "code", key_display="tab", show=False, tooltip="Next code of the passage"),
        Binding("shift+tab,left", "item(-1)", "Previous code", show=False),
        Binding("a", "decide('accepted', 1)", "decide→next", key_display="a/r", tooltip="Accept the code, then focus the next one"),
        Binding("a", "decide('accepted', 0)", "decide (stay)", key_display="a/r", tooltip="Accept the code and stay on it"),
        Binding("r", "decide('rejected', 1)", "reject→next", show=False, tooltip="Reject the code, then focus the next one"),
        Binding("r", "decide('rejected', 0)", "reject (stay)", show=False, tooltip="Reject the code and stay on it"),
        Binding("d", "done", "done", key_display="d/D", tooltip="Mark the passage done (again: unmark)"),
        Binding("D", "document_done", "document done", show=False, tooltip="Mark every passage of the document done (again: unmark)"),
        Binding("t", "app.toggle_advance", "stay/next", show=False, tooltip="After a/r: move to the next code, or stay"),
        Binding("A", "accept_all", "all", key_display="A", show=False, tooltip="Accept every suggestion at or above its threshold"),
        Binding("c", "add_code", "add", show=False, tooltip="Add a code to the passage (fuzzy search)"),
        Binding("m", "memo", "memo", show=False, tooltip="Write a memo on the passage"),
        Binding("u", "app.undo", "undo"),
        Binding("ctrl+r", "app.redo", "redo", show=False),
        Binding("n", "document(1)", "doc", key_display="n/p", show=False, tooltip="Next document"),
        Binding("p", "document(-1)", "Previous document", show=False),
        Binding("escape", "back", "back", show=False, tooltip="Back to the list"),
    ]

    def __init__(
        self,
        session: ReviewSession,
        document_id: int,
        filters: DocFilters | None = None,
        index: int | None = None,
        passage_id: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.document_id = document_id
        self.filters = filters or DocFilters()
        self.index = index
        self.passage = 0
        self.item = 0
        self._start_passage = passage_id
        self.view: svc.DocumentView | None = None
        self.memos: ContextMemos = ContextMemos([], {})

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="review"):
            with Vertical(id="review-left"):
                yield Static(id="doc-meta")
                yield VerticalScroll(id="passages", can_focus=False)
            with Vertical(id="review-right"):
                yield SuggestionList(id="suggestions")
                yield EvidencePanel(id="evidence")
                yield MemoList(id="review-memos")
        yield Footer()

    def on_mount(self) -> None:
        self.load(self.document_id, passage_id=self._start_passage)
        release = getattr(self.app, "release_keys", None)
        if callable(release):
            self.call_after_refresh(release)  # keys typed while the document opened act on it now

    # ------------------------------------------------------------------ data
    def load(self, document_id: int, passage_id: int | None = None) -> None:
        """Show a document (rebuilding the passage widgets)."""
        s = self.session
        self.document_id = document_id
        self.view = svc.document_view(s.store, document_id, s.coder, blind=s.blind, codebook_id=s.codebook_id)
        self.passage = next((i for i, p in enumerate(self.view.passages) if p.id == passage_id), 0)
        self.item = 0
        self._read_memos()
        if self.index is None:
            self.index = s.position(document_id, self.filters)
        self.query_one("#doc-meta", Static).update(self._meta())
        box = self.query_one("#passages", VerticalScroll)
        box.remove_children()
        box.mount_all([PassageText(pv) for pv in self.view.passages])
        if not self.view.passages:
            box.mount(Static("This document has no passages yet: run `reviewkit code`.", classes="empty"))
        self.call_after_refresh(self._render_all)

    def reload(self) -> None:
        """Re-read the decisions (after a change elsewhere, e.g. undo) and render again."""
        s = self.session
        self.view = svc.document_view(
            s.store, self.document_id, s.coder, blind=s.blind, codebook_id=s.codebook_id
        )
        self._read_memos()
        self._render_all()

    def _meta(self) -> Text:
        v = self.view
        assert v is not None
        text = Text(f"#{v.id}  ", style="dim")
        text.append(f"{v.year or 'n.d.'} · ", style="bold")
        authors = "; ".join(v.authors[:3]) + (" et al." if len(v.authors) > 3 else "")
        text.append(authors or "(no authors)")
        if v.journal:
            text.append(f" · {v.journal}", style="italic")
        if self.index is not None:
            text.append(f"   [document {self.index + 1}]", style="dim")
        return text

    # ---------------------------------------------------------------- render
    @property
    def current(self) -> svc.PassageView | None:
        """The passage under review."""
        if self.view is None or not self.view.passages:
            return None
        return self.view.passages[self.passage]

    def _render_all(self) -> None:
        widgets = list(self.query(PassageText))
        if self.view is None or len(widgets) != len(self.view.passages):
            return
        focus = self._focused_item()
        for i, (w, pv) in enumerate(zip(widgets, self.view.passages, strict=True)):
            w.show(pv, focus if i == self.passage else None, current=i == self.passage)
        self._render_side()
        if widgets:
            widgets[self.passage].scroll_visible(animate=False)

    def _render_side(self) -> None:
        pv = self.current
        hide = self.session.hide_scores
        self.query_one(SuggestionList).show(pv.items if pv else [], self.item, hide)
        self.query_one(EvidencePanel).show(self._focused_item(), hide)
        on_passage = self.memos.passages.get(pv.id, []) if pv else []
        self.query_one(MemoList).show(
            [(f"passage {pv.seq + 1}" if pv else "passage", on_passage), ("document", self.memos.document)]
        )

    def _read_memos(self) -> None:
        """Read the memos on the document and its passages (blind: the coder's own only)."""
        s = self.session
        ids = [p.id for p in self.view.passages] if self.view else []
        self.memos = memos_in_context(s.store, self.document_id, ids, only_coder=s.coder if s.blind else None)

    def _focused_item(self) -> svc.SuggestionView | None:
        pv = self.current
        if pv is None or not pv.items:
            return None
        self.item = max(0, min(self.item, len(pv.items) - 1))
        return pv.items[self.item]

    def _render_passage(self, old: int | None = None) -> None:
        widgets = list(self.query(PassageText))
        if self.view is None or len(widgets) != len(self.view.passages):
            return
        if old is not None and old != self.passage:
            widgets[old].show(self.view.passages[old])
        widgets[self.passage].show(self.view.passages[self.passage], self._focused_item(), current=True)
        widgets[self.passage].scroll_visible(animate=False)
        self._render_side()

    # --------------------------------------------------------------- actions
    def action_passage(self, delta: int) -> None:
        if self.view is None or not self.view.passages:
            return
        old = self.passage
        self.passage = max(0, min(self.passage + delta, len(self.view.passages) - 1))
        self.item = 0
        self._render_passage(old)

    def action_item(self, delta: int) -> None:
        pv = self.current
        if pv is None or not pv.items:
            return
        self.item = (self.item + delta) % len(pv.items)
        self._render_passage()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show (and run) the a/r binding that matches the advance setting: "→next" or "(stay)"."""
        if action == "decide" and len(parameters) == 2:
            return bool(parameters[1]) == self.session.advance
        return True

    def action_decide(self, status: str, advance: int = 1) -> None:
        """Accept or reject the focused code; with `advance`, focus the passage's next code."""
        item = self._focused_item()
        if item is None or self.session.codebook_id is None:
            self.notify("Nothing to decide on this passage.", severity="warning")
            return
        s = self.session
        assert s.codebook_id is not None
        svc.decide(s.store, item.passage_id, item.code_id, s.coder, status, codebook_id=s.codebook_id,
                   suggestion_id=item.suggestion_id, score=item.score)  # fmt: skip
        item.mine = status
        pv = self.current
        if advance and pv is not None and self.item < len(pv.items) - 1:
            self.item += 1
        self._render_passage()
        s.count_decisions()

    def action_done(self) -> None:
        """Mark the current passage done ("reviewed, no further codes"); pressed again, undo the mark."""
        pv = self.current
        s = self.session
        if pv is None or s.codebook_id is None:
            self.notify("No passage to mark done.", severity="warning")
            return
        state.mark_passage(s.store, pv.id, s.coder, codebook_id=s.codebook_id, done=not pv.done)
        pv.done = not pv.done
        left = pv.undecided
        note = f" ({left} undecided suggestion(s) count as not applied)" if pv.done and left else ""
        self.notify(f"Passage {pv.seq + 1} {'done' if pv.done else 'no longer done'}{note}.")
        if pv.done and s.advance and self.view is not None and self.passage < len(self.view.passages) - 1:
            self.action_passage(1)
        else:
            self._render_passage()
        s.count_decisions(1 if pv.done else 0)

    def action_document_done(self) -> None:
        """Mark every passage of the document done (one undoable step); if all are done, undo the marks."""
        s = self.session
        if self.view is None or s.codebook_id is None or not self.view.passages:
            self.notify("No passages to mark done.", severity="warning")
            return
        done = not all(p.done for p in self.view.passages)
        n = state.mark_document(s.store, self.document_id, s.coder, codebook_id=s.codebook_id, done=done)
        verb = "reviewed: every passage done" if done else "no longer reviewed"
        self.notify(f"Document #{self.document_id} {verb} ({n} passage(s) changed; u undoes).")
        self.reload()
        s.count_decisions(n if done else 0)

    def action_accept_all(self) -> None:
        s = self.session
        if s.codebook_id is None:
            return
        n = svc.accept_all(s.store, self.document_id, s.coder, s.codebook_id)
        self.notify(f"Accepted {n} suggestion(s) at or above threshold (u undoes all).")
        self.reload()
        s.count_decisions(n)

    def action_add_code(self) -> None:
        pv = self.current
        if pv is None or self.session.codebook_id is None:
            return

        def done(code_id: str | None) -> None:
            if not code_id:
                return
            s = self.session
            try:
                svc.add_code(s.store, pv.id, code_id, s.coder, codebook_id=s.codebook_id or 0)
            except ReviewkitError as exc:
                self.notify(str(exc), severity="error", title="Cannot add code")
                return
            s.count_decisions()
            self.reload()
            cur = self.current
            if cur is not None:
                self.item = next((i for i, it in enumerate(cur.items) if it.code_id == code_id), self.item)
            self._render_passage()

        self.app.push_screen(
            CodePicker(leaf_choices(self.session), title=f"Add a code to passage {pv.seq + 1}"), done
        )

    def action_memo(self) -> None:
        """Write a memo on the current passage (`reviewkit.project.memos`)."""
        pv = self.current
        if pv is None:
            return

        def done(text: str | None) -> None:
            if not text:
                return
            try:
                memo = add_memo(self.session.store, f"passage:{pv.id}", text, self.session.coder)
            except ReviewkitError as exc:
                self.notify(str(exc), severity="error", title="Cannot save the memo")
                return
            self.notify(f"Memo {memo.id} saved on passage {pv.seq + 1}.")
            self._read_memos()
            self._render_side()

        self.app.push_screen(TextPrompt(f"Memo on passage {pv.seq + 1}", placeholder="a memo (English or 中文)"), done)

    def action_document(self, delta: int) -> None:
        if self.index is None:
            return
        target = self.session.document_at(self.index + delta, self.filters)
        if target is None:
            self.notify("No more documents in this direction.", severity="warning")
            return
        self.index += delta
        self.load(target)

    def action_back(self) -> None:
        self.dismiss(None)
