"""Demo labelling cycles (run after qualipref.demo.load_demo: prefectures 13 and 94, their sites, the accounts).

- Bouches-du-Rhône: a Qualipref cycle labelled in 2013, moved to Qualipref 2.0 numérique in February 2015
  (modules 1, 4 and 7 with the mandatory ones; its 5 sites in scope): internal audits in June 2015,
  labelling audits in September, label granted on 27/11/2015 by AFNOR Certification, renewal audit mid-2017
  (bilan qualité 2015). Recorded through the service, like a quality manager would.
- Val-de-Marne: its 2012–2013 Qualipref cycle (accueil général, titres de séjour étrangers, collectivités
  territoriales): internal audit by AFNOR Certification on 24/05/2013, external audit on 25/06/2013, label
  granted (dossier de presse, juillet 2013).
- Every other prefecture (created here when missing, one per département and overseas collectivity with a
  préfet; not the three Pacific high commissions) gets a label as of 1 July 2013 so that, counting 13 and 94 as
  Qualipref, 43 prefectures hold the Label Marianne and 61 Qualipref, as the press kit says. Which prefecture
  holds which label is not in the documents: they are spread evenly in the order of the département codes,
  and the national overview says that this distribution is illustrative. 30 of the Marianne prefectures and 11 of
  the Qualipref ones hold a sous-préfecture in their perimeter (« 30 sous-préfectures Marianne, 11 Qualipref »), a
  site each named after its département, kept in the perimeter of their next cycles. Written with bulk_create (a
  few queries for the hundred prefectures); due dates from the service's own functions.

After that, to the day the demo is loaded (``timezone.localdate()``; the same history for the same day):
- Bouches-du-Rhône: its renewal audit of mid-2017 on the same Qualipref 2.0 cycle, then follow-up audits and
  renewals on time; Val-de-Marne: follow-ups of its 2013 label, a Qualipref 2.0 cycle from January 2016,
  labelled that summer and kept up to date. Both through the service, from the state of their running cycle
  (a database loaded by an older demo is brought up to date the same way).
- The other prefectures: the illustrative history of labelling_history (follow-ups and renewals, the move to
  Qualipref 2.0 in waves from 2015, a few late or still in a cycle today), computed in memory and written in bulk
  with the cycles of 2013.

Idempotent: loading again the same day changes nothing. A database loaded on an earlier day (or by an older demo)
is brought up to date: the 13 and the 94 through the service, the others' labelled cycles (and Qualipref 2.0 cycles
before their decision) in bulk; a closed or refused cycle is left as it is.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
from engagements import importer
from engagements.demo import labelling_history as history
from engagements.models import Labelling, LabellingStep, Module, Referential
from engagements.services import labellings as services
from sites.models import Department, Prefecture, Site

SHIPPED_REFERENTIALS = ("marianne.yaml", "qualipref.yaml", "qualipref-2.0.yaml")
Kind = LabellingStep.Kind
Status = Labelling.Status
AFNOR = "AFNOR Certification"
AS_OF = datetime.date(2013, 7, 1)
MARIANNE_COUNT, QUALIPREF_COUNT = 43, 61
# « 43 préfectures et 30 sous-préfectures Marianne, 61 préfectures et 11 sous-préfectures Qualipref » (July 2013):
# the sous-préfectures of 13 and 94 were not in their 2013 perimeters, so the other prefectures hold them all.
MARIANNE_SUBPREFECTURES, QUALIPREF_SUBPREFECTURES = 30, 11
DEMO_PREFECTURES = ("13", "94")
# Hauts-commissariats and administrateur supérieur of the Pacific: not among the 104 prefectures of 2013.
NOT_PREFECTURES = ("986", "987", "988")

# « Préfecture de l'Ain », « du Nord », « des Landes », « de la Somme », « de Paris »...
_DU = {"14", "15", "18", "25", "29", "30", "32", "39", "45", "46", "56", "59", "62", "63", "67", "68", "69"}
_DU |= {"81", "83", "84", "90", "95"}
_DES = {"04", "05", "06", "08", "13", "22", "40", "64", "65", "66", "78", "79", "88", "92"}
_DE_LA = {"16", "17", "19", "2A", "2B", "21", "23", "24", "26", "31", "33", "42", "43", "44", "48", "50", "51"}
_DE_LA |= {"52", "53", "55", "57", "58", "70", "72", "73", "74", "76", "80", "85", "86", "87", "93", "971", "972"}
_DE_LA |= {"973"}


def prefecture_name(department):
    code, name = department.code, department.name
    if code in _DU:
        return f"Préfecture du {name}"
    if code in _DES:
        return f"Préfecture des {name}"
    if code in _DE_LA:
        return f"Préfecture de la {name}"
    if name[0] in "AEIOUYÉÈH":
        return f"Préfecture d'{name}" if "-et-" in name else f"Préfecture de l'{name}"
    return f"Préfecture de {name}"


def _referentials():
    if not Referential.objects.exists():
        # A flushed database (the browser tests' live server) lost the référentiels that the migration loaded.
        for name in SHIPPED_REFERENTIALS:
            importer.import_file(importer.SHIPPED_DIR / name)
    latest = {}
    for referential in Referential.objects.order_by("published_on"):
        latest[referential.code] = referential
    return latest


def _modules(referential, *numbers):
    return list(referential.modules.filter(number__in=numbers, mandatory=False))


# --- the two documented prefectures, through the service ------------------------------------------


def _load_bouches_du_rhone(by, refs):
    prefecture = Prefecture.objects.get(department_id="13")
    if prefecture.labellings.exists():
        return
    sites = {site.name: site for site in prefecture.sites.all()}
    marseille = [site for name, site in sites.items() if name.startswith("Marseille")]
    qualipref = services.labelling_start(
        by=by,
        prefecture=prefecture,
        referential=refs["QP"],
        modules=_modules(refs["QP"], 3),
        sites=marseille,
        started_on=datetime.date(2012, 9, 3),
        note="Démarche Qualipref sur les deux sites marseillais (illustratif).",
    )
    steps = (
        (Kind.INTERNAL_EVALUATION, datetime.date(2013, 3, 12), "Audit interne des sites de Marseille."),
        (Kind.PLAN_REVISION, datetime.date(2013, 3, 29), ""),
        (Kind.LABELLING_AUDIT, datetime.date(2013, 5, 14), ""),
    )
    qualipref = _labelled(by, qualipref, steps, decided_on=datetime.date(2013, 6, 20))
    qualipref = services.labelling_record_follow_up_audit(
        by=by, labelling=qualipref, happened_on=datetime.date(2014, 6, 10), note="Audit de suivi annuel."
    )
    qp2 = services.labelling_migrate(
        by=by,
        labelling=qualipref,
        referential=refs["QP2"],
        modules=_modules(refs["QP2"], 1, 4, 7),
        sites=list(sites.values()),
        started_on=datetime.date(2015, 2, 16),
        note="Nouveau référentiel Qualipref 2.0 en février : groupes de travail pour la labellisation ; deux "
        "nouveaux modules, relations avec les collectivités territoriales et communication de crise ; "
        "la démarche s'étend aux sous-préfectures.",
    )
    steps = (
        (
            Kind.INTERNAL_EVALUATION,
            datetime.date(2015, 6, 22),
            "Audits internes des 4 sites au mois de juin : 17 non-conformités soulevées.",
        ),
        (
            Kind.PLAN_REVISION,
            datetime.date(2015, 7, 10),
            "Actions correctrices sur les 5 sites : signalétique, formation des agents d'accueil, rendez-vous "
            "en ligne, tableau de suivi des demandes des élus, plan de communication de crise.",
        ),
        (
            Kind.LABELLING_AUDIT,
            datetime.date(2015, 9, 15),
            "Audits externes de labellisation au mois de septembre. Préfecture des Bouches-du-Rhône : 20 points "
            "forts, 6 pistes de progrès, 3 points sensibles ; Aix-en-Provence : 15, 4, 2 et 1 non-conformité "
            "mineure ; Arles : 20, 3, 2 ; Istres : 17, 2, 4.",
        ),
    )
    _labelled(
        by,
        qp2,
        steps,
        decided_on=datetime.date(2015, 11, 27),
        renewal_due=datetime.date(2017, 6, 30),
        note="Labellisation des 4 sites Qualipref 2.0 fin novembre (Peytral et Saint-Sébastien forment le site "
        "de la préfecture ; les 5 sites restent dans le périmètre). Audit de renouvellement du label : mi-2017.",
    )


def _load_val_de_marne(by, refs):
    prefecture = Prefecture.objects.get(department_id="94")
    if prefecture.labellings.exists():
        return
    site = Site.objects.filter(prefecture=prefecture, kind=Site.Kind.PREFECTURE).order_by("name").first()
    labelling = services.labelling_start(
        by=by,
        prefecture=prefecture,
        referential=refs["QP"],
        modules=_modules(refs["QP"], 3, 4),
        sites=[site] if site else list(prefecture.sites.all()),
        started_on=datetime.date(2012, 6, 1),
        note="Démarche qualité engagée en juin 2012 en vue de la labellisation Qualipref : module obligatoire "
        "« accueil général » et deux modules métiers, titres de séjour étrangers et relations avec les "
        "collectivités territoriales.",
    )
    steps = (
        (
            Kind.INTERNAL_EVALUATION,
            datetime.date(2013, 5, 24),
            "Audit interne par AFNOR Certification : 4 recommandations d'amélioration.",
        ),
        (
            Kind.PLAN_REVISION,
            datetime.date(2013, 6, 3),
            "Les 4 recommandations de l'audit interne ont toutes été suivies de mesures correctives.",
        ),
        (Kind.LABELLING_AUDIT, datetime.date(2013, 6, 25), "Audit externe : l'auditeur relève 12 points forts."),
    )
    _labelled(by, labelling, steps, decided_on=datetime.date(2013, 6, 28), note="Label Qualipref attribué.")


def _labelled(by, labelling, steps, *, decided_on, **decision):
    """A demo cycle goes through its ``steps`` (kind, day, note) to AFNOR's favourable decision of ``decided_on``
    (``decision``: its note, its renewal date)."""
    for step, day, note in steps:
        labelling = services.labelling_transition(by=by, labelling=labelling, step=step, happened_on=day, note=note)
    return services.labelling_record_decision(
        by=by,
        labelling=labelling,
        happened_on=decided_on,
        decision=Labelling.Decision.FAVOURABLE,
        decision_body=AFNOR,
        **decision,
    )


# --- after 2015: the two documented prefectures kept up to date through the service ------------------

# Val-de-Marne moves to Qualipref 2.0 in January 2016, before the renewal of its 2013 label (illustrative).
VAL_DE_MARNE_MOVES_ON = datetime.date(2016, 1, 11)


def _running(department):
    return (
        Labelling.objects.current().filter(prefecture__department_id=department).select_related("referential").first()
    )


def _transition(by, labelling, kind, day, note):
    """One step through the service; a decision is AFNOR's, favourable."""
    fields = {"decision": Labelling.Decision.FAVOURABLE, "decision_body": AFNOR} if kind == Kind.DECISION else {}
    return services.labelling_transition(by=by, labelling=labelling, step=kind, happened_on=day, note=note, **fields)


