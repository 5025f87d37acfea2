from accounts import access


def navigation(request):
    """The header's navigation, by role (see templates/components/header.html)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "qp_dashboard": access.home_dashboard(user),
        "qp_roles": access.roles_of(user),
    }
