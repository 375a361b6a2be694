"""Provides the Textual review app (`reviewkit.tui.app.make_app`); imported lazily by `reviewkit review`."""
