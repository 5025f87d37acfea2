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
"""

from .abilities import *  # noqa: F403
from .audits import *  # noqa: F403
from .complaints import *  # noqa: F403
from .core import *  # noqa: F403
from .engagements import *  # noqa: F403
from .indicators import *  # noqa: F403
from .surveys import *  # noqa: F403
