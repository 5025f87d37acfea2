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


# --- quality meetings and trainings ---------------------------------------------------------------


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = "engagements.Meeting"

    prefecture = factory.SubFactory(PrefectureFactory)
    kind = "copil"
    held_on = datetime.date(2015, 3, 12)
    attendees = "Claire Fabre, responsable qualité\nJulien Mistral, référent qualité d'Arles"
    minutes = "Revue des indicateurs du mois et du plan d'action."

    class Params:
        clu = factory.Trait(kind="clu", held_on=datetime.date(2015, 4, 16))


class MeetingDecisionFactory(DjangoModelFactory):
    class Meta:
        model = "engagements.MeetingDecision"

    meeting = factory.SubFactory(MeetingFactory)
    text = factory.Sequence(lambda n: f"Décision n° {n} : mettre à jour l'affichage des heures d'affluence")


class TrainingFactory(DjangoModelFactory):
    class Meta:
        model = "engagements.Training"

    person = factory.SubFactory(UserFactory)
    site = factory.SubFactory(SiteFactory)
    course = "Accueil du public et gestion des situations difficiles"
    reception = True
    trained_on = datetime.date(2014, 6, 10)

    class Params:
        other = factory.Trait(reception=False, course="Logiciel de gestion des titres")


# --- quality documents -----------------------------------------------------------------------------


class QualityDocumentFactory(DjangoModelFactory):
    """A document of the register, without a version (add them with DocumentVersionFactory or the services)."""

    class Meta:
        model = "engagements.QualityDocument"

    prefecture = factory.SubFactory(PrefectureFactory)
    reference = factory.Sequence(lambda n: f"PROC-{n:03d}")
    title = factory.Sequence(lambda n: f"Procédure d'accueil n° {n}")
    kind = "procedure"
    owner = factory.SubFactory(UserFactory)
    review_months = 12


class DocumentVersionFactory(DjangoModelFactory):
    """A draft version published as a link (no file to store)."""

    class Meta:
        model = "engagements.DocumentVersion"

    document = factory.SubFactory(QualityDocumentFactory)
    number = factory.Sequence(lambda n: f"1.{n}")
    dated = datetime.date(2015, 3, 2)
    url = "https://intranet.example.gouv.fr/qualite/procedure.pdf"


# --- labelling cycles ------------------------------------------------------------------------------


def labelling_referential(code="QP2"):
    """The latest shipped version of a référentiel (MARIANNE, QP, QP2), imported again after a flush."""
    from engagements import importer
    from engagements.models import Referential

    referential = Referential.objects.filter(code=code).order_by("-published_on").first()
    if referential is None:
        files = {"MARIANNE": "marianne.yaml", "QP": "qualipref.yaml", "QP2": "qualipref-2.0.yaml"}
        referential = importer.import_file(importer.SHIPPED_DIR / files[code]).referential
    return referential


_INTERNAL = {"internal_evaluation_on": datetime.date(2015, 6, 22)}
_AUDITED = {**_INTERNAL, "labelling_audit_on": datetime.date(2015, 9, 15)}


