"""Comments and evidence files of an action."""

import uuid
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import access
from engagements.models import ActionComment, ActionEvidence
from qualipref.lib import uploads

EVIDENCE_ACCEPT = uploads.DOCUMENT_ACCEPT
COMMENT_MAX_LENGTH = 5000


# --- comments and evidence ------------------------------------------------------------------------


@transaction.atomic
def action_comment_add(*, by, action, text) -> ActionComment:
    if not access.can_edit_action(by, action):
        raise PermissionDenied("Vous ne pouvez pas commenter cette action.")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Le commentaire est vide."})
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError({"text": f"Le commentaire dépasse {COMMENT_MAX_LENGTH} caractères."})
    return ActionComment.objects.create(action=action, author=by, text=text)


@transaction.atomic
def action_evidence_add(*, by, action, file) -> ActionEvidence:
    """Attach a proof (checked by qualipref.lib.uploads: 10 Mo at most, type read from the content)."""
    if not access.can_edit_action(by, action):
        raise PermissionDenied("Vous ne pouvez pas ajouter de justificatif à cette action.")
    if file is None:
        raise ValidationError({"file": "Choisissez un fichier."})
    name = PurePath(file.name or "").name[-200:]
    kind = uploads.check_document(file, field="file")
    _, content_type, extensions = uploads.DOCUMENT_TYPES[kind]
    evidence = ActionEvidence(action=action, name=name, size=file.size, content_type=content_type, uploaded_by=by)
    # Stored under a random name (the original one is kept in ``name``): no guessable paths under media.
    evidence.file.save(f"{uuid.uuid4().hex}{extensions[0]}", file, save=False)
    stored = evidence.file.name
    try:
        evidence.save()
    except Exception:
        evidence.file.storage.delete(stored)
        raise
    return evidence


@transaction.atomic
def action_evidence_delete(*, by, evidence) -> None:
    if not access.can_edit_action(by, evidence.action):
        raise PermissionDenied("Vous ne pouvez pas retirer ce justificatif.")
    storage, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))
