import datetime

import pytest

from planning import services
from tests.api.conftest import api_client, as_role, login, world  # noqa: F401 (the API tests' fixtures)

YEAR = 2026
# The day the programme tests live in: mid-May 2026 (the COPILs of January to April are past).
TODAY = datetime.date(2026, 5, 15)


@pytest.fixture
def rules(world):  # noqa: F811
    """The rules of the 2015 review of the Bouches-du-Rhône: monthly COPIL, quarterly self-assessment on each site,
    CLU in April, satisfaction survey in May – June, an internal audit of Arles in October."""
    qm = world.users["quality_manager"]
    made = {}
    for name, fields in {
        "copil": {"kind": "copil"},
        "self_assessment": {"kind": "self_assessment"},
        "clu": {"kind": "clu", "month": 4},
        "survey": {"kind": "survey", "month": 5, "end_month": 6},
        "internal_audit": {"kind": "internal_audit", "month": 10, "site": world.site},
    }.items():
        made[name] = services.rule_save(by=qm, prefecture=world.prefecture, **fields)
    return made
