"""``manage.py relay_outbox``: what the periodic task ``qualipref.tasks.relay_outbox`` does, now, in this process
(after a broker outage, or from a benchmark): stale work items re-queued or failed, unsent tasks sent."""

from django.core.management.base import BaseCommand

from qualipref import outbox


class Command(BaseCommand):
    help = "Envoie au broker les tâches en attente (outbox) et relance ou clôt les traitements en souffrance."

    def add_arguments(self, parser):
        parser.add_argument("--no-sweep", action="store_true", help="Seulement l'envoi des tâches en attente.")

    def handle(self, *args, no_sweep=False, **options):
        stale = {} if no_sweep else outbox.sweep_stale()
        sent = outbox.relay()
        purged = outbox.purge()
        waiting = outbox.OutboxMessage.objects.filter(sent_at__isnull=True).count()
        self.stdout.write(
            f"{sent} tâche(s) envoyée(s), {waiting} encore en attente, {purged} ancienne(s) supprimée(s) ; "
            f"traitements en souffrance : {stale or 'aucun'}"
        )
