"""Finding pages: creation and edit (auditors in their window, the quality manager), a finding's page (the
prefecture's response, its corrective actions, the closure rule of a non-conformity, its history), « Créer
l'action », the cause analysis and immediate correction of a non-conformity, its closure with the effectiveness check
(not effective: it stays or becomes again open, new actions are asked for) and the publication of a strength as a
good practice."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts import access
from audits.forms import AnalysisForm, EffectivenessForm, FindingActionForm, FindingForm, PublishForm, ResponseForm
from audits.models import GoodPractice
from audits.services import findings as services
from audits.views.common import audit_crumb, fillable_audit, list_crumb, visible_finding
from engagements.models import Action
from qualipref.views import breadcrumb, file_response, flash_outcome, redirect_if_saved


def _finding_crumb(finding):
    return (f"Constat n° {finding.pk}", reverse("finding_detail", kwargs={"pk": finding.pk}))


def _future(day):
    """A date offered as a default due date only when it is still to come."""
    return day if day is not None and day >= timezone.localdate() else None


def _detail_url(finding, anchor=""):
    return reverse("finding_detail", kwargs={"pk": finding.pk}) + anchor


def _after_create(request, finding):
    """Back to the audit, or (« Enregistrer et saisir le suivant ») a new form on the same category and site."""
    if "again" in request.POST:
        query = f"?category={finding.category}&site={finding.site_id or ''}"
        return reverse("finding_create", kwargs={"pk": finding.audit_id}) + query
    return reverse("audit_detail", kwargs={"pk": finding.audit_id}) + "#constats"


@require_http_methods(["GET", "POST"])
def finding_create(request, pk):
    audit = fillable_audit(request, pk)
    if not audit.is_editable:
        raise PermissionDenied("Le rapport est remis : l’audit ne reçoit plus de constat.")
    initial = {key: request.GET[key] for key in ("category", "site", "engagement") if request.GET.get(key)}
    form = FindingForm(request.POST or None, audit=audit, initial=initial)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.finding_create(by=request.user, audit=audit, **form.service_fields()),
        lambda finding: f"Constat enregistré : {finding.get_category_display().lower()}.",
        lambda finding: _after_create(request, finding),
    )
    return response or render(
        request,
        "audits/finding_form.html",
        {
            "title": "Nouveau constat",
            "audit": audit,
            "form": form,
            "breadcrumb_data": breadcrumb("Nouveau constat", list_crumb(), audit_crumb(audit)),
        },
    )


def _editable(request, pk):
    finding = visible_finding(request, pk)
    if not access.can_fill_audit(request.user, finding.audit):
        raise PermissionDenied(
            "Seuls les auditeurs de cet audit et le responsable qualité de la préfecture le remplissent."
        )
    if not finding.audit.is_editable:
        raise PermissionDenied("Le rapport est remis : les constats ne se modifient plus.")
    return finding


@require_http_methods(["GET", "POST"])
def finding_edit(request, pk):
    finding = _editable(request, pk)
    audit = finding.audit
    form = FindingForm(request.POST or None, audit=audit, finding=finding)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.finding_update(by=request.user, finding=finding, **form.service_fields()),
        "Le constat a été enregistré.",
        _detail_url(finding),
    )
    return response or render(
        request,
        "audits/finding_form.html",
        {
            "title": f"Modifier le constat n° {finding.pk}",
            "audit": audit,
            "finding": finding,
            "form": form,
            "breadcrumb_data": breadcrumb("Modifier", list_crumb(), audit_crumb(audit), _finding_crumb(finding)),
        },
    )


@require_http_methods(["GET", "POST"])
def finding_delete(request, pk):
    finding = _editable(request, pk)
    audit = finding.audit
    if request.method == "POST":
        deleted = flash_outcome(
            request,
            lambda: services.finding_delete(by=request.user, finding=finding),
            "Le constat a été supprimé.",
        )
        if not deleted:  # the refusal is flashed on the finding's page
            return redirect(_detail_url(finding))
        return redirect(reverse("audit_detail", kwargs={"pk": audit.pk}) + "#constats")
    return render(
        request,
        "audits/finding_delete.html",
        {
            "title": "Supprimer le constat",
            "audit": audit,
            "finding": finding,
            "breadcrumb_data": breadcrumb("Supprimer", list_crumb(), audit_crumb(audit), _finding_crumb(finding)),
        },
    )


@require_GET
def finding_detail(request, pk):
    finding = visible_finding(request, pk)
    audit = finding.audit
    user = request.user
    abilities = access.abilities(user, finding)
    actions = list(finding.actions.select_related("owner", "site").order_by("due_on", "pk"))
    visible_actions = set(
        Action.objects.for_user(user).filter(pk__in=[a.pk for a in actions]).values_list("pk", flat=True)
    )
    closure = services.closure_check(finding, actions=actions) if finding.is_nonconformity else None
    practice = GoodPractice.objects.filter(finding=finding).first()
    return render(
        request,
        "audits/finding_detail.html",
        {
            "title": f"{finding.get_category_display()} – constat n° {finding.pk}",
            "audit": audit,
            "finding": finding,
            "abilities": abilities,
            "can_edit": abilities["update"],
            "actions": actions,
            "visible_actions": visible_actions,
            "closure": closure,
            "close_form": EffectivenessForm(audits=closure.verifying_audits, finding=finding)
            if closure and closure.all_done and abilities["close"]
            else None,
            "analysis_form": AnalysisForm(finding=finding) if abilities["analyse"] else None,
            "response_form": ResponseForm(
                initial={"response": finding.response, "response_due_on": finding.response_due_on}
            )
            if abilities["respond"]
            else None,
            "practice": practice,
            "publish_form": PublishForm(initial={"title": finding.text.splitlines()[0][:200], "text": finding.text})
            if abilities["publish"] and practice is None
            else None,
            "history": services.finding_history(finding),
            "breadcrumb_data": breadcrumb(f"Constat n° {finding.pk}", list_crumb(), audit_crumb(audit)),
        },
    )


def _finding_form(request, finding, form, *, title, crumb, submit_label, lead, multipart=False, **context):
    """A form page about one finding (audits/finding_simple_form.html): its title, lead and button; ``crumb`` ends
    the breadcrumb (audits, the audit, the finding)."""
    audit = finding.audit
    return render(
        request,
        "audits/finding_simple_form.html",
        {
            "title": title,
            "audit": audit,
            "finding": finding,
            "form": form,
            "submit_label": submit_label,
            "lead": lead,
            "multipart": multipart,
            "breadcrumb_data": breadcrumb(crumb, list_crumb(), audit_crumb(audit), _finding_crumb(finding)),
            **context,
        },
    )


@require_http_methods(["GET", "POST"])
def finding_respond(request, pk):
    finding = visible_finding(request, pk)
    audit = finding.audit
    if not access.can_manage_audits(request.user, audit.prefecture):
        raise PermissionDenied("Seul le responsable qualité de la préfecture répond aux constats de ses audits.")
    form = ResponseForm(
        request.POST or None, initial={"response": finding.response, "response_due_on": finding.response_due_on}
    )
    response = redirect_if_saved(
        request,
        form,
        lambda: services.finding_respond(by=request.user, finding=finding, **form.cleaned_data),
        "La réponse argumentée de la préfecture est enregistrée.",
        _detail_url(finding, "#reponse"),
    )
    return response or _finding_form(
        request,
        finding,
        form,
        title="Réponse argumentée",
        submit_label="Enregistrer la réponse",
        lead="La réponse de la préfecture à la non-conformité ou au point sensible, et son calendrier révisé.",
        crumb="Réponse",
    )


@require_http_methods(["GET", "POST"])
def finding_action_create(request, pk):
    """« Créer l'action »: the finding becomes an action of the prefecture's action plan, linked both ways."""
    finding = visible_finding(request, pk)
    if not access.can_create_action_from_finding(request.user, finding):
        raise PermissionDenied("Seuls le responsable qualité et le référent du site créent des actions.")
    form = FindingActionForm(
        request.POST or None,
        actor=request.user,
        finding=finding,
        initial={"title": services.suggested_action_title(finding), "due_on": _future(finding.response_due_on)},
    )
    response = redirect_if_saved(
        request,
        form,
        lambda: services.finding_create_action(by=request.user, finding=finding, **form.cleaned_data),
        lambda action: f"Action créée dans le plan « {action.plan} » : {action.title}",
        _detail_url(finding, "#actions"),
        denied_on="site",
    )
    return response or _finding_form(
        request,
        finding,
        form,
        title="Créer l’action corrective",
        has_plan=form.has_plan,
        submit_label="Créer l’action",
        lead="L’action rejoint le plan d’action de la préfecture, sur le site et l’engagement du constat ; "
        "elle reste liée au constat.",
        crumb="Créer l’action",
    )


@require_http_methods(["GET", "POST"])
def finding_analysis(request, pk):
    """« Analyse des causes » and « Correction immédiate » of a non-conformity."""
    finding = visible_finding(request, pk)
    if not access.can_analyse_finding(request.user, finding):
        raise PermissionDenied(
            "Seuls le responsable qualité de la préfecture et le référent du site analysent ses non-conformités, "
            "une fois le rapport remis."
        )
    form = AnalysisForm(request.POST or None, finding=finding)
    response = redirect_if_saved(
        request,
        form,
        lambda: form.save_with(lambda **fields: services.finding_analyse(by=request.user, finding=finding, **fields)),
        "L’analyse des causes et la correction immédiate sont enregistrées.",
        _detail_url(finding, "#analyse"),
    )
    return response or _finding_form(
        request,
        finding,
        form,
        title="Analyse des causes",
        submit_label="Enregistrer l’analyse",
        lead="Les causes de la non-conformité par catégorie, les « pourquoi ? » successifs (jusqu’à cinq) ou une "
        "analyse libre, et la correction immédiate apportée.",
        crumb="Analyse des causes",
    )


def _closed_message(finding):
    if finding.is_closed:
        return "L’efficacité des actions est vérifiée : la non-conformité est levée."
    return (
        "Les actions correctives ne sont pas jugées efficaces : la non-conformité reste ouverte. "
        "Créez de nouvelles actions correctives."
    )


@require_http_methods(["GET", "POST"])
def finding_close(request, pk):
    """The closure of a non-conformity with the effectiveness check of its actions (« Vérification de
    l'efficacité »); a lifted one may be checked again, and reopens when its actions are found not effective."""
    finding = visible_finding(request, pk)
    if not access.can_check_effectiveness(request.user, finding):
        raise PermissionDenied("Seul le responsable qualité de la préfecture lève les non-conformités de ses audits.")
    closure = services.closure_check(finding)
    form = EffectivenessForm(request.POST or None, request.FILES or None, audits=closure.audits, finding=finding)
    response = redirect_if_saved(
        request,
        form,
        lambda: services.finding_check_effectiveness(by=request.user, finding=finding, **form.cleaned_data),
        _closed_message,
        lambda saved: _detail_url(saved, "#levee" if saved.is_closed else "#actions"),
    )
    lifted = finding.is_closed
    return response or _finding_form(
        request,
        finding,
        form,
        title="Vérification de l’efficacité" if lifted else "Lever la non-conformité",
        closure=closure,
        multipart=True,
        submit_label="Enregistrer la vérification" if lifted else "Enregistrer la vérification et lever",
        lead="La non-conformité est levée : si ses actions ne sont plus jugées efficaces, elle est rouverte et "
        "appelle de nouvelles actions."
        if lifted
        else "Une non-conformité se lève quand toutes ses actions correctives sont réalisées et qu’un audit "
        "ultérieur en a vérifié l’efficacité. Si les actions ne sont pas efficaces, elle reste ouverte et appelle "
        "de nouvelles actions.",
        crumb="Efficacité" if lifted else "Levée",
    )


@require_GET
def finding_effectiveness_evidence(request, pk):
    """The evidence of the effectiveness check, served to those who see the finding (media files are not public)."""
    finding = visible_finding(request, pk)
    if not finding.effectiveness_evidence:
        raise Http404("Aucun document de preuve.")
    return file_response(finding.effectiveness_evidence, finding.effectiveness_evidence_name or "preuve")


@require_http_methods(["GET", "POST"])
def finding_publish(request, pk):
    finding = visible_finding(request, pk)
    if not access.can_publish_good_practices(request.user):
        raise PermissionDenied("Seuls les administrateurs nationaux publient des bonnes pratiques.")
    form = PublishForm(
        request.POST or None, initial={"title": finding.text.splitlines()[0][:200], "text": finding.text}
    )
    response = redirect_if_saved(
        request,
        form,
        lambda: services.good_practice_publish(by=request.user, finding=finding, **form.cleaned_data),
        "Le point fort est publié dans la bibliothèque des bonnes pratiques.",
        "good_practice_list",
    )
    return response or _finding_form(
        request,
        finding,
        form,
        title="Publier comme bonne pratique",
        submit_label="Publier",
        lead="Le point fort rejoint la bibliothèque des bonnes pratiques, ouverte à toutes les préfectures.",
        crumb="Publier",
    )