class LabellingFactory(DjangoModelFactory):
    """A Qualipref 2.0 cycle in preparation since 16/02/2015: mandatory modules and module 7, no site.

    Traits give the state a cycle has after the service's steps (``granted``: labelled on 27/11/2015);
    tests of the steps themselves go through engagements.services.labellings.
    """

    class Meta:
        model = "engagements.Labelling"
        skip_postgeneration_save = True

    prefecture = factory.SubFactory(PrefectureFactory)
    referential = factory.LazyFunction(labelling_referential)
    status = "preparation"
    started_on = datetime.date(2015, 2, 16)
    indicators_since = factory.SelfAttribute("started_on")

    class Params:
        evaluated = factory.Trait(status="internal_evaluation", **_INTERNAL)
        revised = factory.Trait(status="plan_revision", **_INTERNAL)
        audited = factory.Trait(status="labelling_audit", **_AUDITED)
        granted = factory.Trait(
            status="granted",
            decision="favourable",
            decision_on=datetime.date(2015, 11, 27),
            decision_body="AFNOR Certification",
            granted_on=datetime.date(2015, 11, 27),
            next_audit_due=datetime.date(2016, 11, 27),
            renewal_due=datetime.date(2018, 11, 27),
            **_AUDITED,
        )

    @factory.post_generation
    def modules(obj, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [m for m in obj.referential.modules.all() if m.mandatory or m.number == 7]
        obj.modules.set(extracted)

    @factory.post_generation
    def sites(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.sites.set(extracted)


class LabellingStepFactory(DjangoModelFactory):
    class Meta:
        model = "engagements.LabellingStep"

    labelling = factory.SubFactory(LabellingFactory)
    kind = "start"
    status = factory.SelfAttribute("labelling.status")
    happened_on = factory.SelfAttribute("labelling.started_on")


# --- action plans and actions ------------------------------------------------------------------------


class ActionPlanFactory(DjangoModelFactory):
    class Meta:
        model = "engagements.ActionPlan"

    prefecture = factory.SubFactory(PrefectureFactory)
    labelling = None
    title = factory.Sequence(lambda n: f"Plan d'action qualité n° {n}")


class ActionFactory(DjangoModelFactory):
    """An action « à lancer », due in a month; Traits for the other statuses and an overdue one."""

    class Meta:
        model = "engagements.Action"

    plan = factory.SubFactory(ActionPlanFactory)
    prefecture = factory.SelfAttribute("plan.prefecture")
    site = None
    title = factory.Sequence(lambda n: f"Action n° {n} : renouveler la signalétique du hall")
    due_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))

    class Params:
        in_progress = factory.Trait(status="in_progress", progress=40)
        overdue = factory.Trait(status="in_progress", progress=20, due_on=datetime.date(2016, 3, 31))
        done = factory.Trait(status="done", progress=100, completed_on=datetime.date(2016, 1, 15))
        verified = factory.Trait(
            status="verified",
            progress=100,
            completed_on=datetime.date(2016, 1, 15),
            effectiveness=3,
            verified_on=datetime.date(2016, 2, 1),
        )
        abandoned = factory.Trait(status="abandoned", abandon_reason="Remplacée par le déménagement du site.")


class ActionCommentFactory(DjangoModelFactory):
    class Meta:
        model = "engagements.ActionComment"

    action = factory.SubFactory(ActionFactory)
    author = factory.SubFactory(UserFactory)
    text = "Devis demandé au service immobilier."


# --- complaints and suggestions --------------------------------------------------------------------


def _answer_delay(o):
    from sites.calendars import working_days_between

    return working_days_between(o.site, o.received_on, o.answered_on) if o.answered_on else None


class ReceivedItemFactory(DjangoModelFactory):
    """What a complaint and a letter share: received at a site on a working day (Monday 02/03/2026), due on a date
    of the site's calendar (a subclass's due_on), answered or not, in time or not, with the delay in working days."""

    class Meta:
        abstract = True

    site = factory.SubFactory(SiteFactory)
    prefecture = factory.SelfAttribute("site.prefecture")
    received_on = datetime.date(2026, 3, 2)
    answered_on = None
    answered_in_time = factory.LazyAttribute(lambda o: (o.answered_on <= o.due_on) if o.answered_on else None)
    answer_delay = factory.LazyAttribute(_answer_delay)


def _complaint_due_on(o):
    from complaints.deadlines import due_date

    return due_date(o.site, o.received_on)


