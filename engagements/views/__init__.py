"""Server-rendered pages, one module per subject."""
