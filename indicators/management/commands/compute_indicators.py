"""``manage.py compute_indicators [--period AAAA-MM | --changes]``: what the Celery jobs do, by hand."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from indicators.services import compute


class Command(BaseCommand):
    help = (
        "Calcule les indicateurs calculés (réclamations, actions, formations…) : tous les mois depuis les plus "
        "anciennes données, ou un seul mois (--period), ou les seules modifications récentes (--changes). "
        "Relancer la commande ne change rien."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--period", help="Un mois, AAAA-MM (par exemple 2026-03), pour toutes les préfectures.")
        group.add_argument(
            "--changes", action="store_true", help="Les mois touchés par les modifications depuis le dernier calcul."
        )

    def handle(self, *args, period=None, changes=False, **options):
        try:
            if period:
                run = compute.run_period(period=period)
            elif changes:
                run = compute.run_changes()
            else:
                run = compute.run_full()
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"{run.get_kind_display()} ({run.scope}) : {run.created} mesure(s) créée(s), {run.updated} modifiée(s), "
            f"{run.deleted} supprimée(s), {run.unchanged} inchangée(s)."
        )