def _keep_up(by, labelling, until):
    """Follow-up audits held on time and the label renewed at the end of its validity, until ``until``."""
    while (step := history.next_step(labelling)) is not None and step[1] <= until:
        kind, day, note = step
        labelling = _transition(by, labelling, kind, day, note)
    return labelling


def _finish_new_cycle(by, labelling, until):
    """The steps of a new cycle not recorded yet, each when its date has come (a favourable decision)."""
    for kind, _status, day, note in history.new_cycle_plan(labelling):
        if day > until:
            break
        if kind not in services.allowed_steps(labelling):  # recorded already
            continue
        labelling = _transition(by, labelling, kind, day, note)
    return labelling


def _continue_bouches_du_rhone(by, today):
    """The renewal audit of mid-2017, then follow-ups and renewals on the same Qualipref 2.0 cycle to today."""
    cycle = _running("13")
    if cycle is not None and cycle.referential.code == "QP2":
        _keep_up(by, cycle, today)


def _continue_val_de_marne(by, refs, today):
    """Follow-ups of the 2013 label, then a Qualipref 2.0 cycle from January 2016, labelled and kept up to date."""
    cycle = _running("94")
    if cycle is None:
        return
    if cycle.referential.code == "QP":
        cycle = _keep_up(by, cycle, min(today, VAL_DE_MARNE_MOVES_ON))
        if today < VAL_DE_MARNE_MOVES_ON:
            return
        cycle = services.labelling_migrate(
            by=by,
            labelling=cycle,
            referential=refs["QP2"],
            modules=_modules(refs["QP2"], 3, 4),
            started_on=VAL_DE_MARNE_MOVES_ON,
            note="Passage à Qualipref 2.0 avant le renouvellement du label : mêmes modules métiers, titres de "
            "séjour étrangers et relations avec les collectivités territoriales (illustratif).",
        )
    if cycle.referential.code == "QP2":
        if not cycle.is_labelled:
            cycle = _finish_new_cycle(by, cycle, today)
        _keep_up(by, cycle, today)


