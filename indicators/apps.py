from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Indicateurs qualité"

    def ready(self):
        # The receivers only enqueue an incremental computation once the writing transaction commits
        # (indicators.signals); the other apps never import this one.
        from indicators import signals

        signals.connect()
