"""Read a YAML file and remember the line of every value.

Validation errors name a path (``films[3].year``); this module turns that path back
into a line number so every message can say ``file:line``. It also catches what PyYAML
lets through silently: duplicate keys, files that are not UTF-8, and dates that do not
exist (reported at their own line, not as a failure of the whole file).

Input files are hand-written settings and catalogue entries, so two YAML features they
never need are refused before anything is built from the file: anchors, aliases and
merge keys (a 600-byte "billion laughs" file of nested aliases expands to gigabytes),
and files over ``MAX_BYTES`` or ``MAX_NODES``.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from generator.errors import Problem
from generator.yamlvalues import MERGE_TAG, construct

try:  # the C loader is several times faster; fall back when libyaml is missing
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

PathKey = tuple[str | int, ...]

MAX_BYTES = 5_000_000
"""Largest input file read (5 MB); the bundled catalogue's largest file is under 100 kB."""
MAX_NODES = 100_000
"""Most values (scalars, lists, mappings) in one file: about 1,200 films' worth, forty
times the bundled catalogue's largest file. It bounds the work a dense file can cause
(``- {id: a}`` repeated is three values and eleven problems an entry)."""
MAX_REPORTED = 10
"""Lines with anchors or aliases named one by one before the rest are only counted."""

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_DATES = SafeConstructor()


class _Loader(_BaseLoader):
    """The safe loader, except that a date that does not exist (2023-02-30) is kept as
    its text: ``_walk`` has already reported it at its own line."""


def _date_or_text(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_Loader.add_constructor(_TIMESTAMP, _date_or_text)


@dataclass
class YamlDoc:
    """A parsed YAML document and the line (1-based) of each value in it."""

    name: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    source_lines: list[str] = field(default_factory=list)
    """The file's text by line, to place a character inside a multi-line value."""
    reported: dict[PathKey, Problem] = field(default_factory=dict)
    """Values already reported (an impossible date), also listed in ``problems``: the rest
    of the file is still checked, but not these values again. Any other problem makes the
    file unreadable and leaves ``data`` as None."""

    def already_reported(self, path: PathKey) -> bool:
        """Whether ``path`` is, or lies inside, a value that was already reported."""
        return any(path[: len(done)] == done for done in self.reported)

    def line_of_char(self, path: PathKey, char: str) -> int:
        """The line of the first ``char`` at or after where ``path``'s value starts: a
        folded or literal block holds many lines, and the reader wants the one to fix."""
        start = self.line_of(path)
        for number, text in enumerate(self.source_lines[start - 1:], start):
            if char in text:
                return number
        return start

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
    elif isinstance(node, yaml.ScalarNode) and node.tag == _TIMESTAMP:
        try:
            _DATES.construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            doc.reported[path] = Problem(doc.name, node.start_mark.line + 1, format_path(path),
                                         f"{node.value} is not a real date ({exc})")


@dataclass
class _Frame:
    """A mapping or sequence being read: its path and where in it the parser is."""

    path: PathKey
    is_map: bool
    at: str | int = 0
    """The current key of a mapping, or the index of the next item of a sequence."""
    key_next: bool = True
    """In a mapping, whether the next node is a key (rather than its value)."""


class _Position:
    """The path of the node the parser is at, kept up to date event by event."""

    def __init__(self) -> None:
        self.frames: list[_Frame] = []

    def here(self) -> tuple[PathKey, bool]:
        """The path of the next node, and whether it is a mapping key."""
        if not self.frames:
            return (), False
        top = self.frames[-1]
        if top.is_map and top.key_next:
            return top.path, True
        return (*top.path, top.at), False

    def enter(self, is_map: bool) -> None:
        self.frames.append(_Frame(self.here()[0], is_map))

    def leave(self) -> None:
        self.frames.pop()
        self.done(None)

    def done(self, event: yaml.Event | None) -> None:
        """A node (a scalar, an alias, or a whole mapping or sequence) was read."""
        if not self.frames:
            return
        top = self.frames[-1]
        if not top.is_map:
            top.at = int(top.at) + 1
        elif top.key_next:
            top.at = str(event.value) if isinstance(event, yaml.ScalarEvent) else "?"
            top.key_next = False
        else:
            top.key_next = True


def _refused_construct(event: yaml.Event, is_key: bool) -> str | None:
    if isinstance(event, yaml.AliasEvent):
        return f"YAML alias *{event.anchor} is not allowed; write the value out in full"
    anchor = getattr(event, "anchor", None)
    if anchor is not None:
        return f"YAML anchor &{anchor} is not allowed; write the value out in full"
    if getattr(event, "tag", None) == MERGE_TAG or (
        is_key and isinstance(event, yaml.ScalarEvent) and event.value == "<<"
        and event.implicit[0] and event.tag is None
    ):
        return "YAML merge key << is not allowed; write the keys out in full"
    return None


def _plain(text: str) -> bool:
    """Whether the file certainly holds nothing ``_scan`` reports: no anchor, alias or
    merge key and at most ``MAX_NODES`` values. One pass over the parser's events that
    keeps no path; anything suspicious (even ``<<`` as a value) leaves the verdict to
    ``_scan``, so its messages stay exactly what they are."""
    nodes = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.NodeEvent):
            nodes += 1
            if (nodes > MAX_NODES or event.anchor is not None
                    or getattr(event, "tag", None) == MERGE_TAG
                    or getattr(event, "value", None) == "<<"):
                return False
    return True


