"""Survey pages, one module per subject: campaigns (staff), collect (paper entry, CSV import, aggregated results,
QR codes and posters), results (results, points, comments, publication, actions), public (no login)."""
