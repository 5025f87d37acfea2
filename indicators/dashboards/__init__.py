"""The dashboards each role lands on (site, prefecture, national with its map), built from stored data only.

Each builder costs a fixed number of queries whatever the number of sites or prefectures: the counts are
aggregated by the database (GROUP BY), never per row. The landing page (``indicators.views.landing``) shows them
and the drill-down pages live in ``indicators.views.dashboards``; no app imports indicators.
"""
