"""Writes of the engagements app, one module per subject (keyword-only, atomic, actor checked)."""
