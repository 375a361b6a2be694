"""Provides the small widgets of the review app, one per module."""
