"""Provides the screens of the review app, one per module."""
