"""One SMTP transaction: connect (STARTTLS or implicit TLS), log in, send bytes as they are.

The message is handed over byte for byte (``email.eml`` already has CRLF line ends and
a Message-ID); the envelope sender and recipient are given separately, so a test send
to ``--to`` leaves the headers untouched. Certificates are always verified, against the
system's store or ``smtp.ca_file``. Every failure (refused connection, TLS, login,
timeout, a refused sender, recipient or message) raises ``SendFailed``, exit 4, with
what the server said.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass

from generator.config import SmtpSettings
from generator.errors import EXIT_CANNOT_WRITE, MindreelError


class SendFailed(MindreelError):
    """The SMTP server could not be reached or did not accept the message; nothing was
    recorded as sent, so running the command again retries."""

    exit_code = EXIT_CANNOT_WRITE  # exit 4: cannot write or send

    def report(self) -> str:
        return f"{self}\nnot sent: nothing was recorded; fix the cause and run it again"


@dataclass(frozen=True)
class Accepted:
    """The server's final reply to the message data (what its logs will show too)."""

    code: int
    reply: str

    def __str__(self) -> str:
        return f"{self.code} {self.reply}"


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return f"{code} {' '.join(text.split())}"


def _context(settings: SmtpSettings) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=settings.ca_file)


def deliver(data: bytes, sender: str, recipient: str, settings: SmtpSettings,
            password: str | None) -> Accepted:
    """Send ``data`` from ``sender`` to ``recipient``; the server's acceptance, or
    ``SendFailed``."""
    where = f"{settings.host}:{settings.port}"
    try:
        context = _context(settings)
        client: smtplib.SMTP
        if settings.security == "tls":
            client = smtplib.SMTP_SSL(settings.host, settings.port,
                                      timeout=settings.timeout_seconds, context=context)
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
        with client:
            client.ehlo()
            if settings.security == "starttls":
                if not client.has_extn("starttls"):
                    raise SendFailed(f"{where} does not offer STARTTLS; refusing to send the "
                                     "password or the message in clear text")
                client.starttls(context=context)
                client.ehlo()
            if settings.user:
                client.login(settings.user, password or "")
            return _transaction(client, data, sender, recipient, where)
    except SendFailed:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise SendFailed(f"{where} refused the login for {settings.user}: "
                         f"{_reply(exc.smtp_code, exc.smtp_error)}") from None
    except smtplib.SMTPResponseException as exc:
        raise SendFailed(f"{where} answered {_reply(exc.smtp_code, exc.smtp_error)}") from None
    except smtplib.SMTPRecipientsRefused as exc:
        replies = "; ".join(_reply(code, msg) for code, msg in exc.recipients.values())
        raise SendFailed(f"{where} refused the recipient {recipient}: {replies}") from None
    except ssl.SSLError as exc:
        raise SendFailed(f"TLS with {where} failed: {exc.reason or exc}") from None
    except TimeoutError:
        raise SendFailed(_timed_out(where, settings)) from None
    except smtplib.SMTPServerDisconnected as exc:
        if isinstance(exc.__context__, TimeoutError):  # smtplib wraps a read timeout
            raise SendFailed(_timed_out(where, settings)) from None
        raise SendFailed(f"{where} closed the connection: {exc}") from None
    except smtplib.SMTPException as exc:
        raise SendFailed(f"SMTP with {where} failed: {exc}") from None
    except OSError as exc:
        raise SendFailed(f"cannot connect to {where}: {exc.strerror or exc}") from None


def _timed_out(where: str, settings: SmtpSettings) -> str:
    return (f"{where} did not answer within {settings.timeout_seconds:g} s "
            "(smtp.timeout_seconds)")


def _transaction(client: smtplib.SMTP, data: bytes, sender: str, recipient: str,
                 where: str) -> Accepted:
    """MAIL, RCPT, DATA one by one, so each refusal is reported with its reply."""
    code, message = client.mail(sender)
    if code != 250:
        raise SendFailed(f"{where} refused the sender {sender}: {_reply(code, message)}")
    code, message = client.rcpt(recipient)
    if code not in (250, 251):
        raise SendFailed(f"{where} refused the recipient {recipient}: {_reply(code, message)}")
    code, message = client.data(data)
    if code != 250:
        raise SendFailed(f"{where} did not accept the message: {_reply(code, message)}")
    return Accepted(code, " ".join(message.decode("utf-8", "replace").split()))
