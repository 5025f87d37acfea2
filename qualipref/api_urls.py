"""Every API route, in one readable list (see ../shared/API.md for the public contract)."""

urlpatterns = []