class ComplaintFactory(ReceivedItemFactory):
    """A complaint received on a working day; its due date comes from the site's calendar, like the service's."""

    class Meta:
        model = "complaints.Complaint"

    kind = "complaint"
    channel = "box"
    category = "reception"
    description = factory.Sequence(lambda n: f"Réclamation n° {n} : attente trop longue au guichet.")
    # Numbers from 90000: never those the counter gives in the same test.
    reference = factory.LazyAttributeSequence(
        lambda o, n: (
            f"{'SUG' if o.kind == 'suggestion' else 'REC'}-{o.site.prefecture.department_id}-"
            f"{o.received_on.year}-{90000 + n:05d}"
        )
    )
    due_on = factory.LazyAttribute(_complaint_due_on)
    status = "received"

    class Params:
        suggestion = factory.Trait(kind="suggestion", category="comfort")
        in_progress = factory.Trait(status="in_progress")
        answered = factory.Trait(
            status="answered",
            answered_on=factory.LazyAttribute(lambda o: o.received_on + datetime.timedelta(days=7)),
            response="Nous avons renforcé l'accueil aux heures d'affluence.",
        )
        answered_late = factory.Trait(
            status="answered",
            answered_on=factory.LazyAttribute(lambda o: o.received_on + datetime.timedelta(days=40)),
            response="Toutes nos excuses pour ce délai.",
        )
        with_requester = factory.Trait(
            requester_name="Amina Benali",
            requester_email="amina.benali@exemple.fr",
            requester_phone="06 12 34 56 78",
            requester_address="12 allée des Pins, 13800 Istres",
        )


class ReplyTemplateFactory(DjangoModelFactory):
    class Meta:
        model = "complaints.ReplyTemplate"

    prefecture = factory.SubFactory(PrefectureFactory)
    title = factory.Sequence(lambda n: f"Modèle n° {n}")
    body = "{nom},\n\nNous avons bien reçu le {date_reception} votre réclamation {reference} concernant {site}."


# --- audits ----------------------------------------------------------------------------------------------


class AuditFactory(DjangoModelFactory):
    """A labelling audit of 14–18/09/2015 by AFNOR Certification, planned, on its cycle's whole perimeter (sites
    and modules), assigned to ``auditors`` (none by default), whose access window is open (no dates).

    Traits give the state an audit has after the service's steps (``delivered``: report delivered on
    01/10/2015); tests of the steps themselves go through audits.services.audits.
    """

    class Meta:
        model = "audits.Audit"
        skip_postgeneration_save = True

    labelling = factory.SubFactory(LabellingFactory, audited=True)
    prefecture = factory.SelfAttribute("labelling.prefecture")
    kind = "labelling"
    body = "AFNOR Certification"
    start_on = datetime.date(2015, 9, 14)
    end_on = datetime.date(2015, 9, 18)
    report_due_on = factory.LazyAttribute(lambda o: o.end_on + datetime.timedelta(days=15))
    status = "planned"

    class Params:
        internal = factory.Trait(
            kind="internal",
            body="Auditeur interne du ministère de l'Intérieur",
            start_on=datetime.date(2015, 6, 15),
            end_on=datetime.date(2015, 6, 19),
        )
        in_progress = factory.Trait(status="in_progress")
        writing = factory.Trait(status="writing")
        delivered = factory.Trait(status="delivered", report_delivered_on=datetime.date(2015, 10, 1))
        responded = factory.Trait(
            status="responded",
            report_delivered_on=datetime.date(2015, 10, 1),
            responded_on=datetime.date(2015, 10, 20),
        )
        window_closed = factory.Trait(access_from=datetime.date(2015, 8, 30), access_until=datetime.date(2015, 10, 18))

    @factory.post_generation
    def sites(obj, create, extracted, **kwargs):
        if create:
            obj.sites.set(extracted if extracted is not None else obj.labelling.sites.all())

    @factory.post_generation
    def modules(obj, create, extracted, **kwargs):
        if create:
            obj.modules.set(extracted if extracted is not None else obj.labelling.modules.all())

    @factory.post_generation
    def auditors(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.auditors.set(extracted)


def _first_audited_site(o):
    return o.audit.sites.order_by("name").first()


def _first_engagement_in_scope(o):
    from engagements.models import Engagement

    return Engagement.objects.filter(module__in=o.audit.modules.all()).order_by("module__number", "number").first()


class FindingFactory(DjangoModelFactory):
    class Meta:
        model = "audits.Finding"

    audit = factory.SubFactory(AuditFactory)
    category = "strength"
    site = factory.LazyAttribute(_first_audited_site)
    text = factory.Sequence(lambda n: f"Constat n° {n} : l'accueil téléphonique est assuré sans interruption.")

    class Params:
        improvement = factory.Trait(category="improvement")
        sensitive = factory.Trait(category="sensitive_point")
        minor = factory.Trait(category="minor_nonconformity")
        major = factory.Trait(category="major_nonconformity")
        answered = factory.Trait(
            response="Les agents concernés suivront la formation à l'accueil d'ici la fin de l'année.",
            response_due_on=datetime.date(2015, 12, 31),
            responded_on=datetime.date(2015, 10, 20),
        )


class AssessmentFactory(DjangoModelFactory):
    class Meta:
        model = "audits.Assessment"

    audit = factory.SubFactory(AuditFactory)
    engagement = factory.LazyAttribute(_first_engagement_in_scope)
    site = factory.LazyAttribute(_first_audited_site)
    result = "compliant"


# --- correspondence and notifications -----------------------------------------------------------------


def _correspondence_due_on(o):
    from complaints.deadlines import due_date

    return due_date(o.site, o.received_on, working_days=o.delay_days)


class CorrespondenceFactory(ReceivedItemFactory):
    """A letter received on a working day; its due date comes from the site's calendar, like the service's."""

    class Meta:
        model = "complaints.Correspondence"

    kind = "letter"
    reference = factory.Sequence(lambda n: f"CHR-2026-{n:05d}")
    subject = "Demande de duplicata de carte grise"
    delay_days = factory.LazyAttribute(lambda o: {"letter": 15, "email": 5}.get(o.kind, 10))
    due_on = factory.LazyAttribute(_correspondence_due_on)

    class Params:
        email = factory.Trait(kind="email", subject="Horaires d'ouverture du guichet")
        answered = factory.Trait(
            answered_on=factory.LazyAttribute(lambda o: o.received_on + datetime.timedelta(days=7))
        )


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = "accounts.Notification"

    recipient = factory.SubFactory(UserFactory)
    kind = "complaint_deadline"
    key = factory.Sequence(lambda n: f"test:{n}")
    title = factory.Sequence(lambda n: f"Réclamation REC-13-2026-{n:05d} : réponse attendue le 20/03/2026")
    url = "/reclamations/"


# --- crisis communication (module 7) -------------------------------------------------------------------------


def paris(*args):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime(*args))


