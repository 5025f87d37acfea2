"""The inbox pages (« Mes notifications », under /comptes/notifications/): the user's own notifications only.

Writes go through accounts.notifications. Opening a notification marks it read and goes to its page.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts import notifications
from accounts.models import Notification
from qualipref.views import breadcrumb, paginate

FILTERS = {"non-lues": "Non lues", "toutes": "Toutes"}


@require_GET
def notification_list(request):
    shown = request.GET.get("afficher") if request.GET.get("afficher") in FILTERS else "non-lues"
    queryset = Notification.objects.for_user(request.user).order_by("-created_at", "-pk")
    if shown == "non-lues":
        queryset = queryset.unread()
    return render(
        request,
        "accounts/notifications.html",
        {
            "title": "Mes notifications",
            "page_obj": paginate(request, queryset),
            "shown": shown,
            "filters": FILTERS,
            "breadcrumb_data": breadcrumb("Mes notifications"),
        },
    )


def _back(request):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notification_list")


@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    notifications.mark_read(user=request.user, ids=[notification.pk])
    return _back(request)


@require_POST
def notification_read_all(request):
    if notifications.mark_all_read(user=request.user):
        messages.success(request, "Toutes vos notifications sont marquées comme lues.")
    return _back(request)


@require_GET
def notification_open(request, pk):
    """Follow a notification's link; it is then read."""
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    notifications.mark_read(user=request.user, ids=[notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("notification_list")
