"""``manage.py restore ARCHIVE [--database-url URL] [--media-root DIR]``: into an empty database and media folder."""

from django.core.management.base import BaseCommand, CommandError

from qualipref import backups


class Command(BaseCommand):
    help = (
        "Restaure une archive de `manage.py backup` dans une base vide et un dossier de médias vide, vérifie les "
        "empreintes des fichiers et le nombre de lignes de chaque table."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Fichier qualipref-AAAAMMJJ-HHMMSS.tar.")
        parser.add_argument("--database-url", help="Base cible, vide (défaut : DATABASE_URL).")
        parser.add_argument("--media-root", help="Dossier des médias cible, vide ou absent (défaut : MEDIA_ROOT).")

    def handle(self, *args, archive, database_url, media_root, **options):
        try:
            manifest = backups.restore(archive=archive, database_url=database_url, media_root=media_root)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        media = sum(1 for name in manifest["files"] if name.startswith("media/"))
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Sauvegarde du {manifest['created_at']} restaurée : {len(manifest['tables'])} tables, {rows} lignes, "
            f"{media} fichiers téléversés ; empreintes et nombres de lignes vérifiés."
        )
