from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def rate_limits_need_a_shared_cache(app_configs, **kwargs):
    """Public forms are rate-limited through the cache: several processes must share it."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("RedisCache"):
        return []
    return [
        checks.Warning(
            "Le cache n'est pas partagé entre les processus : les limites de débit des formulaires publics "
            "ne tiennent pas avec plusieurs workers.",
            hint="Définissez CACHE_URL=redis://… (ou un CELERY_BROKER_URL Redis).",
            id="qualipref.W001",
        )
    ]
