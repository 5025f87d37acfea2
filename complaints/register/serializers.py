"""What the API's serializers of the two registers share (complaints.serializers,
complaints.correspondence.serializers): the deadline of an item read, the user's scope on write.

Each register declares its own ``remaining_working_days`` and ``overdue`` fields (their help texts agree with
the register's items, « répondue » / « répondu »); the methods that fill them are here.
"""

from accounts.models import User
from qualipref.lib.drf import ModelSerializer, UserScopedFields, request_user
from sites.models import Service, Site


class RegisterItemSerializer(ModelSerializer):
    def get_remaining_working_days(self, item) -> int | None:
        # Attached by the viewset for a whole page at once (complaints.deadlines.attach_remaining_working_days).
        return getattr(item, "remaining_working_days", None)

    def get_overdue(self, item) -> bool:
        return item.is_overdue()


class RegisterItemWriteSerializer(UserScopedFields, ModelSerializer):
    """Fields a client may send; the service decides whether the change is allowed."""

    # Sites and services outside the user's scope do not exist for them.
    user_scoped = {"site": Site, "service": Service}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if request_user(self) is not None:
            self.fields["assigned_to"].queryset = User.objects.filter(is_active=True)
