from django.contrib.auth.backends import BaseBackend

from accounts import access


class NationalAdministratorBackend(BaseBackend):
    """National administrators hold every model permission (they manage référentiels, prefectures, sites)."""

    def has_perm(self, user_obj, perm, obj=None):
        return user_obj.is_active and access.is_national_admin(user_obj)

    def has_module_perms(self, user_obj, app_label):
        return user_obj.is_active and access.is_national_admin(user_obj)
