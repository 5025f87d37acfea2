import pytest

from complaints.models import Mailbox
from tests import factories
from tests.api.conftest import api_client, as_role, login, world  # noqa: F401 (the API tests' fixtures)
from tests.imap import imap_server  # noqa: F401 (a real IMAP server: the mailboxes read)
from tests.smtp import smtp_inbox  # noqa: F401 (a real SMTP server: the replies e-mailed)

# The letter checks shared by the two registers' tests: their failures show the values, like a test's own.
pytest.register_assert_rewrite("tests.complaints.letters")


@pytest.fixture
def complaint(world):  # noqa: F811 (the imported fixture)
    """A complaint of Arles (the site of the world's referent and agent), with the requester's details."""
    return factories.ComplaintFactory(site=world.site, service=world.service, with_requester=True)


@pytest.fixture
def contact_mailbox(world, imap_server, monkeypatch):  # noqa: F811 (the imported fixtures)
    """The prefecture's « Contact » mailbox on the test IMAP server (its password in the environment), no rules."""
    monkeypatch.setenv("IMAP_PASSWORD_TEST", imap_server.password)
    return Mailbox.objects.create(
        prefecture=world.prefecture,
        name="Contact",
        host=imap_server.host,
        port=imap_server.port,
        use_ssl=False,
        username=imap_server.user,
        password_env="IMAP_PASSWORD_TEST",
    )


@pytest.fixture
def moselle_site(db):
    department = factories.DepartmentFactory(code="57", name="Moselle", region="Grand Est")
    prefecture = factories.PrefectureFactory(department=department, name="Préfecture de la Moselle")
    return factories.SiteFactory(prefecture=prefecture, name="Metz – Préfecture")
