import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import Membership, Role, User
from sites.models import Department, Prefecture, Service, Site, SiteClosure

PASSWORD = "mot-de-passe-de-test-42"


class DepartmentFactory(DjangoModelFactory):
    """Departments are reference data loaded by a migration: reuse them."""

    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = "13"
    name = "Bouches-du-Rhône"
    region = "Provence-Alpes-Côte d'Azur"


class PrefectureFactory(DjangoModelFactory):
    class Meta:
        model = Prefecture
        django_get_or_create = ("department",)

    department = factory.SubFactory(DepartmentFactory)
    name = factory.LazyAttribute(lambda o: f"Préfecture {o.department.name}")


class SiteFactory(DjangoModelFactory):
    class Meta:
        model = Site

    prefecture = factory.SubFactory(PrefectureFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    kind = Site.Kind.SUBPREFECTURE


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Service {n}")


class SiteClosureFactory(DjangoModelFactory):
    class Meta:
        model = SiteClosure

    site = factory.SubFactory(SiteFactory)
    start_on = datetime.date(2026, 5, 15)
    end_on = datetime.date(2026, 5, 15)
    reason = "Pont de l'Ascension"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@interieur.gouv.fr")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.QUALITY_MANAGER
    prefecture = factory.SubFactory(PrefectureFactory)
    site = None
    valid_from = datetime.date(2020, 1, 1)

    class Params:
        national = factory.Trait(role=Role.NATIONAL_ADMIN, prefecture=None, site=None)
        manager = factory.Trait(role=Role.MANAGER)
        referent = factory.Trait(role=Role.SITE_REFERENT, prefecture=None, site=factory.SubFactory(SiteFactory))
        agent = factory.Trait(role=Role.AGENT, prefecture=None, site=factory.SubFactory(SiteFactory))
        auditor = factory.Trait(role=Role.AUDITOR, prefecture=None, site=None)
