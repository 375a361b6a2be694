"""Provides pure analysis functions (trends, ...) over plain rows; never touches the store."""
