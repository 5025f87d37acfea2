"""Tracking of correspondence (suivi des courriers et courriels), part of the complaints app.

- services.py: every write (one by one), deadlines in working days, the prefectures' delays;
- imports.py: the bulk import of mail systems' CSV exports (all-or-nothing, streamed, with a report);
- filters.py, forms.py, views.py, urls.py: the pages under /courriers/;
- serializers.py, api.py: ``correspondences/`` of the API, with ``correspondences/import/``.
The models are in complaints.models.correspondence; alerts in indicators.alerts.complaints; retention in
complaints.retention.
"""