# --- every other prefecture, in bulk -------------------------------------------------------------


def _other_prefectures():
    """The prefectures other than 13 and 94, created when missing, in the order of the département codes."""
    departments = list(Department.objects.exclude(code__in=DEMO_PREFECTURES + NOT_PREFECTURES).order_by("code"))
    existing = {prefecture.department_id: prefecture for prefecture in Prefecture.objects.all()}
    missing = [
        Prefecture(department=department, name=prefecture_name(department))
        for department in departments
        if department.code not in existing
    ]
    for prefecture in Prefecture.objects.bulk_create(missing):
        existing[prefecture.department_id] = prefecture
    return [existing[department.code] for department in departments]


def _spread(index, count, wanted):
    """Whether the ``index``-th of ``count`` is one of ``wanted`` spread evenly among them."""
    return (index + 1) * wanted // count > index * wanted // count


def _is_marianne(index, count):
    """Spread MARIANNE_COUNT labels evenly over ``count`` prefectures (the others are Qualipref)."""
    return _spread(index, count, MARIANNE_COUNT)


def subprefecture_name(department):
    return f"Sous-préfecture ({department.name})"


def _subprefectures(prefectures, new):
    """{prefecture id: [its sous-préfecture]} for the ``new`` prefectures (no cycle yet) whose July 2013 perimeter
    held one: 30 of the Marianne prefectures and 11 of the Qualipref ones, spread evenly in the order of the
    département codes (illustrative, like the labels). A site each, named after its département, created when
    missing (a few queries)."""
    marianne = [_is_marianne(index, len(prefectures)) for index in range(len(prefectures))]
    counts = {True: sum(marianne), False: len(prefectures) - sum(marianne)}
    wanted = {True: MARIANNE_SUBPREFECTURES, False: QUALIPREF_SUBPREFECTURES}
    chosen, ranks = [], {True: 0, False: 0}
    for prefecture, is_marianne in zip(prefectures, marianne, strict=True):
        if _spread(ranks[is_marianne], counts[is_marianne], wanted[is_marianne]) and prefecture.pk in new:
            chosen.append(prefecture)
        ranks[is_marianne] += 1
    if not chosen:
        return {}
    departments = Department.objects.in_bulk([prefecture.department_id for prefecture in chosen])
    names = {prefecture.pk: subprefecture_name(departments[prefecture.department_id]) for prefecture in chosen}
    existing = {
        site.prefecture_id: site for site in Site.objects.filter(prefecture__in=chosen, name__in=names.values())
    }
    missing = [
        Site(prefecture=prefecture, name=names[prefecture.pk], kind=Site.Kind.SUBPREFECTURE)
        for prefecture in chosen
        if prefecture.pk not in existing
    ]
    for site in bulk_create_with_history(missing, Site):
        existing[site.prefecture_id] = site
    return {prefecture.pk: [existing[prefecture.pk]] for prefecture in chosen}