class OnCallShiftFactory(DjangoModelFactory):
    class Meta:
        model = "crisis.OnCallShift"

    prefecture = factory.SubFactory(PrefectureFactory)
    person_name = "Anne Vidal, cabinet"
    phone = "06 12 34 56 78"
    starts_at = factory.LazyFunction(lambda: paris(2015, 3, 2, 9))
    ends_at = factory.LazyAttribute(lambda shift: shift.starts_at + datetime.timedelta(days=7))


class CrisisEventFactory(DjangoModelFactory):
    class Meta:
        model = "crisis.CrisisEvent"

    prefecture = factory.SubFactory(PrefectureFactory)
    kind = "exercise"
    title = "Exercice inondation du Rhône"
    alert_received_at = factory.LazyFunction(lambda: paris(2015, 3, 18, 14, 5))
    operational_at = factory.LazyAttribute(lambda event: event.alert_received_at + datetime.timedelta(minutes=45))
    activation_minutes = factory.LazyAttribute(
        lambda event: int((event.operational_at - event.alert_received_at).total_seconds() // 60)
    )


class PressReleaseFactory(DjangoModelFactory):
    class Meta:
        model = "crisis.PressRelease"

    prefecture = factory.SubFactory(PrefectureFactory)
    year = factory.LazyAttribute(lambda release: release.issued_at.year)
    number = factory.Sequence(lambda n: n + 1)
    title = "Feux de forêt : accès aux massifs interdit"
    issued_at = factory.LazyFunction(lambda: paris(2015, 8, 11, 17, 30))
    channels = factory.LazyFunction(lambda: ["website", "press"])
    validated_by = "Directeur de cabinet du préfet"
