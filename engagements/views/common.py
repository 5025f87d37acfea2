"""What the action pages share (actions.py: the list; action_detail.py: one action; action_plans.py: the plans):
fetching the actions the user may see or edit, the crumb of the list, the prefectures whose plans the user
manages, and a service's errors put on a form.

Actions are fetched through ``for_user``: a foreign action is a 404; one the user may see but not change is a 403.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse

from accounts import access
from engagements.models import Action
from sites.models import Prefecture

LIST_RELATIONS = ("prefecture", "site", "owner", "module", "engagement")


def list_crumb():
    return ("Plan d’action", reverse("action_list"))


def managed_prefectures(user):
    """The prefectures whose action plans the user manages."""
    return [p for p in Prefecture.objects.for_user(user) if access.can_manage_action_plans(user, p)]


def visible_actions(user):
    return Action.objects.for_user(user).select_related(*LIST_RELATIONS)


def visible_action(request, pk):
    return get_object_or_404(
        visible_actions(request.user).select_related("plan__labelling__referential", "verified_by", "created_by"),
        pk=pk,
    )


def editable_action(request, pk):
    action = visible_action(request, pk)
    if not access.can_edit_action(request.user, action):
        raise PermissionDenied("Vous pouvez consulter cette action mais pas la modifier.")
    return action
