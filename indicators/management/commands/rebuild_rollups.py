"""``manage.py rebuild_rollups``: every rollup of the measurements recomputed from the measurements."""

from django.core.management.base import BaseCommand

from indicators.services import rollups


class Command(BaseCommand):
    help = (
        "Recalcule depuis les mesures tous les agrégats par préfecture et nationaux que lisent les tableaux de bord "
        "(chaque écriture de mesures les tient à jour : la commande sert après une écriture faite hors de "
        "l'application, en SQL). Relancer la commande ne change rien."
    )

    def handle(self, *args, **options):
        count = rollups.rebuild()
        self.stdout.write(f"{count} agrégat(s) de mesures recalculé(s).")
