"""Complaints and letters that arrive by e-mail (issue 17): a prefecture's mailbox read over IMAP.

- ``reading``: connect to each active mailbox (imap-tools), fetch the messages above the last UID read, hand each to
  ``intake.receive``, mark it seen and remember its UID; a mailbox out of reach is logged and the others still read.
- ``parsing``: the raw bytes of a message → ``ParsedMessage`` (sender, date, subject, text, attachments), or
  ``Unreadable`` with a French reason (the message is then quarantined).
- ``routing``: the item a message answers (a reference it quotes, or the e-mail it replies to), else the first
  rule of the mailbox that matches (recipient address, keyword), else the prefecture's triage.
- ``filing``: the item created through the registers' services (reference, deadline in working days,
  acknowledgement), the attachments checked by qualipref.lib.uploads (the refused ones listed), the handlers told
  of an answer that arrived.
- ``intake``: one message, once per Message-ID in its prefecture, from parsing to filing, in one transaction.
- ``triage``: filing or discarding by hand what waits in the triage (pages and API).
"""
