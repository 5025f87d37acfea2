"""The training plan: people without an account, planned sessions, enrolment, attendance turned into training
records, the 4-year list of both kinds of people with their sessions, the retention of trainees' personal data."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from complaints import retention
from engagements.models import Enrolment, Trainee, Training, TrainingKind, TrainingSession
from engagements.services import trainings as services
from tests import factories

pytestmark = pytest.mark.django_db


def _trainee(world, site=None, **kwargs):
    values = {"first_name": "Nadia", "last_name": "Haddad", "started_on": datetime.date(2013, 9, 1)}
    return services.trainee_create(by=world.users["quality_manager"], site=site or world.site, **{**values, **kwargs})


def _session(world, *, days=10, site=None, by=None, **kwargs):
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)
    values = {
        "course": "Accueil du public",
        "kind": TrainingKind.RECEPTION,
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=3),
        "place": "Salle Puget",
        "capacity": 2,
        "min_enrolled": 1,
    }
    return services.session_create(
        by=by or world.users["quality_manager"], site=site or world.site, **{**values, **kwargs}
    )


def _started(session):
    """Move a planned session into the past (as time passes), by the ORM."""
    starts = timezone.now() - datetime.timedelta(days=1)
    TrainingSession.objects.filter(pk=session.pk).update(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3))
    session.refresh_from_db()
    return session


# --- constraints ---------------------------------------------------------------------------------------------


def test_a_training_record_is_for_a_user_or_a_trainee_never_both_nor_none(world):
    trainee = _trainee(world)
    common = {"site": world.site, "course": "Accueil", "trained_on": datetime.date(2015, 1, 1)}
    for people in ({"person": world.users["agent"], "trainee": trainee}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Training.objects.create(**common, **people)
    with pytest.raises(ValidationError) as error:
        services.training_create(by=world.users["quality_manager"], **common)
    assert error.value.message_dict["person"] == ["Choisissez un agent ou une personne sans compte (un seul des deux)."]

    training = services.training_create(by=world.users["quality_manager"], trainee=trainee, **common)
    assert (training.person, training.trainee) == (None, trainee)


def test_the_database_refuses_a_session_ending_before_it_starts_or_without_a_place(world):
    session = _session(world)
    for values in ({"ends_at": session.starts_at}, {"capacity": 0}, {"min_enrolled": 3}):
        with pytest.raises(IntegrityError), transaction.atomic():
            TrainingSession.objects.filter(pk=session.pk).update(**values)


def test_an_enrolment_is_for_one_person_once(world):
    session = _session(world)
    trainee = _trainee(world)
    Enrolment.objects.create(session=session, trainee=trainee)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(session=session, trainee=trainee)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(session=session)


# --- sessions: bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"days": -2}, "starts_at", "Le début d'une session planifiée ne peut pas être dans le passé."),
        ({"capacity": 0}, "capacity", "Une session a au moins une place."),
        (
            {"min_enrolled": 5},
            "min_enrolled",
            "Le nombre d'inscrits nécessaires ne peut pas dépasser le nombre de places.",
        ),
        ({"course": "  "}, "course", "Indiquez l'intitulé de la formation."),
        ({"kind": "bal"}, "kind", "Choisissez le type : accueil, astreinte, CIP ou autre."),
    ],
)
def test_a_bad_session_is_refused_with_a_french_message(world, values, field, message):
    with pytest.raises(ValidationError) as error:
        _session(world, **values)

    assert error.value.message_dict[field] == [message]
    assert not TrainingSession.objects.exists()


def test_a_session_ending_before_its_start_is_refused(world):
    starts = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        _session(world, starts_at=starts, ends_at=starts - datetime.timedelta(hours=1))

    assert error.value.message_dict["ends_at"] == ["La fin de la session doit suivre son début."]


def test_a_referent_plans_sessions_of_their_site_only_and_a_manager_none(world):
    _session(world, by=world.users["site_referent"])
    for user, site in ((world.users["site_referent"], world.sister_site), (world.users["manager"], world.site)):
        with pytest.raises(PermissionDenied):
            _session(world, by=user, site=site)
    assert TrainingSession.objects.count() == 1


# --- enrolment -----------------------------------------------------------------------------------------------


def test_enrolment_checks_capacity_duplicates_and_the_prefecture(world):
    session = _session(world, capacity=2)
    by = world.users["quality_manager"]
    trainee = _trainee(world)
    services.enrol(by=by, session=session, trainee=trainee)

    with pytest.raises(ValidationError) as error:
        services.enrol(by=by, session=session, trainee=trainee)
    assert error.value.message_dict["person"] == ["Cette personne est déjà inscrite à la session."]

    foreign_agent = factories.MembershipFactory(agent=True, site=world.foreign_site).user
    with pytest.raises(ValidationError) as error:
        services.enrol(by=by, session=session, user=foreign_agent)
    assert error.value.message_dict["person"] == [
        f"{foreign_agent} ne travaille pas dans la préfecture de cette session."
    ]
    foreign_trainee = Trainee.objects.create(
        site=world.foreign_site, first_name="Paul", last_name="Ailleurs", started_on=datetime.date(2020, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        services.enrol(by=by, session=session, trainee=foreign_trainee)
    assert "ne travaille pas dans la préfecture" in error.value.message_dict["trainee"][0]

    # An agent of Istres (same prefecture) may come to an Arles session.
    istres_agent = factories.MembershipFactory(agent=True, site=world.sister_site).user
    services.enrol(by=by, session=session, user=istres_agent)
    with pytest.raises(ValidationError) as error:
        services.enrol(by=by, session=session, user=world.users["agent"])
    assert error.value.messages == ["La session est complète (2 places)."]
    assert session.enrolments.count() == 2


def test_a_manager_may_not_enrol(world):
    session = _session(world)
    with pytest.raises(PermissionDenied):
        services.enrol(by=world.users["manager"], session=session, user=world.users["agent"])


# --- attendance ----------------------------------------------------------------------------------------------


def test_attendance_gives_one_record_per_present_person_however_often_it_is_recorded(world):
    by = world.users["site_referent"]
    session = _session(world, by=by)
    trainee = _trainee(world)
    with_account = services.enrol(by=by, session=session, user=world.users["agent"])
    without = services.enrol(by=by, session=session, trainee=trainee)
    with pytest.raises(ValidationError) as error:
        services.record_attendance(by=by, session=session, present=[without])
    assert "une fois la session commencée" in error.value.messages[0]

    session = _started(session)
    for _ in range(2):
        services.record_attendance(by=by, session=session, present=[without.pk, with_account.pk])

    records = Training.objects.order_by("pk")
    assert [(t.person, t.trainee, t.site, t.reception, t.course) for t in records] == [
        (world.users["agent"], None, world.site, True, "Accueil du public"),
        (None, trainee, world.site, True, "Accueil du public"),
    ]
    assert records[0].trained_on == timezone.localtime(session.starts_at).date()

    # Unmarking someone removes the record their attendance gave; a record entered by hand stays.
    by_hand = services.training_create(
        by=by, trainee=trainee, site=world.site, course="Accueil", trained_on=datetime.date(2015, 1, 1)
    )
    services.record_attendance(by=by, session=session, present=[with_account.pk])
    assert set(Training.objects.values_list("pk", flat=True)) == {records[0].pk, by_hand.pk}
    without.refresh_from_db()
    assert (without.attended, without.training) == (False, None)

    # Once recorded, enrolments are closed.
    with pytest.raises(ValidationError):
        services.unenrol(by=by, enrolment=with_account)


def test_attendance_refuses_someone_not_enrolled(world):
    session = _started(_session(world))
    other = _session(world, days=12)
    enrolment = services.enrol(by=world.users["quality_manager"], session=other, user=world.users["agent"])
    with pytest.raises(ValidationError) as error:
        services.record_attendance(by=world.users["quality_manager"], session=session, present=[enrolment.pk])
    assert error.value.messages == ["Une des personnes cochées n'est pas inscrite à cette session."]


# --- the 4-year list -----------------------------------------------------------------------------------------


def _names(rows):
    return [(row["person_kind"], row["last_name_"], bool(row["planned"])) for row in rows]


def test_the_list_holds_users_and_trainees_not_trained_in_4_years_and_their_sessions(world):
    agent = world.users["agent"]
    today = timezone.localdate()
    trainee = _trainee(world, last_name="Aaron")
    trained = _trainee(world, last_name="Zola")
    services.training_create(
        by=world.users["quality_manager"],
        trainee=trained,
        site=world.site,
        course="Accueil",
        trained_on=today - datetime.timedelta(days=30),
    )
    _trainee(world, last_name="Communication", reception_agent=False)  # not a reception agent
    session = _session(world)
    services.enrol(by=world.users["quality_manager"], session=session, trainee=trainee)

    rows = list(services.people_to_train(sites=[world.site]))
    assert _names(rows) == [("trainee", "Aaron", True), ("user", agent.last_name, False)]
    services.planned_sessions_of(rows)
    assert [row["sessions"] for row in rows] == [[session], []]
    assert services.reception_totals(sites=[world.site]) == {"total": 3, "late": 2}
    assert _names(services.people_to_train(sites=[world.site], planned=False)) == [("user", agent.last_name, False)]


def test_the_list_page_costs_the_same_queries_for_one_person_or_many(login, world, django_assert_num_queries):
    client = login("quality_manager")
    url = reverse("training_agents_not_trained")
    session = _session(world, capacity=40)
    client.get(url)  # warm the caches (content types, sessions)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for index in range(12):
        trainee = _trainee(world, last_name=f"Personne {index:02d}")
        if index % 2:
            services.enrol(by=world.users["quality_manager"], session=session, trainee=trainee)
        factories.MembershipFactory(agent=True, site=world.sister_site)
    many = count()

    assert few == many
    response = client.get(url)
    assert response.content.decode().count("Aucune session prévue") >= 6


# --- pages ---------------------------------------------------------------------------------------------------


def test_the_plan_page_filters_by_kind_and_costs_the_same_queries(login, world):
    client = login("quality_manager")
    _session(world, course="Formation CIP", kind=TrainingKind.CIP)
    _session(world, course="Formation astreinte", kind=TrainingKind.ON_CALL)

    page = client.get(reverse("training_session_list") + "?kind=cip").content.decode()
    assert "Formation CIP" in page and "Formation astreinte" not in page

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("training_session_list"))
    for index in range(8):
        _session(world, course=f"Session {index}", days=20 + index)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("training_session_list"))
    assert len(few) == len(many)


def test_the_session_form_refuses_a_past_date_an_end_before_the_start_and_no_place(login, world):
    client = login("site_referent")
    response = client.post(
        reverse("training_session_create"),
        {
            "site": world.site.pk,
            "course": "Accueil",
            "kind": "reception",
            "day": "2015-03-01",
            "start_time": "14:00",
            "end_time": "09:00",
            "place": "Salle",
            "capacity": "0",
            "min_enrolled": "1",
        },
    )

    errors = response.context["form"].errors
    assert errors["day"] == ["Une nouvelle session ne peut pas être planifiée dans le passé."]
    assert errors["end_time"] == ["L’heure de fin doit suivre l’heure de début."]
    assert errors["capacity"] == ["Une session a au moins une place."]
    assert not TrainingSession.objects.exists()


def test_the_referent_enrols_a_trainee_and_records_attendance_from_the_pages(login, world):
    client = login("site_referent")
    session = _session(world, by=world.users["site_referent"])
    trainee = _trainee(world)
    detail = reverse("training_session_detail", kwargs={"pk": session.pk})

    client.post(reverse("training_session_enrol", kwargs={"pk": session.pk}), {"trainee": trainee.pk})
    enrolment = session.enrolments.get()
    _started(session)
    client.post(reverse("training_session_attendance", kwargs={"pk": session.pk}), {"present": [enrolment.pk]})

    assert Training.objects.get().trainee == trainee
    page = client.get(detail).content.decode()
    assert "Présent(e), formation enregistrée" in page and "Historique des modifications" in page


# --- retention -----------------------------------------------------------------------------------------------


def test_a_trainee_who_left_is_anonymised_with_their_history_after_the_retention_period(world, settings):
    settings.QUALIPREF_COMPLAINTS_RETENTION_MONTHS = 24
    today = timezone.localdate()
    gone = _trainee(world, last_name="Partie", service="Accueil", position="Guichet 3")
    services.trainee_update(by=world.users["quality_manager"], trainee=gone, left_on=datetime.date(2015, 6, 30))
    services.training_create(
        by=world.users["quality_manager"],
        trainee=gone,
        site=world.site,
        course="Accueil",
        trained_on=datetime.date(2014, 1, 1),
    )
    recent = _trainee(world, last_name="Récente")
    services.trainee_update(by=world.users["quality_manager"], trainee=recent, left_on=today)
    present = _trainee(world, last_name="Présente")

    for _ in range(2):
        counts = retention.enforce_retention(today=today)
    assert counts["trainees"] == 0  # the second run: nothing left to do

    gone.refresh_from_db()
    assert (gone.first_name, gone.last_name, gone.service, gone.position, gone.anonymised_on) == (
        "Personne",
        "anonymisée",
        "",
        "",
        today,
    )
    assert not Trainee.history.filter(id=gone.pk, last_name="Partie").exists()
    assert gone.trainings.count() == 1  # the statistics keep the record
    assert {recent.__class__.objects.get(pk=pk).anonymised_on for pk in (recent.pk, present.pk)} == {None}
    with pytest.raises(ValidationError):
        services.trainee_update(by=world.users["quality_manager"], trainee=gone, service="Accueil")


# --- pinned query counts of the lists -----------------------------------------------------------------------


def _sessions_with_people(world, count):
    for index in range(count):
        session = _session(world, course=f"Session {index}", days=5 + index, capacity=5)
        session.enrolments.create(trainee=_trainee(world, last_name=f"Inscrite {index}"))
        session.enrolments.create(user=factories.MembershipFactory(agent=True, site=world.site).user)


def _trainees(world, count):
    for index in range(count):
        _trainee(world, last_name=f"Personne {index}")


@pytest.mark.parametrize(
    ("kind", "name", "queries", "rows"),
    [
        # session, user, scope, prefectures and sites of the filter, count, page, « may plan »; the DSFR
        # configuration is no longer read (kept by the process: qualipref.site_config)
        ("page", "training_session_list", 8, _sessions_with_people),
        ("page", "trainee_list", 8, _trainees),
        # count, page, the enrolments, their users, their trainees (prefetch); the scope is read once per client
        ("api", "api:training-session-list", 5, _sessions_with_people),
        # count, page
        ("api", "api:trainee-list", 2, _trainees),
    ],
)
def test_the_training_plan_lists_cost_the_same_for_a_few_rows_or_many(
    kind, name, queries, rows, request, world, django_assert_num_queries
):
    from tests.checks import assert_steady

    client = request.getfixturevalue("as_role" if kind == "api" else "login")("quality_manager")
    rows(world, 1)
    response = assert_steady(
        django_assert_num_queries, queries, lambda: client.get(reverse(name)), lambda: rows(world, 20)
    )
    if kind == "api":
        assert response.json()["count"] == 21


def test_a_session_s_page_costs_the_same_for_a_few_enrolled_or_many(login, world, django_assert_num_queries):
    from tests.checks import assert_steady

    client = login("quality_manager")
    session = _session(world, capacity=40)
    _started(session)
    session.enrolments.create(trainee=_trainee(world))

    def more():
        for index in range(15):
            session.enrolments.create(trainee=_trainee(world, last_name=f"Inscrite {index}"))
            session.enrolments.create(user=factories.MembershipFactory(agent=True, site=world.site).user)

    url = reverse("training_session_detail", kwargs={"pk": session.pk})
    # session, user, scope, the session, its enrolments (with people and records), its history, the enrolment form's
    # users and trainees, the attendance form's enrolments; the DSFR configuration is no longer read (kept by the
    # process: qualipref.site_config)
    assert_steady(django_assert_num_queries, 9, lambda: client.get(url), more)


# --- who reads what --------------------------------------------------------------------------------------------


def test_an_agent_reads_only_their_own_row_of_the_list_and_no_trainee(login, world):
    _trainee(world)
    factories.MembershipFactory(agent=True, site=world.site)
    client = login("agent")

    rows = client.get(reverse("training_agents_not_trained")).context["page_obj"].object_list
    assert [(row["person_kind"], row["user_id_"]) for row in rows] == [("user", world.users["agent"].pk)]
    referent_rows = login("site_referent").get(reverse("training_agents_not_trained")).context["page_obj"].object_list
    assert {row["person_kind"] for row in referent_rows} == {"user", "trainee"} and len(referent_rows) == 3


def test_the_records_of_a_cip_session_are_found_by_the_session_s_kind(as_role, world):
    by = world.users["quality_manager"]
    cip = _session(world, kind=TrainingKind.CIP, course="Formation des membres de la CIP")
    reception = _session(world, course="Accueil du public")
    for session in (cip, reception):
        enrolment = services.enrol(by=by, session=session, user=world.users["agent"])
        services.record_attendance(by=by, session=_started(session), present=[enrolment])

    body = as_role("quality_manager").get(reverse("api:training-list"), {"kind": "cip"}).json()
    assert [(row["course"], row["session"], row["reception"]) for row in body["results"]] == [
        ("Formation des membres de la CIP", cip.pk, False)
    ]


def test_a_training_of_a_trainee_is_recorded_from_the_page(login, world):
    trainee = _trainee(world)
    client = login("site_referent")
    response = client.post(
        reverse("training_create"),
        {
            "site": world.site.pk,
            "trainee": trainee.pk,
            "course": "Accueil",
            "reception": "on",
            "trained_on": "2015-03-17",
        },
    )
    assert response.status_code == 302
    assert Training.objects.get().trainee == trainee
    both = client.post(
        reverse("training_create"),
        {
            "site": world.site.pk,
            "trainee": trainee.pk,
            "person": world.users["agent"].pk,
            "course": "Accueil",
            "trained_on": "2015-03-17",
        },
    )
    assert both.context["form"].errors["person"] == [
        "Choisissez un agent ou une personne sans compte (un seul des deux)."
    ]


def test_the_record_of_a_user_from_another_site_goes_to_their_own_site(world):
    by = world.users["quality_manager"]
    istres_agent = factories.MembershipFactory(agent=True, site=world.sister_site).user
    session = _session(world)
    enrolments = [services.enrol(by=by, session=session, user=user) for user in (istres_agent, world.users["agent"])]
    services.record_attendance(by=by, session=_started(session), present=enrolments)

    assert dict(Training.objects.values_list("person", "site")) == {
        istres_agent.pk: world.sister_site.pk,
        world.users["agent"].pk: world.site.pk,
    }


def test_a_user_whose_role_ended_is_not_enrolled(world):
    ended = factories.MembershipFactory(
        agent=True, site=world.site, valid_from=datetime.date(2015, 1, 1), valid_until=datetime.date(2020, 1, 1)
    ).user
    with pytest.raises(ValidationError) as error:
        services.enrol(by=world.users["quality_manager"], session=_session(world), user=ended)
    assert "ne travaille pas dans la préfecture" in error.value.message_dict["person"][0]


def test_an_agent_does_not_read_the_records_of_people_without_an_account(world):
    trainee = _trainee(world)
    by_hand = {"site": world.site, "course": "Accueil", "trained_on": datetime.date(2015, 1, 1)}
    services.training_create(by=world.users["quality_manager"], trainee=trainee, **by_hand)
    own = services.training_create(by=world.users["quality_manager"], person=world.users["agent"], **by_hand)

    assert list(Training.objects.for_user(world.users["agent"])) == [own]
    assert Training.objects.for_user(world.users["site_referent"]).count() == 2
