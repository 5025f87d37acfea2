"""Writes and computations of the audits app, one module per job:

- ``audits``: planning an audit (scope within its cycle's perimeter, auditors, access window), its statuses,
  ``report_due_on`` and the decision that moves the labelling cycle forward (through
  engagements.services.labellings);
- ``grid``: the assessment grid (cells, pre-fill from the previous audit, progress) and the mystery visits that
  feed it;
- ``findings``: findings, the prefecture's response, findings turned into actions (through
  engagements.services.actions), the closure rule of non-conformities, the library of good practices;
- ``summaries``: counts per site and per category, grid results by module, the comparison of two audits;
- ``reports``: the PDF report (rendered, stored with its checksum, produced by a Celery task when large).

Every write is keyword-only, takes its actor (``by``), asks accounts.access, raises ``PermissionDenied`` or
``ValidationError`` (French messages, by field) and runs in one transaction: nothing is half-saved.
"""
