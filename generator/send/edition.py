"""``send``: one built edition's ``email.eml`` to the list address (or a test address),
once.

Each (week, recipient) is sent at most once: the ledger's ``sent`` table is checked
before and written after the server accepts the message, under the outbox lock, so two
senders cannot both send. A second send is refused unless ``resend`` is asked for.

The crash window: if the process dies after the server accepted the message and before
the ledger write, the ledger does not know it was sent. A send after that (with
``resend`` if need be) carries the same bytes, Message-ID included, so mail software
and readers can tell it is the same message.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from email.parser import BytesHeaderParser
from email.utils import parseaddr

from generator.config import Config
from generator.errors import EXIT_BAD_INPUT, BadInput, MindreelError, Problem
from generator.ledger import Ledger, SentRecord
from generator.outbox import Outbox
from generator.send.smtp import Accepted, deliver
from generator.weeks import IsoWeek

EML_FILE = "email.eml"


class AlreadySent(MindreelError):
    """The edition already went to this recipient; refused without ``--resend``."""

    exit_code = EXIT_BAD_INPUT


@dataclass(frozen=True)
class Sent:
    """What a send did."""

    week: IsoWeek
    recipient: str
    message_id: str
    accepted: Accepted
    resent: bool


def _problem(field: str, message: str, config: Config) -> BadInput:
    return BadInput([Problem(config.doc.name, 0, field, message)])


def send_week(config: Config, week: IsoWeek, now: datetime, to: str | None = None,
              resend: bool = False) -> Sent:
    """Send ``week``'s email to ``to`` (default: the list address); record it.

    Raises ``BadInput`` (exit 2) when it cannot be sent as configured, ``AlreadySent``
    (exit 2) for a second send, ``SendFailed`` (exit 4) when SMTP fails.
    """
    settings = config.settings
    email = settings.email
    smtp = email.smtp
    if smtp is None:
        raise _problem("email.smtp", "no SMTP server is configured (host, port, security, "
                       "user, password_env)", config)
    if email.esp != "plain":
        raise _problem("email.esp", f"email.eml holds {email.esp}'s placeholders, not real "
                       "links; send it through that ESP, or set esp: plain to send by SMTP",
                       config)
    password = None
    if smtp.user:
        password = os.environ.get(smtp.password_env)
        if not password:
            raise _problem("email.smtp.password_env", f"the environment variable "
                           f"{smtp.password_env} (the SMTP password) is not set", config)
    recipient = to or settings.site.list_address
    outbox = Outbox(config.outbox)
    path = outbox.edition_dir(str(week)) / EML_FILE
    with outbox.lock(settings.lock_timeout_seconds, purpose="send"):
        if not path.is_file():
            raise BadInput([Problem(str(path), 0, "", f"{week} has no email to send; build "
                                    f"it first (mindreel build --week {week})")])
        data = path.read_bytes()
        headers = BytesHeaderParser().parsebytes(data)
        message_id = str(headers.get("Message-ID", ""))
        send_at = week.send_at(settings.send.weekday, settings.send.clock, settings.tz)
        if to is None and send_at > now:
            raise BadInput([Problem("--week", 0, "", f"{week} goes out {send_at.isoformat()}; "
                                    "nothing goes to the list before its send time (use --to "
                                    "ADDRESS for a test)")])
        with Ledger(outbox.ledger_path) as ledger:
            earlier = ledger.sent(week, recipient)
            if earlier is not None and not resend:
                raise AlreadySent(f"{week} was already sent to {recipient} at "
                                  f"{earlier.sent_at} ({earlier.reply}); --resend sends it "
                                  "again")
            sender = parseaddr(str(headers.get("From", "")))[1] or settings.site.sender_address
            accepted = deliver(data, sender, recipient, smtp, password)
            ledger.record_sent(SentRecord(week, recipient, message_id, now.isoformat(),
                                          str(accepted)))
    return Sent(week, recipient, message_id, accepted, earlier is not None)


def latest_sendable(config: Config, now: datetime) -> IsoWeek | None:
    """The newest built week whose send time has passed (``send``'s default)."""
    outbox = Outbox(config.outbox)
    if not outbox.ledger_path.is_file():
        return None
    with Ledger(outbox.ledger_path) as ledger:
        weeks = [e.week for e in ledger.iter_entries()
                 if datetime.fromisoformat(e.send_at) <= now]
    return weeks[-1] if weeks else None
