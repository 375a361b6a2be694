"""Provides the service layer (use cases) that both front ends call.

Modules by area: `corpus` (import, dedupe, search, stats), `codebooks`, `coding` (tagger runs),
`review` (decisions, undo/redo, queue), `trends`, `agreement`, `exports`.
"""
