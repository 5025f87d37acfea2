"""The triage's form: a site of the message's prefecture and what the message becomes."""

from django import forms

from accounts import access
from complaints.models import ItemKind
from qualipref.lib.forms import QualiprefForm
from sites.models import Site


class FileMessageForm(QualiprefForm):
    site = forms.ModelChoiceField(label="Site", queryset=Site.objects.none(), empty_label="— Choisir un site —")
    kind = forms.ChoiceField(
        label="Enregistrer comme", choices=ItemKind.choices, widget=forms.RadioSelect, initial=ItemKind.COMPLAINT
    )

    def __init__(self, *args, message, user, sites=None, **kwargs):
        kwargs.setdefault("prefix", f"message-{message.pk}")
        super().__init__(*args, **kwargs)
        field = self.fields["site"]
        # What is sent is checked against the user's sites of the message's prefecture (and again by the service).
        field.queryset = access.inbound_sites(Site.objects.filter(is_active=True), user, message).order_by("name")
        if sites is not None:
            # The list page read the sites once for all its messages: no query per form.
            field.choices = [("", field.empty_label), *((site.pk, site.name) for site in sites)]
