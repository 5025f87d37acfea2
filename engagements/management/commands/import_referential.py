from django.core.management.base import BaseCommand, CommandError

from engagements import importer


class Command(BaseCommand):
    help = (
        "Importe un référentiel depuis un fichier YAML (format : engagements/referentials/README.md). "
        "Même code et même version : textes mis à jour sur place, rien n'est supprimé ; nouvelle version : "
        "nouveau référentiel, les versions précédentes restent intactes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier YAML du référentiel")
        parser.add_argument("--dry-run", action="store_true", help="vérifier et compter sans rien enregistrer")

    def handle(self, *args, file, dry_run, **options):
        try:
            result = importer.import_file(file, dry_run=dry_run)
        except importer.ReferentialFileError as exc:
            errors = "\n".join(exc.errors)
            raise CommandError(f"{file} refusé, rien n'a été enregistré :\n{errors}") from None
        self.stdout.write(self.style.SUCCESS(result.summary()))
