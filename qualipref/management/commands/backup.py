"""``manage.py backup [--output-dir DIR] [--keep N]``: one archive of the database and the media (qualipref.backups)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qualipref import backups


class Command(BaseCommand):
    help = (
        "Sauvegarde la base de données et les fichiers téléversés dans une archive "
        "(docs/exploitation.md, § Sauvegardes et restauration)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir", default=settings.QUALIPREF_BACKUP_DIR, help="Dossier des archives (BACKUP_DIR)."
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=settings.QUALIPREF_BACKUP_KEEP,
            help="Archives gardées dans ce dossier, les plus récentes ; 0 : toutes (BACKUP_KEEP).",
        )

    def handle(self, *args, output_dir, keep, **options):
        try:
            archive = backups.backup(output_dir=output_dir)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Sauvegarde écrite : {archive} ({archive.stat().st_size} octets).")
        if keep > 0:
            for path in backups.prune(output_dir=output_dir, keep=keep):
                self.stdout.write(f"Ancienne sauvegarde supprimée : {path}")
