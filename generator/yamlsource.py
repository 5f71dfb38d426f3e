"""Read a YAML file and remember the line of every value.

Validation errors name a path (``films[3].year``); this module turns that path back
into a line number so every message can say ``file:line``. It also catches what PyYAML
lets through silently: duplicate keys, and files that are not UTF-8.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import Problem

try:  # the C loader is several times faster; fall back when libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

PathKey = tuple[str | int, ...]


@dataclass
class YamlDoc:
    """A parsed YAML document and the line (1-based) of each value in it."""

    name: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, path: PathKey) -> int:
        """The line of the deepest known node on ``path`` (1 if nothing matches)."""
        for cut in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:cut]))
            if line is not None:
                return line
        return 1


def _walk(node: yaml.Node, path: PathKey, doc: YamlDoc) -> None:
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                doc.problems.append(
                    Problem(
                        doc.name,
                        line,
                        format_path((*path, key)),
                        f"duplicate key (first defined on line {seen[key]})",
                    )
                )
                continue
            seen[key] = line
            doc.lines[(*path, key)] = line
            _walk(value_node, (*path, key), doc)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), doc)


def format_path(path: PathKey) -> str:
    """``("films", 3, "year")`` -> ``films[3].year``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def load_yaml(path: Path, display_name: str | None = None) -> YamlDoc:
    """Parse ``path``; problems (unreadable, not UTF-8, bad syntax) are collected, not raised."""
    name = display_name or str(path)
    doc = YamlDoc(name=name, data=None)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        doc.problems.append(Problem(name, 0, "", "file not found"))
        return doc
    except OSError as exc:
        doc.problems.append(Problem(name, 0, "", f"cannot read file: {exc.strerror}"))
        return doc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        doc.problems.append(
            Problem(
                name,
                line,
                "",
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                "save the file as UTF-8",
            )
        )
        return doc
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        doc.problems.append(Problem(name, line, "", "contains a NUL character"))
        return doc
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            doc.problems.append(Problem(name, 1, "", "file is empty"))
            return doc
        _walk(node, (), doc)
        doc.data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = exc.problem or "syntax error"
        doc.problems.append(Problem(name, line, "", f"YAML syntax error: {what}"))
    except yaml.reader.ReaderError as exc:
        # A character YAML forbids (a control character, say). libyaml reports a byte
        # offset, PyYAML a character offset, so locate the character itself.
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1])
        at = text.find(chr(code))
        line = text[:at].count("\n") + 1 if at >= 0 else 1
        doc.problems.append(
            Problem(name, line, "", f"character U+{code:04X} is not allowed in YAML; remove it")
        )
    except yaml.YAMLError as exc:  # messages may span lines; a problem is one line
        doc.problems.append(Problem(name, 1, "", f"YAML error: {' '.join(str(exc).split())}"))
    except (ValueError, TypeError, RecursionError) as exc:
        what = " ".join(str(exc).split())
        doc.problems.append(Problem(name, 1, "", f"YAML could not be read: {what}"))
    finally:
        loader.dispose()
    return doc
