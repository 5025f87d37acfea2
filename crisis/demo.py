"""Demo data of the crisis communication registers (called by qualipref.demo.load_demo, after the demo action plan):
for the Bouches-du-Rhône, the on-call roster of its crisis communication cell from the start of the previous month
to four weeks ahead, with one gap in the coming days; the two exercises of 2015 of its yearly review (« Mise en
place de nombreux exercices avec ou sans appel à la CIP »), one with the CIP, and a real event; a few press
releases of the « tableau de suivi des communiqués de crise » created that year.

Written through crisis.services, by the prefecture's quality manager. Idempotent: the roster is written once (a
prefecture that has shifts keeps them), events are found by their title, press releases by their number.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from crisis import roster, services
from crisis.models import CrisisEvent, OnCallShift, PressRelease
from engagements.services.actions import current_plan
from qualipref.lib.dates import local_datetime
from sites.models import Prefecture

DEPARTMENT = "13"
QUALITY_MANAGER = "qualite13"
# Who takes the weekly shifts in turn: an account (username) or a free name, and the on-call phone.
ROTA = [
    ("direction13", "", "04 84 35 40 00"),
    (None, "Anne Vidal, chargée de communication (cabinet)", "06 12 34 56 78"),
    (None, "Thomas Blanc, bureau de la communication interministérielle", "06 98 76 54 32"),
]
SHIFT_HOURS = 9  # shifts change at 9:00, on Mondays
GAP_DAY, GAP_HOURS = 5, (8, 20)  # in 5 days, from 8:00 to 20:00, nobody is on call


# (kind, title, with the CIP, alert received, cell operational, description, lessons)
EVENTS = [
    (
        CrisisEvent.Kind.EXERCISE,
        "Exercice inondation du Rhône (plan particulier d'intervention)",
        True,
        (datetime.date(2015, 3, 18), 14, 5),
        (datetime.date(2015, 3, 18), 14, 50),
        "Exercice départemental avec appel à la cellule d'information du public (CIP) : 120 appels simulés en "
        "deux heures, trois communiqués préparés.",
        [
            "Mettre à jour l'annuaire d'astreinte des services de l'État et des communes riveraines du Rhône.",
            "Préparer des modèles de communiqués pour les crues du Rhône.",
        ],
    ),
    (
        CrisisEvent.Kind.EXERCISE,
        "Exercice accident industriel à Fos-sur-Mer",
        False,
        (datetime.date(2015, 10, 7), 9, 10),
        (datetime.date(2015, 10, 7), 9, 48),
        "Exercice sans appel à la CIP : activation de la cellule de communication de crise et premier "
        "communiqué diffusé sur le site internet et les réseaux sociaux.",
        ["Doubler l'astreinte du week-end pendant les périodes de vigilance orange."],
    ),
    (
        CrisisEvent.Kind.EVENT,
        "Feux de forêt – vigilance rouge",
        False,
        (datetime.date(2015, 8, 11), 16, 20),
        (datetime.date(2015, 8, 11), 17, 5),
        "Cellule activée à la demande du directeur de cabinet ; points de situation toutes les deux heures.",
        [],
    ),
]

# (number, title, event title or None, issued, channels, validated by)
PRESS_RELEASES = [
    (
        1,
        "Exercice inondation : les habitants des communes riveraines du Rhône informés",
        EVENTS[0][1],
        (datetime.date(2015, 3, 18), 15, 30),
        ["website", "press"],
        "Directeur de cabinet du préfet",
    ),
    (
        2,
        "Feux de forêt : accès aux massifs interdit",
        EVENTS[2][1],
        (datetime.date(2015, 8, 11), 17, 30),
        ["website", "social", "press"],
        "Directeur de cabinet du préfet",
    ),
    (
        3,
        "Feux de forêt : point de situation",
        EVENTS[2][1],
        (datetime.date(2015, 8, 11), 21, 0),
        ["website", "social"],
        "Sous-préfet, directeur de cabinet adjoint",
    ),
    (
        4,
        "Exercice accident industriel à Fos-sur-Mer",
        EVENTS[1][1],
        (datetime.date(2015, 10, 7), 10, 15),
        ["website", "social"],
        "Directeur de cabinet du préfet",
    ),
]


def _roster(prefecture, by, today):
    if OnCallShift.objects.filter(prefecture=prefecture).exists():
        return
    people = {user.username: user for user in User.objects.filter(username__in=[u for u, _n, _p in ROTA if u])}
    first = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)  # the previous month's first day
    monday = first - datetime.timedelta(days=first.weekday())  # the Monday before, shifts change at 9:00
    end = roster.local_midnight(today + datetime.timedelta(days=28))
    gap_day = today + datetime.timedelta(days=GAP_DAY)
    gap = (local_datetime(gap_day, GAP_HOURS[0]), local_datetime(gap_day, GAP_HOURS[1]))
    week = 0
    # weeks counted by their Monday (a date), not read back from the last shift's end: the walk ends whatever the
    # clock says (a test freezes timezone.localdate)
    while (start := local_datetime(monday, SHIFT_HOURS)) < end:
        finish = local_datetime(monday + datetime.timedelta(days=7), SHIFT_HOURS)
        username, name, phone = ROTA[week % len(ROTA)]
        person = people.get(username) if username else None
        for begin, until in ((start, min(finish, gap[0])), (max(start, gap[1]), finish)):
            if begin < until:  # the week minus the gap
                services.shift_create(
                    by=by,
                    prefecture=prefecture,
                    person=person,
                    person_name=name if person is None else "",
                    phone=phone,
                    starts_at=begin,
                    ends_at=until,
                )
        monday, week = monday + datetime.timedelta(days=7), week + 1


def _events(prefecture, by):
    events = {}
    for kind, title, with_cip, received, operational, description, lessons in EVENTS:
        event = CrisisEvent.objects.filter(prefecture=prefecture, title=title).first()
        if event is None:
            event = services.event_create(
                by=by,
                prefecture=prefecture,
                kind=kind,
                title=title,
                with_cip=with_cip,
                alert_received_at=local_datetime(*received),
                operational_at=local_datetime(*operational),
                description=description,
                lessons=lessons,
            )
            # The first lesson of the CIP exercise is already an action of the plan, when there is one.
            first = event.lessons.order_by("pk").first()
            if with_cip and first is not None and current_plan(prefecture) is not None:
                services.lesson_to_action(by=by, lesson=first)
        events[title] = event
    return events


def _press_releases(prefecture, by, events):
    for number, title, event_title, issued, channels, validated_by in PRESS_RELEASES:
        issued_at = local_datetime(*issued)
        exists = PressRelease.objects.filter(
            prefecture=prefecture, year=timezone.localtime(issued_at).year, number=number
        ).exists()
        if not exists:
            services.press_release_create(
                by=by,
                prefecture=prefecture,
                number=number,
                title=title,
                event=events.get(event_title),
                issued_at=issued_at,
                channels=channels,
                validated_by=validated_by,
            )


@transaction.atomic
def load(today=None):
    today = today or timezone.localdate()
    prefecture = Prefecture.objects.filter(department_id=DEPARTMENT).first()
    by = User.objects.filter(username=QUALITY_MANAGER).first()
    if prefecture is None or by is None:
        return
    _roster(prefecture, by, today)
    events = _events(prefecture, by)
    _press_releases(prefecture, by, events)
