"""ESP hand-off files: only the chosen ESP's, as its API documents, never a past time,
never live catalogue template syntax; and the postal address in every footer.

The listmonk schema below is written from listmonk's ``POST /api/campaigns`` docs
(docs/content/apis/campaigns.md) and its validation code (cmd/campaigns.go): name,
subject and lists are required, lists is a non-empty array of ids, content_type and
type are enums, headers is an array of one-key objects, send_at is
``YYYY-MM-DDTHH:MM:SSZ``. Buttondown's comes from its OpenAPI ``EmailInput``.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from generator.channels import RenderContext
from generator.channels.email import channel as email_channel
from generator.project import Project, load_project
from tests.conftest import NOW, copy_site, edition_of, mindreel

LISTMONK_CAMPAIGN: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["name", "subject", "lists", "type", "content_type", "body"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 2000},
        "subject": {"type": "string", "minLength": 1, "maxLength": 5000},
        "lists": {"type": "array", "minItems": 1, "items": {"type": "integer", "minimum": 1}},
        "from_email": {"type": "string"},
        "type": {"enum": ["regular", "optin"]},
        "content_type": {"enum": ["richtext", "html", "markdown", "plain", "visual"]},
        "body": {"type": "string", "minLength": 1},
        "altbody": {"type": "string"},
        "send_at": {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"},
        "messenger": {"type": "string"},
        "template_id": {"type": "integer", "minimum": 1},
        "tags": {"type": "array", "items": {"type": "string"}},
        "headers": {"type": "array", "items": {
            "type": "object", "minProperties": 1, "maxProperties": 1,
            "additionalProperties": {"type": "string"}}},
    },
}
BUTTONDOWN_EMAIL: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["subject", "body", "status"],
    "additionalProperties": False,
    "properties": {
        "subject": {"type": "string", "minLength": 1, "maxLength": 2000},
        "body": {"type": "string"},
        "status": {"enum": ["draft", "scheduled"]},
        "publish_date": {"type": "string", "format": "date-time"},
    },
    "if": {"properties": {"status": {"const": "scheduled"}}},
    "then": {"required": ["publish_date"]},
}
HOSTILE = "{{ UnsubscribeURL }} *|UNSUB|* {{7*7}} {% now %}"
LIVE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\*\|.*?\|\*")
ADDRESS = "PO Box 1234, Mapo-gu, Seoul 04001, Republic of Korea"


def site(root: Path, email: dict[str, Any] | None = None, **site_keys: Any) -> Path:
    schedule = copy_site(root)
    doc = yaml.safe_load(schedule.read_text("utf-8"))
    doc["email"].update(email or {})
    doc["site"].update(site_keys)
    schedule.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return schedule


def hostile_title(root: Path) -> None:
    path = root / "data" / "films.yaml"
    doc = yaml.safe_load(path.read_text("utf-8"))
    marathon = next(f for f in doc["films"] if f["id"] == "marathon")
    marathon["titles"]["en"] = f"Marathon {HOSTILE}"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")


def render(project: Project, now: datetime = NOW, week: str = "2026-W49",
           feature: str = "marathon") -> dict[str, bytes]:
    ctx = RenderContext(project.config.settings, project.config.templates_dir, now)
    return email_channel.render(edition_of(project, week, feature), ctx)


LISTMONK = {"esp": "listmonk", "listmonk": {"lists": [3, 7], "template_id": 4}}


def test_listmonk_file_validates_against_the_campaign_api(tmp_path: Path) -> None:
    files = render(load_project(site(tmp_path / "s", LISTMONK)))
    assert {name for name in files if name.startswith("email.") and name.endswith(".json")} \
        == {"email.listmonk.json"}
    campaign = json.loads(files["email.listmonk.json"])
    jsonschema.validate(campaign, LISTMONK_CAMPAIGN)
    assert campaign["lists"] == [3, 7] and campaign["template_id"] == 4
    assert campaign["send_at"] == "2026-11-30T00:00:00Z"  # Monday 09:00 in Seoul
    assert datetime.fromisoformat(campaign["send_at"]) > NOW
    assert campaign["body"] == files["email.html"].decode()
    assert campaign["altbody"] == files["email.txt"].decode()
    assert campaign["headers"] == [{"List-Id": '"mindreel" <weekly.mindreel.example.org>'}]


def test_a_past_send_time_is_left_out(tmp_path: Path) -> None:
    project = load_project(site(tmp_path / "s", LISTMONK))
    late = datetime(2026, 12, 1, tzinfo=UTC)
    campaign = json.loads(render(project, now=late)["email.listmonk.json"])
    jsonschema.validate(campaign, LISTMONK_CAMPAIGN)
    assert "send_at" not in campaign


def test_listmonk_without_lists_is_a_check_error(tmp_path: Path) -> None:
    schedule = site(tmp_path / "s", {"esp": "listmonk"})
    result = mindreel("check", cwd=schedule.parent)
    assert result.returncode == 2
    assert re.search(r"schedule\.yaml:\d+: email: esp: listmonk needs listmonk\.lists",
                     result.stderr), result.stderr


def test_buttondown_file_is_scheduled_then_a_draft(tmp_path: Path) -> None:
    project = load_project(site(tmp_path / "s", {"esp": "buttondown"}))
    files = render(project)
    assert "email.listmonk.json" not in files
    handed = json.loads(files["email.buttondown.json"])
    jsonschema.validate(handed, BUTTONDOWN_EMAIL, format_checker=jsonschema.FormatChecker())
    assert handed["status"] == "scheduled" and handed["publish_date"] == "2026-11-30T00:00:00Z"
    assert handed["body"].startswith("<!-- buttondown-editor-mode: fancy -->\n<!DOCTYPE html")
    late = json.loads(render(project, now=datetime(2026, 12, 1, tzinfo=UTC))
                      ["email.buttondown.json"])
    assert late["status"] == "draft" and "publish_date" not in late


@pytest.mark.parametrize("esp", ["plain", "mailchimp"])
def test_plain_and_mailchimp_write_no_esp_file(tmp_path: Path, esp: str) -> None:
    files = render(load_project(site(tmp_path / "s", {"esp": esp})))
    assert set(files) == {"email.html", "email.txt", "email.eml"}


@pytest.mark.parametrize("email", [LISTMONK, {"esp": "buttondown"}])
def test_catalogue_template_syntax_is_never_live_in_an_esp_file(tmp_path: Path,
                                                                 email: dict[str, Any]) -> None:
    schedule = site(tmp_path / "s", email, title="mindreel {{ MessageURL }}")
    hostile_title(schedule.parent)
    files = render(load_project(schedule), week="2026-W48")
    (name,) = [n for n in files if n.endswith(".json")]
    doc = json.loads(files[name])
    ours = {"{{ UnsubscribeURL }}", "{{ MessageURL }}", "{{ unsubscribe_url }}"}
    strings = [v for v in doc.values() if isinstance(v, str)]
    strings += [v for h in doc.get("headers", []) for v in h.values()]
    for value in strings:
        # The footer's own placeholders are live; nothing from catalogue or settings is.
        found = LIVE.findall(value.replace("&#123;", "\x00"))
        assert set(found) <= ours, (value[:80], found)
    assert any("7*7" in v for v in strings)
    for value in (doc["subject"], doc.get("name", ""), doc.get("from_email", "")):
        assert not LIVE.search(value), value


def test_mailchimp_footer_uses_its_merge_tags(tmp_path: Path) -> None:
    files = render(load_project(site(tmp_path / "s", {"esp": "mailchimp"})))
    html, text = files["email.html"].decode(), files["email.txt"].decode()
    assert 'href="*|UNSUB|*"' in html and 'href="*|ARCHIVE|*"' in html
    assert "*|HTML:LIST_ADDRESS_HTML|*" in html and "*|LIST:ADDRESSLINE|*" in text


@pytest.mark.parametrize("esp", ["plain", "listmonk", "buttondown"])
def test_the_postal_address_is_in_every_footer(tmp_path: Path, esp: str) -> None:
    chosen = LISTMONK if esp == "listmonk" else {"esp": esp}
    files = render(load_project(site(tmp_path / "s", chosen, postal_address=ADDRESS)))
    html, text = files["email.html"].decode(), files["email.txt"].decode()
    assert f"mindreel · {ADDRESS}" in html
    assert text.rstrip().endswith(f"mindreel · {ADDRESS}")
    message = email.message_from_bytes(files["email.eml"], policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    for part in ("plain", "html"):
        body = message.get_body((part,))
        assert body is not None and ADDRESS in body.get_content()


def test_check_warns_without_a_postal_address(tmp_path: Path) -> None:
    without = mindreel("check", cwd=site(tmp_path / "a").parent)
    assert without.returncode == 0
    assert "warning: schedule.yaml: site.postal_address is not set" in without.stderr
    with_address = mindreel("check", cwd=site(tmp_path / "b", postal_address=ADDRESS).parent)
    assert with_address.returncode == 0 and "postal_address" not in with_address.stderr
