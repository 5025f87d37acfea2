from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse

from accounts import access
from accounts.models import SITE_ROLES


@lru_cache(maxsize=512)
def _reverse(name, script_prefix, urlconf, pk):
    return django_reverse(name, urlconf=urlconf, kwargs={"pk": pk} if pk is not None else None)


def reverse(name, kwargs=None):
    """Django's reverse, kept for the process: the header of every page reverses some twenty URL names, about 0.6 ms of
    an empty page's 12. Keyed by what the result depends on (the script prefix, the URLconf)."""
    pk = kwargs["pk"] if kwargs else None
    return _reverse(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, pk)


def _item(label, url, prefix=None):
    return {"label": label, "url": url, "prefix": prefix or url}


def _group(label, children):
    """A drop-down menu of the header; none when the user may see none of its items."""
    return {"label": label, "children": children} if children else None


def _menu(user):
    """The main navigation of a signed-in user, from what ``access`` says they may see and do."""
    dashboard = access.home_dashboard(user)
    dashboard_url = reverse("dashboard")
    items = []
    if dashboard == "national":
        items.append(_item("Tableau de bord national", dashboard_url))
        items.append(_item("Préfectures", reverse("prefecture_list")))
        items.append(_item("Sites", reverse("site_list")))
    elif dashboard == "prefecture":
        items.append(_item("Tableau de bord", dashboard_url))
        items.append(_item("Sites", reverse("site_list")))
    elif dashboard == "site":
        items.append(_item("Tableau de bord", dashboard_url))
        own_sites = access.get_scope(user).site_ids(*SITE_ROLES)
        sites_prefix = reverse("site_list")
        if len(own_sites) == 1:
            (site_pk,) = own_sites
            items.append(_item("Mon site", reverse("site_detail", kwargs={"pk": site_pk}), prefix=sites_prefix))
        else:
            items.append(_item("Mes sites", sites_prefix))
    elif dashboard == "auditor":
        items.append(_item("Mes audits", dashboard_url))
    else:
        items.append(_item("Tableau de bord", dashboard_url))
    territory = dashboard in ("national", "prefecture", "site")
    quality = [_item("Référentiels", reverse("referential_list"))]
    users = []
    if territory:
        quality += [
            _item("Programme qualité", reverse("programme_home")),
            _item("Labellisation", reverse("labelling_home")),
            _item("Audits", reverse("audit_list")),
            _item("Plan d'action", reverse("action_list")),
            _item("Réunions qualité", reverse("meeting_list")),
            _item("Formations", reverse("training_list")),
            _item("Documents qualité", reverse("document_list")),
        ]
        if dashboard in ("national", "prefecture"):  # the reviews' readers (access.scope_reviews)
            quality.append(_item("Bilans annuels", reverse("review_list")))
        users.append(_item("Réclamations et suggestions", reverse("complaint_list")))
        users.append(_item("Courriers", reverse("correspondence_list")))
        if access.may_triage_inbound(user):  # the e-mails no rule placed (complaints.inbound)
            users.append(_item("Courriels reçus à trier", reverse("inbound_list")))
        users.append(_item("Enquêtes", reverse("campaign_list")))
    crisis = []
    if territory:
        crisis = [
            _item("Astreinte de la cellule", reverse("on_call_roster")),
            _item("Événements et exercices", reverse("crisis_event_list")),
            _item("Communiqués de crise", reverse("press_release_list")),
        ]
    items += [_group("Démarche qualité", quality), _group("Usagers", users), _group("Crise", crisis)]
    if territory:
        items.append(_item("Indicateurs", reverse("indicators_home")))
    if access.can_manage_memberships(user):
        items.append(_item("Habilitations", reverse("membership_list")))
    if access.is_national_admin(user):
        items.append(_item("Administration", reverse("admin:index")))
    return [item for item in items if item]


def _mark_current(items, path):
    """aria-current="page" goes to the item whose prefix is the longest match of the current path."""
    current = None
    for item in items:
        item["current"] = False
        for link in item.get("children", [item]):
            link["current"] = False
            if path.startswith(link["prefix"]) and (current is None or len(link["prefix"]) > len(current[1]["prefix"])):
                current = (item, link)
    if current is not None:
        for marked in current:
            marked["current"] = True
    return items


def navigation(request):
    """The header's navigation, by role (see templates/components/header.html)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "qp_dashboard": access.home_dashboard(user),
        "qp_roles": access.roles_of(user),
        "qp_menu": _mark_current(_menu(user), request.path),
    }
