"""Personal data: the retention period and the right to erasure (one code for both).

- A complaint keeps its requester's personal data (name, e-mail, address, phone) ``retention_months()`` months
  (settings.QUALIPREF_COMPLAINTS_RETENTION_MONTHS, env PERSONAL_DATA_RETENTION_MONTHS, 24 by default) after it
  was closed, or answered when it was never closed. Then it is anonymised: the requester's fields are emptied,
  and the description and the answer (free texts that name people) are replaced by a notice, in the complaint
  and in every history row (django-simple-history keeps the old values of the description; the requester's fields
  and the answer are not in the history at all, see complaints.models). What the statistics need stays: site,
  service, category, channel, dates, delay.
- A correspondence item keeps its sender, their contact, its answer and subject as long after its answer; then they
  are erased, in the item and in its history rows (the sender's fields and the answer are not in the history), and
  the address its answer was e-mailed to with them.
- ``enforce_retention()`` is the nightly job (complaints.tasks.enforce_retention, 03:30): idempotent, items already
  anonymised (``anonymised_on``) are skipped, a run interrupted halfway is finished by the next one (each chunk
  is one transaction).
- The CSV files of correspondence imports are deleted once imported; those of imports that never ran (a worker
  down) are deleted by the same job after ``STALE_IMPORT_DAYS`` days.
- A person without an account of the training plan (engagements.models.Trainee) keeps their name, service and
  position as long after they left their site (``left_on``); then the same job anonymises them and their history
  rows (engagements.services.trainings.anonymise_trainees); their training records stay, for the statistics.
- The e-mails a complaint or an item came from or received (complaints.inbound: sender, subject, text,
  attachments) are erased with it; those never filed (left in the triage, discarded, quarantined) the same period
  after they arrived.
- ``erase_complaints`` / ``erase_correspondences`` serve a right-to-erasure request from the admin (an action of
  the lists, the complaints found by the requester's exact e-mail): the same anonymisation, right away.
"""

import calendar
import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, Value
from django.utils import timezone

from accounts import access
from complaints.models import (
    REQUESTER_FIELDS,
    SENDER_FIELDS,
    Complaint,
    Correspondence,
    CorrespondenceImport,
    InboundAttachment,
    InboundMessage,
    ReplyDelivery,
    retention_months,
)
from engagements.services import trainings
from qualipref.lib import data_version
from qualipref.lib.dates import short_date

CHUNK = 500
STALE_IMPORT_DAYS = 7


