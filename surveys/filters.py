"""Filters of the campaigns, for the API (``surveys/``) and the list page."""

import django_filters

from qualipref.lib.bounds import YearFilter
from sites.models import Prefecture, Site
from surveys.models import Campaign


class CampaignFilter(django_filters.FilterSet):
    prefecture = django_filters.ModelChoiceFilter(queryset=Prefecture.objects.all(), label="préfecture")
    site = django_filters.ModelChoiceFilter(
        queryset=Site.objects.all(), field_name="campaign_sites__site", label="site (campagnes qui le couvrent)"
    )
    status = django_filters.ChoiceFilter(choices=Campaign.Status.choices, label="statut")
    kind = django_filters.ChoiceFilter(choices=Campaign.Kind.choices, label="nature")
    questionnaire = django_filters.CharFilter(field_name="questionnaire__code", label="code du questionnaire")
    year = YearFilter(field_name="opens_on", label="année d'ouverture")

    class Meta:
        model = Campaign
        fields = ["prefecture", "site", "status", "kind", "questionnaire", "year"]