def _cycle(prefecture, index, referential):
    """A labelled cycle as of 1 July 2013, with its dated steps (the rules of the service hold)."""
    granted_on = datetime.date(2011, 3, 1) + datetime.timedelta(days=8 * index)
    audit_on = granted_on - datetime.timedelta(days=30)
    internal_on = audit_on - datetime.timedelta(days=45)
    started_on = services.add_months(internal_on, -4)
    next_audit_due, renewal_due = services.due_dates(referential=referential, granted_on=granted_on)
    labelling = Labelling(
        prefecture=prefecture,
        referential=referential,
        status=Status.GRANTED,
        started_on=started_on,
        indicators_since=started_on,
        internal_evaluation_on=internal_on,
        labelling_audit_on=audit_on,
        decision=Labelling.Decision.FAVOURABLE,
        decision_on=granted_on,
        decision_body=AFNOR,
        granted_on=granted_on,
        next_audit_due=next_audit_due,
        renewal_due=renewal_due,
    )
    marianne = referential.code == "MARIANNE"
    steps = [
        (Kind.START, Status.PREPARATION, started_on, ""),
        (
            Kind.INTERNAL_EVALUATION,
            Status.INTERNAL_EVALUATION,
            internal_on,
            "Autoévaluation par le référent qualité, les directeurs et les chefs de bureau."
            if marianne
            else "Audit interne.",
        ),
        (Kind.PLAN_REVISION, Status.PLAN_REVISION, internal_on + datetime.timedelta(days=14), ""),
        (Kind.LABELLING_AUDIT, Status.LABELLING_AUDIT, audit_on, ""),
        (Kind.DECISION, Status.GRANTED, granted_on, ""),
    ]
    periods = 1
    while labelling.next_audit_due <= AS_OF:  # the follow-up audits held before July 2013
        steps.append((Kind.FOLLOW_UP_AUDIT, Status.GRANTED, labelling.next_audit_due - datetime.timedelta(days=10), ""))
        periods += 1
        labelling.next_audit_due = min(
            services.add_months(granted_on, periods * referential.follow_up_months), renewal_due
        )
    return labelling, steps


