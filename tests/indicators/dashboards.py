"""What the dashboard tests share."""

from django.urls import reverse


def landing(client, user):
    """The page ``user`` lands on (« dashboard »): the national, prefecture or site dashboard, checked a 200."""
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response
