from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Personnes et habilitations"

    def ready(self):
        # The read rules of the models below the permission layer (qualipref.lib.scoping explains why).
        from accounts import access
        from accounts.models import Membership
        from qualipref.lib import scoping
        from sites.models import Prefecture, Service, Site, SiteClosure

        scoping.register(Prefecture, access.scope_prefectures)
        scoping.register(Site, access.scope_sites)
        scoping.register(Service, access.scope_by_site)
        scoping.register(SiteClosure, access.scope_by_site)
        scoping.register(Membership, access.scope_memberships)
