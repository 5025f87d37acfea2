"""Forms of the pages, one module per subject. Writes go through engagements.services."""
