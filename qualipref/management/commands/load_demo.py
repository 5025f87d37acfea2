from django.core.management.base import BaseCommand

from qualipref.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent) et affiche les comptes de démonstration."

    def handle(self, *args, **options):
        accounts = load_demo()
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
        self.stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        for username, role, scope in accounts:
            self.stdout.write(f"  {username:<16} {role:<36} {scope}")
