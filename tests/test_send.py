"""`mindreel send` against a real SMTP server (aiosmtpd) on 127.0.0.1, with STARTTLS or
implicit TLS and AUTH, on a throwaway certificate authority (trustme).

What the server receives is compared byte for byte with email.eml; the envelope is
checked; each (week, recipient) goes once; every failure exits 4 with the server's
reply and records nothing.
"""

from __future__ import annotations

import socket
import sqlite3
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.conftest import copy_site, mindreel

EMAIL_ONLY = "channels: {email: true, feeds: false, social: false}\n"
USER, PASSWORD = "mindreel", "correct horse battery staple"
WED_W48 = "2026-11-25T10:00:00+09:00"
W49_SEND = "2026-11-30T09:00:00+09:00"
LIST = "weekly@mindreel.example.org"
SENDER = "editor@mindreel.example.org"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes


@dataclass
class Handler:
    """Keeps every message; refuses recipients at ``refuse`` with a 550."""

    messages: list[Received] = field(default_factory=list)
    refuse: str = "nobody@example.org"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if address == self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      envelope.original_content))
        return "250 2.0.0 Ok: queued as 4XyZ"


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                  auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() \
        and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # on failure the server answers 535


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@dataclass
class Server:
    port: int
    handler: Handler
    security: str


def _serve(ca: trustme.CA, implicit: bool) -> Iterator[Server]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    handler = Handler()
    port = free_port()
    kwargs: dict[str, Any] = {"authenticator": authenticator, "auth_required": True,
                              "auth_require_tls": True}
    if implicit:
        # aiosmtpd does not see that the socket itself is TLS: let it offer AUTH anyway.
        kwargs["auth_require_tls"] = False
        controller = Controller(handler, hostname="127.0.0.1", port=port, ssl_context=context,
                                **kwargs)
    else:
        controller = Controller(handler, hostname="127.0.0.1", port=port, tls_context=context,
                                require_starttls=True, **kwargs)
    controller.start()
    try:
        yield Server(port, handler, "tls" if implicit else "starttls")
    finally:
        controller.stop()


@pytest.fixture
def server(ca: trustme.CA) -> Iterator[Server]:
    yield from _serve(ca, implicit=False)


@pytest.fixture
def tls_server(ca: trustme.CA) -> Iterator[Server]:
    yield from _serve(ca, implicit=True)


def make_site(root: Path, ca: trustme.CA, port: int, security: str = "starttls",
              **smtp: Any) -> Path:
    """The fixture site, built through W49 on Wednesday of W48, with an smtp section."""
    schedule = copy_site(root, EMAIL_ONLY)
    ca_file = root / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    doc = yaml.safe_load(schedule.read_text("utf-8"))
    doc["email"]["smtp"] = {"host": "127.0.0.1", "port": port, "security": security,
                            "user": USER, "password_env": "TEST_SMTP_PASSWORD",
                            "ca_file": str(ca_file), "timeout_seconds": 5, **smtp}
    doc["email"]["smtp"] = {k: v for k, v in doc["email"]["smtp"].items() if v is not None}
    schedule.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    result = mindreel("build", "--from", "2026-W48", "--to", "2026-W49", cwd=root, now=WED_W48)
    assert result.returncode == 0, result.stderr
    return root


def send(root: Path, *args: str, now: str = WED_W48, password: str = PASSWORD
         ) -> Any:
    return mindreel("send", *args, cwd=root, now=now, env={"TEST_SMTP_PASSWORD": password})


def sent_rows(root: Path) -> list[tuple[str, ...]]:
    with sqlite3.connect(root / "outbox" / ".mindreel" / "ledger.sqlite") as db:
        try:
            return [tuple(r) for r in db.execute("SELECT week, recipient FROM sent")]
        except sqlite3.OperationalError:
            return []


def eml(root: Path, week: str) -> bytes:
    return (root / "outbox" / week / "email.eml").read_bytes()


def test_a_test_send_delivers_email_eml_byte_for_byte(tmp_path: Path, ca: trustme.CA,
                                                      server: Server) -> None:
    root = make_site(tmp_path / "site", ca, server.port)
    result = send(root, "--week", "2026-W49", "--to", "me@example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2026-W49: sent to me@example.org <")
    assert "(server: 250 2.0.0 Ok: queued as 4XyZ)" in result.stdout
    (message,) = server.handler.messages
    assert message.data == eml(root, "2026-W49")
    assert (message.mail_from, message.rcpt_tos) == (SENDER, ["me@example.org"])
    assert sent_rows(root) == [("2026-W49", "me@example.org")]


def test_each_week_and_recipient_goes_once(tmp_path: Path, ca: trustme.CA,
                                           server: Server) -> None:
    root = make_site(tmp_path / "site", ca, server.port)
    assert send(root, "--week", "2026-W49", "--to", "me@example.org").returncode == 0
    again = send(root, "--week", "2026-W49", "--to", "ME@example.org")
    assert again.returncode == 2
    assert "2026-W49 was already sent to ME@example.org" in again.stderr
    assert "--resend" in again.stderr and "Traceback" not in again.stderr
    assert len(server.handler.messages) == 1
    resent = send(root, "--week", "2026-W49", "--to", "me@example.org", "--resend")
    assert resent.returncode == 0 and "sent again" in resent.stdout
    first, second = server.handler.messages
    assert first.data == second.data  # the same Message-ID: a resend is the same message


