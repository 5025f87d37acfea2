"""Complaints, suggestions and reply templates."""

from django.db.models import Q

from accounts.models import PREFECTURE_ROLES, SITE_ROLES, Role

from .abilities import abilities_of
from .core import get_scope
from .engagements import can_create_action


def scope_complaints(queryset, user):
    """Complaints of the user's prefectures (quality managers, managers) and of their own sites (referents,
    agents); national administrators read them all, auditors none. Reads ``prefecture_id`` and ``site_id``."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    return queryset.filter(
        Q(prefecture_id__in=scope.prefecture_ids(*PREFECTURE_ROLES)) | Q(site_id__in=scope.site_ids(*SITE_ROLES))
    )


def can_handle_complaint(user, complaint):
    """Edit, answer, reassign, close: the referents and agents of its site, the quality manager of its
    prefecture. Managers and national administrators only read (computed from ids: no query per row)."""
    scope = get_scope(user)
    return complaint.prefecture_id in scope.prefecture_ids(Role.QUALITY_MANAGER) or complaint.site_id in scope.site_ids(
        *SITE_ROLES
    )


def can_see_requester(user, complaint):
    """The requester's personal data (name, e-mail, address, phone) is for those who handle the complaint only:
    never for managers, national administrators, exports of other roles or public pages."""
    return can_handle_complaint(user, complaint)


def can_see_response(user, complaint):
    """The text of the answer greets the requester by name and may quote their address or e-mail, however it got
    there (a template's {nom}, a name typed by hand): it is personal data, read by whom may see the requester."""
    return can_see_requester(user, complaint)


def handler_role(user, complaint):
    """The role in which the user answers this complaint (the signature of the answer): the site's referent or
    agent, else the prefecture's quality manager; None when they do not handle it."""
    scope = get_scope(user)
    for role in (Role.SITE_REFERENT, Role.AGENT):
        if complaint.site_id in scope.site_ids(role):
            return role
    if complaint.prefecture_id in scope.prefecture_ids(Role.QUALITY_MANAGER):
        return Role.QUALITY_MANAGER
    return None


def can_record_complaint(user, site):
    """Enter a complaint received on a site (letter, counter, box...): whoever handles the site's complaints."""
    scope = get_scope(user)
    return site.prefecture_id in scope.prefecture_ids(Role.QUALITY_MANAGER) or site.pk in scope.site_ids(*SITE_ROLES)


def complaint_sites(queryset, user):
    """Sites whose complaints the user records and handles (the rule of ``can_record_complaint``, as a queryset)."""
    scope = get_scope(user)
    return queryset.filter(
        Q(prefecture_id__in=scope.prefecture_ids(Role.QUALITY_MANAGER)) | Q(pk__in=scope.site_ids(*SITE_ROLES))
    )


def may_handle_complaints(user):
    """Whether the user handles complaints anywhere (quality manager, referent or agent)."""
    scope = get_scope(user)
    return bool(scope.prefecture_ids(Role.QUALITY_MANAGER) or scope.site_ids(*SITE_ROLES))


def complaint_handler_memberships(queryset, *, prefecture_id, site_id):
    """Who may be assigned a complaint of this site: the referents and agents of the site and the quality
    managers of its prefecture. ``queryset`` is a Membership queryset; the caller keeps it active."""
    return queryset.filter(
        Q(role=Role.QUALITY_MANAGER, prefecture_id=prefecture_id) | Q(role__in=SITE_ROLES, site_id=site_id)
    )


def can_manage_reply_templates(user, prefecture):
    """The reply templates of a prefecture are written by its quality manager; its handlers use them."""
    return prefecture.pk in get_scope(user).prefecture_ids(Role.QUALITY_MANAGER)


def manageable_reply_template_prefectures(queryset, user):
    """Prefectures whose reply templates the user writes (the rule of ``can_manage_reply_templates``)."""
    return queryset.filter(pk__in=get_scope(user).prefecture_ids(Role.QUALITY_MANAGER))


# --- abilities ------------------------------------------------------------------------------------


@abilities_of("complaints.Complaint")
def _complaint_abilities(user, complaint):
    # Load ``site`` and ``prefecture`` with the complaint (select_related): create_action reads them.
    handle = can_handle_complaint(user, complaint)
    return {
        "update": handle,
        "delete": False,
        "answer": handle and complaint.is_open,
        "reassign": handle and complaint.is_open,
        "close": handle and complaint.status == complaint.Status.ANSWERED,
        "create_action": can_create_action(user, complaint.prefecture, complaint.site),
        "see_requester": can_see_requester(user, complaint),
        "see_response": can_see_response(user, complaint),
    }


@abilities_of("complaints.ReplyTemplate")
def _reply_template_abilities(user, template):
    return {"update": can_manage_reply_templates(user, template.prefecture), "delete": False}


# --- correspondence (letters, e-mails, elected officials' requests) -------------------------------------
# Handled by the same people as complaints: the site's referents and agents, the prefecture's quality manager;
# read by the prefecture's managers and national administrators; auditors see none.


def scope_correspondences(queryset, user):
    """Correspondence the user may see (reads ``prefecture_id`` and ``site_id``, like complaints)."""
    return scope_complaints(queryset, user)


def can_handle_correspondence(user, item):
    """Enter, edit, mark answered, delete: the rule of ``can_handle_complaint`` (no query per row)."""
    return can_handle_complaint(user, item)


def can_see_sender(user, item):
    """The sender of a letter is personal data: for those who handle it only."""
    return can_handle_correspondence(user, item)


def can_record_correspondence(user, site):
    return can_record_complaint(user, site)


def correspondence_sites(queryset, user):
    """Sites whose correspondence the user records (as a queryset)."""
    return complaint_sites(queryset, user)


def may_handle_correspondence(user):
    return may_handle_complaints(user)


def correspondence_import_prefectures(queryset, user):
    """Prefectures for which the user may import correspondence: theirs as quality manager, and those of their
    sites as referent or agent (each row is then checked against the sites they record)."""
    scope = get_scope(user)
    return queryset.filter(pk__in=scope.prefecture_ids(Role.QUALITY_MANAGER) | scope.site_prefectures)


def scope_correspondence_imports(queryset, user):
    """Imports of the prefectures the user manages as quality manager, and their own; all for national
    administrators (read only)."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    return queryset.filter(Q(prefecture_id__in=scope.prefecture_ids(Role.QUALITY_MANAGER)) | Q(created_by=user))


def can_retry_correspondence_import(user, batch):
    """« Relancer » an import that failed for want of a worker: the prefecture's quality manager, or the user who
    sent it while they may still import for that prefecture (national administrators read imports only)."""
    scope = get_scope(user)
    if batch.prefecture_id in scope.prefecture_ids(Role.QUALITY_MANAGER):
        return True
    return batch.created_by_id == user.pk and batch.prefecture_id in scope.site_prefectures


def can_manage_correspondence_delays(user, prefecture):
    """The delays of elected officials' requests and letters of observation are set by the quality manager."""
    return prefecture.pk in get_scope(user).prefecture_ids(Role.QUALITY_MANAGER)


def correspondence_delay_prefectures(queryset, user):
    """Prefectures whose delays the user sets (the rule of ``can_manage_correspondence_delays``)."""
    return queryset.filter(pk__in=get_scope(user).prefecture_ids(Role.QUALITY_MANAGER))


def can_erase_personal_data(user, item):
    """Right to erasure (complaints.retention): national administrators, from the admin, and the quality
    manager of the item's prefecture. Reads ``prefecture_id``."""
    scope = get_scope(user)
    return scope.national or item.prefecture_id in scope.prefecture_ids(Role.QUALITY_MANAGER)


@abilities_of("complaints.Correspondence")
def _correspondence_abilities(user, item):
    handle = can_handle_correspondence(user, item)
    return {
        "update": handle,
        "delete": handle,
        "answer": handle and item.is_open,
        "see_sender": can_see_sender(user, item),
    }


@abilities_of("accounts.Notification")
def _notification_abilities(user, notification):
    own = notification.recipient_id == getattr(user, "pk", None)
    return {"update": False, "delete": False, "mark_read": own and notification.read_at is None}
