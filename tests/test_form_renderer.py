"""Every form of the project renders through one DSFR renderer for the process (qualipref.lib.forms.DSFR_RENDERER):
django-dsfr's DsfrBaseForm gives each form a renderer of its own, hence a template engine of its own that looks up
the tag libraries and compiles the field templates again for every form of every page."""

from django.contrib.auth.models import AnonymousUser
from django.template import base as template_base
from django.test import RequestFactory
from dsfr.forms import DsfrDjangoTemplates

from engagements.filters.actions import ActionFilter
from engagements.models import Action
from qualipref.lib.forms import DSFR_RENDERER, QualiprefForm
from sites.forms import SiteForm


def test_every_form_shares_one_dsfr_renderer(db):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    filterset = ActionFilter({}, queryset=Action.objects.none(), request=request)
    forms = [QualiprefForm(), QualiprefForm(), SiteForm(), filterset.form]
    assert all(form.renderer is DSFR_RENDERER for form in forms)
    assert isinstance(DSFR_RENDERER, DsfrDjangoTemplates)


def test_a_form_renders_as_with_a_renderer_of_its_own(db):
    ours = SiteForm().render()
    assert ours == SiteForm(renderer=DsfrDjangoTemplates()).render()
    assert 'class="fr-input' in ours


def test_a_second_form_compiles_no_template(db, monkeypatch):
    SiteForm().render()  # the templates of its fields, compiled once for the process
    compiled = []
    original = template_base.Template.__init__

    def counting(self, *args, **kwargs):
        compiled.append(args[0] if args else None)
        original(self, *args, **kwargs)

    monkeypatch.setattr(template_base.Template, "__init__", counting)
    SiteForm().render()
    assert compiled == []