def test_the_list_gets_an_edition_only_from_its_send_time(tmp_path: Path, ca: trustme.CA,
                                                          server: Server) -> None:
    root = make_site(tmp_path / "site", ca, server.port)
    early = send(root, "--week", "2026-W49")
    assert early.returncode == 2 and "nothing goes to the list before" in early.stderr
    result = send(root, now=W49_SEND)  # the default week: the newest one due
    assert result.returncode == 0, result.stderr
    assert "sending 2026-W49" in result.stderr
    (message,) = server.handler.messages
    assert (message.mail_from, message.rcpt_tos) == (SENDER, [LIST])
    assert message.data == eml(root, "2026-W49")


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_tls(tmp_path: Path, ca: trustme.CA, tls_server: Server) -> None:
    root = make_site(tmp_path / "site", ca, tls_server.port, security="tls")
    result = send(root, "--week", "2026-W48", "--to", "me@example.org")
    assert result.returncode == 0, result.stderr
    assert tls_server.handler.messages[0].data == eml(root, "2026-W48")


# --- every failure: exit 4, the server's reply, nothing recorded -------------------------

def _fails(result: Any, *needles: str) -> None:
    assert result.returncode == 4, (result.returncode, result.stderr)
    for needle in needles:
        assert needle in result.stderr, result.stderr
    assert "nothing was recorded" in result.stderr and "Traceback" not in result.stderr


def test_refused_connection_exits_4(tmp_path: Path, ca: trustme.CA) -> None:
    root = make_site(tmp_path / "site", ca, free_port())
    _fails(send(root, "--week", "2026-W48", "--to", "me@example.org"),
           "cannot connect to 127.0.0.1:", "Connection refused")
    assert sent_rows(root) == []


def test_wrong_password_exits_4_with_the_reply(tmp_path: Path, ca: trustme.CA,
                                               server: Server) -> None:
    root = make_site(tmp_path / "site", ca, server.port)
    _fails(send(root, "--week", "2026-W48", "--to", "me@example.org", password="wrong"),
           "refused the login for mindreel: 535")
    assert server.handler.messages == [] and sent_rows(root) == []


def test_untrusted_certificate_exits_4(tmp_path: Path, ca: trustme.CA, server: Server) -> None:
    root = make_site(tmp_path / "site", trustme.CA(), server.port)  # trusts another CA
    _fails(send(root, "--week", "2026-W48", "--to", "me@example.org"),
           "TLS with 127.0.0.1:", "CERTIFICATE_VERIFY_FAILED")
    assert server.handler.messages == [] and sent_rows(root) == []


def test_refused_recipient_exits_4(tmp_path: Path, ca: trustme.CA, server: Server) -> None:
    root = make_site(tmp_path / "site", ca, server.port)
    _fails(send(root, "--week", "2026-W48", "--to", "nobody@example.org"),
           "refused the recipient nobody@example.org: 550 5.1.1 mailbox unavailable")
    assert sent_rows(root) == []


def test_a_silent_server_times_out_with_exit_4(tmp_path: Path, ca: trustme.CA) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()[0]),
                              daemon=True)
    thread.start()
    try:
        root = make_site(tmp_path / "site", ca, listener.getsockname()[1], timeout_seconds=1)
        _fails(send(root, "--week", "2026-W48", "--to", "me@example.org"),
               "did not answer within 1 s")
        assert sent_rows(root) == []
    finally:
        for conn in accepted:
            conn.close()
        listener.close()


def test_a_missing_password_is_bad_input(tmp_path: Path, ca: trustme.CA,
                                         server: Server) -> None:
    root = make_site(tmp_path / "site", ca, server.port)
    result = mindreel("send", "--week", "2026-W48", "--to", "me@example.org", cwd=root,
                      now=WED_W48, env={"TEST_SMTP_PASSWORD": ""})
    assert result.returncode == 2
    assert "TEST_SMTP_PASSWORD (the SMTP password) is not set" in result.stderr


# --- `mindreel run` sends at the send time -----------------------------------------------

def test_the_service_sends_at_the_send_time_once(tmp_path: Path, ca: trustme.CA,
                                                 server: Server,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_scheduler import make_service

    root = make_site(tmp_path / "site", ca, server.port)
    schedule = root / "schedule.yaml"
    schedule.write_text(schedule.read_text("utf-8").replace("  esp: plain\n",
                                                            "  esp: plain\n  delivery: smtp\n"))
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "wrong")
    service, clock, events = make_service(schedule, "2026-11-30T08:59:00+09:00")
    service.tick("check")
    assert server.handler.messages == [] and not events.named("sent")  # not yet
    clock.now = clock.now.replace(minute=0, hour=9)
    service.tick("send")
    (failed,) = events.named("failed")
    assert failed["exit_code"] == 4 and "535" in failed["message"]
    assert sent_rows(root) == []
    monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)
    clock.now = clock.now.replace(minute=10)
    service.tick("check")  # the next check retries
    (sent,) = events.named("sent")
    assert sent["week"] == "2026-W49"
    (message,) = server.handler.messages
    assert message.rcpt_tos == [LIST] and message.data == eml(root, "2026-W49")
    clock.now = clock.now.replace(minute=20)
    service.tick("check")
    assert len(server.handler.messages) == 1 and sent_rows(root) == [("2026-W49", LIST)]
