"""A real SMTP server for the tests (aiosmtpd, on a free port of 127.0.0.1) and Django's SMTP backend pointed at
it: the ``smtp_inbox`` fixture, to import into a test module. The test reads the messages that arrived, or makes
the server refuse them (``inbox.refuse = "550 …"``)."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """What the server received; ``refuse``: the reply to DATA instead of accepting (« 550 5.1.1 … »)."""

    def __init__(self):
        self.messages = []
        self.refused = 0
        self.refuse = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.refuse:
            self.refused += 1
            return self.refuse
        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        )
        return "250 Message accepted for delivery"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield inbox
    finally:
        controller.stop()
