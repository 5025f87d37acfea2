"""E-mails read from the prefectures' mailboxes (complaints.inbound): the triage of those no rule placed.

The register's rule: whoever records complaints and letters in a prefecture triages its messages (its quality
manager, the referents and agents of its sites). A message names its sender: national administrators and managers,
who only read the registers, do not see the triage; auditors see nothing.
"""

from django.db.models import Q

from accounts.models import Role

from .abilities import abilities_of
from .complaints import can_handle_complaint, complaint_sites
from .core import get_scope


def _triage_prefecture_ids(scope):
    return scope.prefecture_ids(Role.QUALITY_MANAGER) | scope.site_prefectures


def scope_inbound(queryset, user):
    """Messages (or mailboxes) of the prefectures whose register the user handles. Reads ``prefecture_id``."""
    return queryset.filter(Q(prefecture_id__in=_triage_prefecture_ids(get_scope(user))))


def may_triage_inbound(user):
    """Whether the user has a triage to look at (the link of the menu, the page)."""
    return bool(_triage_prefecture_ids(get_scope(user)))


def can_triage_inbound(user, message):
    """See a message, its sender and text, discard it (no query per row)."""
    return message.prefecture_id in _triage_prefecture_ids(get_scope(user))


def inbound_sites(queryset, user, message):
    """Sites a message may be filed on by the user: those of its prefecture where they record complaints and
    letters (the quality manager: all of them; a referent or an agent: their own)."""
    return complaint_sites(queryset, user).filter(prefecture_id=message.prefecture_id)


def can_file_inbound(user, message, site):
    """File a waiting message as a new item of ``site``: a site of the message's prefecture the user records on."""
    if site.prefecture_id != message.prefecture_id or not message.is_waiting:
        return False
    scope = get_scope(user)
    return site.prefecture_id in scope.prefecture_ids(Role.QUALITY_MANAGER) or site.pk in scope.site_ids(
        Role.SITE_REFERENT, Role.AGENT
    )


def can_read_inbound(user, message):
    """A message and its attachments: those who handle the item it became or answers (the register's rule), or,
    while it waits, those who triage it."""
    item = message.complaint or message.correspondence
    if item is not None:
        return can_handle_complaint(user, item)
    return can_triage_inbound(user, message)


@abilities_of("complaints.InboundMessage")
def _inbound_abilities(user, message):
    triage = can_triage_inbound(user, message) and message.is_waiting
    return {"update": False, "delete": False, "file": triage, "discard": triage}
