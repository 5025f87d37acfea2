from django.apps import AppConfig


class QualiprefConfig(AppConfig):
    name = "qualipref"
    verbose_name = "Qualipref"

    def ready(self):
        from qualipref import checks, site_config  # noqa: F401 - checks: registers the deploy checks
        from qualipref.lib.bounds import install_date_bounds
        from qualipref.lib.forms import install_inline_select_options

        install_date_bounds()
        install_inline_select_options()
        site_config.connect()
