"""What the dashboard tests share."""

from django.urls import reverse


def landing(client, user):
    """The page ``user`` lands on (« dashboard »): the national, prefecture or site dashboard, checked a 200."""
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response


def dashboard_pdf(client, user, scope="national", **kwargs):
    """A dashboard's PDF (``scope``: national, prefecture, site; ``kwargs``: its URL's ``pk``) as ``user`` gets it:
    asked for on the page (POST), produced by the task's body (here, in the test's process), then downloaded; its
    response (the stored file)."""
    from indicators.models import DashboardPdf
    from indicators.tasks import produce_dashboard_pdf

    client.force_login(user)
    asked = client.post(reverse(f"dashboard_{scope}_pdf", kwargs=kwargs))
    assert asked.status_code == 302, asked
    item = DashboardPdf.objects.latest("pk")
    assert produce_dashboard_pdf(item.pk) == "done", DashboardPdf.objects.get(pk=item.pk).error
    response = client.get(reverse(f"dashboard_{scope}_pdf_file", kwargs=kwargs | {"pdf_pk": item.pk}))
    assert response.status_code == 200
    return response


def national_pdf(client, user):
    return dashboard_pdf(client, user)
