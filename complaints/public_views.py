"""The public e-réclamation form (mounted at /e-reclamation/): no login, rate-limited, honeypot against robots.

The confirmation page shows the reference of the request just left, kept in the visitor's session: nothing of
anyone else's request is ever shown on a public page. « Suivre ma demande » shows a request to whoever gives its
reference and the e-mail address or the postcode left with it; a wrong reference and a wrong address get the very
same answer, and the address is compared in constant time (no way to learn which references exist).
"""

import hmac

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from complaints import services
from complaints.forms import PublicComplaintForm, TrackingForm
from complaints.models import Complaint, retention_months

# Per visitor's address: enough for a family at one computer, too few for a robot.
RATE = "5/h"
SESSION_KEY = "complaints_public_reference"


def _rate_limited(request):
    return render(request, "complaints/public/rate_limited.html", {"title": "Trop de demandes"}, status=429)


@login_not_required
@ratelimit(key="ip", rate=RATE, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def public_complaint_form(request):
    if getattr(request, "limited", False):
        return _rate_limited(request)
    initial = {}
    if request.method == "GET" and (request.GET.get("site") or "").isdigit():
        initial["site"] = int(request.GET["site"])
    form = PublicComplaintForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("website", None)
            try:
                complaint = services.complaint_submit(**data)
            except ValidationError as error:
                for field, errors in getattr(error, "error_dict", {None: error.error_list}).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                request.session[SESSION_KEY] = complaint.pk
                return redirect("public_complaint_done")
        status = 400
    return render(
        request,
        "complaints/public/form.html",
        {
            "title": "Déposer une réclamation ou une suggestion",
            "form": form,
            "services_by_site": form.services_by_site,
            "retention_months": retention_months(),
        },
        status=status,
    )


@login_not_required
@require_GET
def public_complaint_done(request):
    """The reference of the request this visitor just left (none: back to the form)."""
    pk = request.session.get(SESSION_KEY)
    complaint = (
        Complaint.objects.select_related("site", "prefecture").filter(pk=pk).first() if isinstance(pk, int) else None
    )
    if complaint is None:
        return redirect("public_complaint_form")
    return render(
        request,
        "complaints/public/done.html",
        {"title": "Votre demande est enregistrée", "complaint": complaint, "retention_months": retention_months()},
    )


TRACKING_REFUSED = (
    "Aucune demande ne correspond à cette référence et à cette adresse électronique ou ce code postal. "
    "Vérifiez-les : ce sont ceux de l’accusé de réception ou de la page de confirmation."
)
# Compared when no request bears the reference: the same work as for a wrong address.
_NOBODY = Complaint(reference="", requester_email="nobody@invalid.invalid", requester_postcode="00000")


def _same(given, expected):
    """Whether two strings are equal, in constant time; a blank expected value never matches."""
    equal = hmac.compare_digest(given.encode(), (expected or "\0").encode())
    return equal and bool(expected)


def tracked_complaint(reference, contact):
    """The complaint of ``reference`` when ``contact`` is its requester's e-mail address (any case) or postcode;
    else None, whichever of the two is wrong. One query."""
    complaint = Complaint.objects.select_related("site", "prefecture", "service").filter(reference=reference).first()
    candidate = complaint or _NOBODY
    if "@" in contact:
        matches = _same(contact.casefold(), candidate.requester_email.casefold())
    else:
        matches = _same(contact, candidate.requester_postcode_or_address)
    return complaint if matches and complaint is not None else None


@login_not_required
@never_cache
@sensitive_post_parameters("contact")
@ratelimit(key="ip", rate=RATE, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def public_complaint_track(request):
    """« Suivre ma demande »: the status, due date and, once answered, the answer of one's own request."""
    if getattr(request, "limited", False):
        return _rate_limited(request)
    form = TrackingForm(request.POST or None)
    complaint = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            complaint = tracked_complaint(form.cleaned_data["reference"], form.cleaned_data["contact"])
            if complaint is None:
                form.add_error(None, TRACKING_REFUSED)
            else:
                form = TrackingForm()  # blank, to follow another request: the details are not shown back
        if complaint is None:
            status = 400
    return render(
        request,
        "complaints/public/track.html",
        {"title": "Suivre ma demande", "form": form, "complaint": complaint},
        status=status,
    )