def months_before(day, months):
    """The same day ``months`` earlier (or the last day of that month)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def erased_text(today):
    return f"[Texte effacé le {short_date(today)} : données personnelles anonymisées.]"


def expired_complaints(*, today=None):
    """Complaints closed (or answered and never closed) before the retention period, not anonymised yet."""
    cutoff = months_before(today or timezone.localdate(), retention_months())
    return Complaint.objects.filter(anonymised_on__isnull=True).filter(
        Q(status=Complaint.Status.CLOSED, closed_on__lt=cutoff)
        | Q(status=Complaint.Status.ANSWERED, answered_on__lt=cutoff)
    )


def expired_correspondences(*, today=None):
    cutoff = months_before(today or timezone.localdate(), retention_months())
    return Correspondence.objects.filter(anonymised_on__isnull=True, answered_on__lt=cutoff)


def _chunks(queryset):
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def anonymise_complaints(queryset, *, today=None) -> int:
    """Anonymise these complaints and their history rows; returns how many were anonymised."""
    today = today or timezone.localdate()
    text = erased_text(today)
    count = 0
    for ids in _chunks(queryset):
        with transaction.atomic():
            rows = Complaint.objects.filter(pk__in=ids)
            rows.update(
                **dict.fromkeys(REQUESTER_FIELDS, ""),
                description=Value(text),
                anonymised_on=today,
                updated_at=timezone.now(),
            )
            rows.exclude(response="").update(response=text)
            Complaint.history.filter(id__in=ids).update(description=text)
            # The address the answer was e-mailed to, and the mail server's words that may quote it.
            ReplyDelivery.objects.filter(complaint_id__in=ids).update(recipient="", error="")
            erase_inbound_messages(InboundMessage.objects.filter(complaint_id__in=ids), today=today)
            data_version.bump()  # bulk updates send no signal
        count += len(ids)
    return count


def anonymise_correspondences(queryset, *, today=None) -> int:
    """Erase the sender, their contact, the answer and the subject of these items and of their history rows, and the
    address their answers were e-mailed to; returns how many."""
    today = today or timezone.localdate()
    text = f"[Effacé le {short_date(today)}]"
    count = 0
    for ids in _chunks(queryset):
        with transaction.atomic():
            rows = Correspondence.objects.filter(pk__in=ids)
            rows.exclude(response="").update(response=erased_text(today))
            rows.update(
                **dict.fromkeys(set(SENDER_FIELDS) - {"response"}, ""), anonymised_on=today, updated_at=timezone.now()
            )
            rows.exclude(subject="").update(subject=text)
            ReplyDelivery.objects.filter(correspondence_id__in=ids).update(recipient="", error="")
            erase_inbound_messages(InboundMessage.objects.filter(correspondence_id__in=ids), today=today)
            Correspondence.history.filter(id__in=ids).exclude(subject="").update(subject=text)
            data_version.bump()  # bulk updates send no signal
        count += len(ids)
    return count


def erase_inbound_messages(queryset, *, today=None) -> int:
    """Erase the sender, the subject and the text of these e-mails and delete their attachments (files after the
    commit: a rollback keeps them); returns how many messages."""
    today = today or timezone.localdate()
    attachments = InboundAttachment.objects.filter(message__in=queryset)
    names = list(attachments.values_list("file", flat=True))
    attachments.delete()
    count = queryset.update(
        sender_name="", sender_email="", subject=f"[Effacé le {short_date(today)}]", body="", updated_at=timezone.now()
    )
    if names:
        storage = InboundAttachment._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return count


def expired_inbound_messages(*, today=None):
    """E-mails never filed (triage, quarantine, discarded) that arrived before the retention period and still hold
    personal data."""
    cutoff = months_before(today or timezone.localdate(), retention_months())
    return InboundMessage.objects.filter(
        complaint__isnull=True, correspondence__isnull=True, received_at__date__lt=cutoff
    ).filter(~Q(sender_email="") | ~Q(sender_name="") | ~Q(body=""))


def delete_stale_import_files(*, now=None) -> int:
    """Delete the uploaded files of imports left unfinished for ``STALE_IMPORT_DAYS`` days (they may name
    senders); such imports are marked failed."""
    now = now or timezone.now()
    stale = CorrespondenceImport.objects.exclude(file="").filter(
        created_at__lt=now - datetime.timedelta(days=STALE_IMPORT_DAYS)
    )
    count = 0
    for batch in stale:
        batch.file.delete(save=False)
        fields = {"file": "", "updated_at": now}
        if batch.is_running:
            fields.update(status=CorrespondenceImport.Status.FAILED, finished_at=now)
        CorrespondenceImport.objects.filter(pk=batch.pk).update(**fields)
        count += 1
    return count


def enforce_retention(*, today=None) -> dict:
    """The nightly job: anonymise what outlived the retention period. Returns the counts."""
    today = today or timezone.localdate()
    return {
        "complaints": anonymise_complaints(expired_complaints(today=today), today=today),
        "correspondences": anonymise_correspondences(expired_correspondences(today=today), today=today),
        "import_files": delete_stale_import_files(),
        "inbound_messages": _erase_expired_inbound(today),
        # People without an account followed by the training plan: the same period after they left their site.
        "trainees": trainings.anonymise_trainees(
            trainings.expired_trainees(cutoff=months_before(today, retention_months())), today=today
        ),
    }


def _erase_expired_inbound(today):
    with transaction.atomic():
        return erase_inbound_messages(expired_inbound_messages(today=today), today=today)


def erase_complaints(*, by, queryset) -> int:
    """Right to erasure: anonymise these complaints now, whatever their status. National administrators (the
    admin) and the quality managers of their prefectures only."""
    if any(not access.can_erase_personal_data(by, complaint) for complaint in queryset.select_related("prefecture")):
        raise PermissionDenied("Seuls l'administration nationale et le responsable qualité effacent ces données.")
    return anonymise_complaints(queryset.filter(anonymised_on__isnull=True))


def erase_correspondences(*, by, queryset) -> int:
    if any(not access.can_erase_personal_data(by, item) for item in queryset.select_related("prefecture")):
        raise PermissionDenied("Seuls l'administration nationale et le responsable qualité effacent ces données.")
    return anonymise_correspondences(queryset.filter(anonymised_on__isnull=True))
