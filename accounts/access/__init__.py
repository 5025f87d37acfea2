"""The one place that answers what a user may see and do.

HTML views, API views, templates and querysets (``Model.objects.for_user(user)``) all call these
functions. A user's active memberships are read once per user object (one query) and kept on it.

Roles:
- national administrator: everything; manages référentiels, prefectures and sites;
- quality manager: everything of one prefecture and its sites, including its memberships;
- site referent, agent: their site(s);
- manager: read-only on a prefecture;
- auditor: only the audits they are assigned to, during their access window (nothing of the territory).

One module per subject; every function is importable from ``accounts.access`` (``access.can_edit_action``).

Every rule of every app is read here, and yet accounts sits low (sites <- accounts <- engagements <- audits;
surveys, complaints and indicators above): these modules import nothing but ``accounts.models``. A rule about
another app's objects gets them from its caller — the queryset to scope (``queryset.model``), the object to judge —
and reaches the rest through their relations and fields by name (``campaign.campaign_sites``, ``audit.site_ids()``,
``user.assigned_audits``), never by importing the app or reading Django's private attributes. A new app's rules go
in a module of their own here, written the same way. tests/test_import_direction.py keeps the imports honest.
"""

from .abilities import *  # noqa: F403
from .audits import *  # noqa: F403
from .complaints import *  # noqa: F403
from .core import *  # noqa: F403
from .crisis import *  # noqa: F403
from .documents import *  # noqa: F403
from .engagements import *  # noqa: F403
from .inbound import *  # noqa: F403
from .indicators import *  # noqa: F403
from .planning import *  # noqa: F403
from .reviews import *  # noqa: F403
from .surveys import *  # noqa: F403