def _modules_by_code(refs):
    """{référentiel code: (mandatory modules, optional modules)} of the référentiels the other prefectures use."""
    modules = {code: ([], []) for code in ("MARIANNE", "QP", "QP2")}
    by_referential = {refs[code].pk: code for code in modules}
    for module in Module.objects.filter(referential__in=by_referential).order_by("number"):
        modules[by_referential[module.referential_id]][0 if module.mandatory else 1].append(module)
    return modules


def _perimeter(modules, code, index):
    """The mandatory modules of the référentiel plus one optional module when it has some, spread by index."""
    mandatory, optional = modules[code]
    return mandatory + ([optional[index % len(optional)]] if optional else [])


def _load_other_prefectures(refs, today):
    prefectures = _other_prefectures()
    existing = Labelling.objects.filter(prefecture__in=prefectures).select_related("referential")
    labelled, running = set(), {}
    for cycle in existing:
        labelled.add(cycle.prefecture_id)
        if cycle.is_running:
            running[cycle.prefecture_id] = cycle
    modules = _modules_by_code(refs)
    subprefectures = _subprefectures(prefectures, {p.pk for p in prefectures if p.pk not in labelled})
    generations, qualipref_index = ([], []), 0  # the cycles of July 2013, then those of Qualipref 2.0
    caught_up = []  # labelled cycles of an earlier load, brought up to date
    for index, prefecture in enumerate(prefectures):
        marianne = _is_marianne(index, len(prefectures))
        if not marianne:
            qualipref_index += 1
        rank = {"rank": history.wave_rank(index, len(prefectures)), "count": len(prefectures)}
        if prefecture.pk in labelled:
            # An earlier load (or an older demo): a labelled cycle, or a Qualipref 2.0 one before its decision,
            # goes on; the others (closed, refused) are left as they are.
            cycle = running.get(prefecture.pk)
            if cycle is None or not (cycle.is_labelled or cycle.status in history.BEFORE_DECISION):
                continue
            cycles = history.continue_history(cycle, [], **rank, qp2=refs["QP2"], today=today)
            if cycles[0][1]:
                caught_up.append(cycles[0])
        else:
            labelling, steps = _cycle(prefecture, index, refs["MARIANNE" if marianne else "QP"])
            cycles = history.continue_history(labelling, steps, **rank, qp2=refs["QP2"], today=today)
            perimeter = _perimeter(modules, labelling.referential.code, qualipref_index)
            generations[0].append((*cycles[0], perimeter, subprefectures.get(prefecture.pk, [])))
        sites = subprefectures.get(prefecture.pk, [])  # the sous-préfecture stays in the perimeter of the next cycles
        generations[1].extend((cycle, steps, _perimeter(modules, "QP2", index), sites) for cycle, steps in cycles[1:])
    _update(caught_up)
    for cycles in generations:
        _write(cycles)


