"""Provides REFI-QDA exchange: .qdc codebooks and .qdpx projects, read and written."""
