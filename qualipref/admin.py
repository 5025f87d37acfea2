from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig


class QualiprefAdminSite(AdminSite):
    site_header = "Administration de Qualipref"
    site_title = "Qualipref"
    index_title = "Administration nationale"

    def has_permission(self, request):
        """The admin is the national administrators' tool, whatever the user's Django flags."""
        from accounts import access  # imported late: this module is loaded before the apps

        return request.user.is_active and access.is_national_admin(request.user)


class QualiprefAdminConfig(AdminConfig):
    default_site = "qualipref.admin.QualiprefAdminSite"
