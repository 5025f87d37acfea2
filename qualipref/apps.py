from django.apps import AppConfig


class QualiprefConfig(AppConfig):
    name = "qualipref"
    verbose_name = "Qualipref"

    def ready(self):
        from qualipref import checks  # noqa: F401 - registers the deploy checks
        from qualipref.lib.bounds import install_date_bounds

        install_date_bounds()
