"""``manage.py generate_national_data [--scale 1.0] [--years 10] [--seed 2015]``: the national benchmark dataset."""

import time

from django.core.management.base import BaseCommand, CommandError

from indicators import national_data


class Command(BaseCommand):
    help = (
        "Génère sur PostgreSQL un jeu national de mesure (échelle 1 : ~100 préfectures, ~500 sites, 10 ans, "
        "20 millions de fréquentations horaires, 5 millions de courriers, 1 million de réponses aux enquêtes, "
        "100 000 réclamations, 50 000 actions), dans une base sans préfecture : la commande refuse une base qui en "
        "contient déjà."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Part des volumes de l'échelle 1 (0.1 : 10 %%).")
        parser.add_argument("--years", type=int, default=10, help="Années d'historique jusqu'à aujourd'hui.")
        parser.add_argument("--seed", type=int, default=2015, help="Graine des tirages : même graine, mêmes données.")

    def handle(self, *args, scale, years, seed, **options):
        start = time.perf_counter()
        try:
            totals = national_data.generate(
                scale=scale, years=years, seed=seed, progress=lambda line: self.stdout.write(line)
            )
        except national_data.Refused as error:
            raise CommandError(str(error)) from None
        rows = sum(count for name, count in totals.items() if name != "calendrier")
        self.stdout.write(
            f"Jeu national généré (échelle {scale:g}, {years} ans) : {rows:,} lignes en ".replace(",", " ")
            + f"{time.perf_counter() - start:.1f} s."
        )
