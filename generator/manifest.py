"""manifest.json: what an edition folder holds, so anyone can check it is complete.

It lists the edition id, feature, reason, send time and every file with its sha256 and
size. It holds no build time, so rebuilding with the same inputs gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from generator.edition import Edition
from generator.outbox import MANIFEST

__all__ = ["MANIFEST", "make_manifest", "read_manifest", "sha256", "verify_folder"]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_manifest(edition: Edition, files: Mapping[str, bytes], warnings: list[str]) -> bytes:
    """Serialize the manifest deterministically (sorted keys, fixed indent)."""
    body: dict[str, Any] = {
        "edition": edition.id,
        "locale": edition.locale,
        "send_at": edition.send_at.isoformat(),
        "feature": {"kind": edition.kind, "id": edition.feature_id, "title": edition.headline},
        "reason": edition.reason,
        "generator": edition.generator,
        "files": [
            {"path": rel, "sha256": sha256(data), "size": len(data)}
            for rel, data in sorted(files.items())
        ],
        "warnings": sorted(warnings),
    }
    return (json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def read_manifest(folder: Path) -> dict[str, Any]:
    """``folder``'s manifest, checked for the fields the ledger is rebuilt from.

    Raises ``OSError`` if it cannot be read and ``ValueError`` saying what is wrong with
    it (truncated, not an object, a field missing), so a damaged manifest is named, never
    taken for a missing edition.
    """
    data = (folder / MANIFEST).read_bytes()
    try:
        body = json.loads(data)
    except ValueError as exc:
        raise ValueError(f"not JSON ({exc})" if data.strip() else "empty") from None
    if not isinstance(body, dict):
        raise ValueError(f"a JSON {type(body).__name__} where an object belongs")
    feature = body.get("feature")
    if not isinstance(feature, dict) or feature.get("kind") not in ("film", "theme"):
        raise ValueError("no feature kind (film or theme)")
    for where, key in ((feature, "id"), (body, "reason"), (body, "send_at")):
        if not isinstance(where.get(key), str):
            raise ValueError(f"no {key}")
    entries = body.get("files")
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("path"), str)
            and isinstance(e.get("sha256"), str) and isinstance(e.get("size"), int)
            for e in entries):
        raise ValueError("no list of files")
    return body


def verify_folder(folder: Path) -> list[str]:
    """Problems with an edition folder (missing, extra or changed files); empty if whole."""
    try:
        manifest = read_manifest(folder)
    except (OSError, ValueError) as exc:
        return [f"{folder.name}: unreadable manifest ({exc})"]
    problems = []
    listed = {entry["path"]: entry for entry in manifest["files"]}
    present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} - {MANIFEST}
    for rel in sorted(present - set(listed)):
        problems.append(f"{folder.name}/{rel}: not in the manifest")
    for rel, entry in sorted(listed.items()):
        path = folder / rel
        if not path.is_file():
            problems.append(f"{folder.name}/{rel}: missing")
            continue
        data = path.read_bytes()
        if len(data) != entry["size"] or sha256(data) != entry["sha256"]:
            problems.append(f"{folder.name}/{rel}: does not match its manifest entry")
    return problems
