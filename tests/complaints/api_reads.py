"""What the complaint tests read through the API."""

from django.urls import reverse


def detail_and_row(client, complaint):
    """The API's detail of ``complaint`` and its row in the list, where it must be the only one."""
    detail = client.get(reverse("api:complaint-detail", kwargs={"pk": complaint.pk})).json()
    (row,) = client.get(reverse("api:complaint-list")).json()["results"]
    return detail, row
