"""Provides pure analysis functions over plain rows; never touches the store.

Modules: `review_state` (who reviewed what, and which decisions count per source), `trends` and
`periods` (shares per year / period over reviewed documents), `agreement` (inter-coder figures),
`assign` (overlap sample and balanced split), `cooccurrence` (code co-occurrence matrix) and
`progress` (per-coder figures and time spent).
"""