def _update(cycles):
    """Save cycles already written and add their new steps (bulk: a few queries)."""
    if not cycles:
        return
    fields = ["status", "internal_evaluation_on", "labelling_audit_on", "decision", "decision_on", "decision_body"]
    fields += ["granted_on", "next_audit_due", "renewal_due", "ended_on"]
    bulk_update_with_history([labelling for labelling, _ in cycles], Labelling, fields)
    LabellingStep.objects.bulk_create(
        [
            LabellingStep(labelling_id=labelling.pk, kind=kind, status=status, happened_on=day, note=note)
            for labelling, steps in cycles
            for kind, status, day, note in steps
        ]
    )


def _write(cycles):
    """Bulk-create cycles (their previous one already written) with their modules, sites and steps: a few queries."""
    if not cycles:
        return
    for labelling, *_ in cycles:
        if labelling.previous is not None:
            labelling.previous_id = labelling.previous.pk
    created = bulk_create_with_history([labelling for labelling, *_ in cycles], Labelling)
    through = Labelling.modules.through
    through.objects.bulk_create(
        [
            through(labelling_id=labelling.pk, module_id=module.pk)
            for labelling, (_, _, modules, _) in zip(created, cycles, strict=True)
            for module in modules
        ]
    )
    sites_through = Labelling.sites.through
    sites_through.objects.bulk_create(
        [
            sites_through(labelling_id=labelling.pk, site_id=site.pk)
            for labelling, (_, _, _, sites) in zip(created, cycles, strict=True)
            for site in sites
        ]
    )
    LabellingStep.objects.bulk_create(
        [
            LabellingStep(labelling_id=labelling.pk, kind=kind, status=status, happened_on=day, note=note)
            for labelling, (_, steps, _, _) in zip(created, cycles, strict=True)
            for kind, status, day, note in steps
        ]
    )


@transaction.atomic
def load():
    """Create the demo cycles that are missing (see the module's docstring)."""
    by = User.objects.get(username="national")
    refs = _referentials()
    today = timezone.localdate()
    _load_bouches_du_rhone(by, refs)
    _continue_bouches_du_rhone(by, today)
    _load_val_de_marne(by, refs)
    _continue_val_de_marne(by, refs, today)
    _load_other_prefectures(refs, today)
