"""Writes on surveys, one module per subject: campaigns, responses (public answers, paper entry, CSV import),
results (aggregated results, highlights, comments, publication, actions)."""
