"""Sending: an edition's ``email.eml`` handed to an SMTP server, once per recipient.

- ``smtp``: one SMTP transaction over STARTTLS or implicit TLS; every failure becomes
  ``SendFailed`` (exit 4) carrying the server's reply.
- ``edition``: which week, to whom, the ledger's once-only record, the lock.
"""
