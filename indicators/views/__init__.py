"""Indicator pages: boards (catalogue, site, prefecture, national), entry (grids, imports), footfall (heatmaps,
imports, public peak hours)."""
