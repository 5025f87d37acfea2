from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = "Programme qualité"

    def ready(self):
        # The records that fulfil the programme's items (meetings, audits, campaigns, self-assessments) are linked
        # once their transaction commits (planning.signals); the apps below never import this one.
        from planning import signals

        signals.connect()
