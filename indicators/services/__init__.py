"""Services of the indicators: measurements (entry, imports), compute (computed indicators), aggregates, boards
(the pages' read side), footfall, catalogue."""
