"""Pages of the audits, one module per subject (audits, grid, findings, reports, practices); writes go through
audits.services, what the user may do is asked to accounts.access."""