def _scan(text: str, doc: YamlDoc) -> None:
    """Report, from the parser's events and before any node is built (so nothing is
    expanded), what a hand-written file never needs: anchors, aliases and merge keys
    (one problem a line), and more than ``MAX_NODES`` values."""
    position = _Position()
    lines: list[tuple[int, PathKey, str]] = []
    seen: set[int] = set()
    nodes = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            position.leave()
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue
        nodes += 1
        if nodes > MAX_NODES:
            line = event.start_mark.line + 1 if event.start_mark else 1
            doc.problems.append(Problem(
                doc.name, line, "", f"more than {MAX_NODES:,} values; a hand-written "
                "setting or catalogue file is far smaller"))
            break
        path, is_key = position.here()
        refused = _refused_construct(event, is_key)
        line = event.start_mark.line + 1 if event.start_mark else 1
        if refused is not None and line not in seen:
            seen.add(line)
            lines.append((line, path, refused))
        if isinstance(event, yaml.CollectionStartEvent):
            position.enter(isinstance(event, yaml.MappingStartEvent))
        else:
            position.done(event)
    for line, path, message in lines[:MAX_REPORTED]:
        doc.problems.append(Problem(doc.name, line, format_path(path), message))
    if len(lines) > MAX_REPORTED:
        line = lines[MAX_REPORTED][0]
        more = len(lines) - MAX_REPORTED
        message = f"{more} more line(s) from here on use YAML anchors or aliases"
        doc.problems.append(Problem(doc.name, line, "", message))


def format_path(path: PathKey) -> str:
    """``("films", 3, "year")`` -> ``films[3].year``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def display_path(path: Path) -> str:
    """``path`` as messages name it: relative to the working folder when it lies inside."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


_MEMO: OrderedDict[tuple[str, bytes], YamlDoc] = OrderedDict()
_MEMO_SIZE = 32
_MEMO_BYTES = 1_000_000
"""Documents already parsed in this process, keyed by display name and the file's bytes:
a build reads each catalogue file twice (to validate it, then to place the guard's
findings), and a long-running process sees an edited file as new at once."""


def load_yaml(path: Path, display_name: str | None = None) -> YamlDoc:
    """Parse ``path``; problems (unreadable, not UTF-8, bad syntax) are collected, not raised.

    The same bytes under the same name give the same ``YamlDoc`` object: callers read
    it and never change it."""
    name = display_name or str(path)
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return YamlDoc(name, None, problems=[Problem(name, 0, "", "file not found")])
    except OSError as exc:
        return YamlDoc(name, None,
                       problems=[Problem(name, 0, "", f"cannot read file: {exc.strerror}")])
    key = (name, raw)
    doc = _MEMO.get(key)
    if doc is None:
        doc = _parse(name, raw)
        if len(raw) <= _MEMO_BYTES:
            _MEMO[key] = doc
            if len(_MEMO) > _MEMO_SIZE:
                _MEMO.popitem(last=False)
    else:
        _MEMO.move_to_end(key)
    return doc


def _parse(name: str, raw: bytes) -> YamlDoc:
    doc = YamlDoc(name=name, data=None)
    if len(raw) > MAX_BYTES:
        doc.problems.append(
            Problem(name, 1, "", f"file is larger than {MAX_BYTES // 1_000_000} MB; "
                    "an input file this large is not a hand-written setting or catalogue")
        )
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
    doc.source_lines = text.splitlines()
    loader = _Loader(text)
    try:
        if not _plain(text):
            _scan(text, doc)
        if doc.problems:
            return doc
        node = loader.get_single_node()
        if node is None:
            doc.problems.append(Problem(name, 1, "", "file is empty"))
            return doc
        _walk(node, (), doc)
        if not doc.problems:  # impossible dates are in doc.reported, not yet in problems
            doc.data = construct(loader, node)
        doc.problems.extend(doc.reported.values())
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
