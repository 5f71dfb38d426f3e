"""Values of a composed YAML document, built the way PyYAML's safe constructor builds them.

PyYAML's constructor is pure Python and, for a hand-written catalogue, spends most of its
time on strings, lists and mappings; those are built here directly, and everything else
is left to the constructor itself (see ``construct``). ``tests/test_yaml_fast.py``
compares the two on generated documents and every YAML file in the repository.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import BaseConstructor

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_VALUE = "tag:yaml.org,2002:value"
MERGE_TAG = "tag:yaml.org,2002:merge"


class _Unusual(Exception):
    """A node ``_build`` leaves to PyYAML's own constructor."""


def _build(node: yaml.Node, loader: BaseConstructor) -> Any:
    """The value of ``node``, as PyYAML's safe constructor builds it, for plain lists,
    mappings with scalar keys and scalars; each other scalar type goes through the
    constructor itself (numbers, booleans, dates), so no rule of YAML is redone here."""
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == _STR else loader.construct_object(node, deep=True)
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        return [_build(item, loader) for item in node.value]
    if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == MERGE_TAG:
                raise _Unusual
            # like SafeConstructor.flatten_mapping, a "=" key is the string "="
            key = (key_node.value if key_node.tag in (_STR, _VALUE)
                   else loader.construct_object(key_node, deep=True))
            out[key] = _build(value_node, loader)
        return out
    raise _Unusual


def construct(loader: BaseConstructor, node: yaml.Node) -> Any:
    """``loader.construct_document(node)``, three times faster on a hand-written file.

    Anything unusual (an explicit collection tag, a key that is a list, a value that
    cannot be built) is built again by PyYAML from a clean state, so its result or its
    error is exactly PyYAML's."""
    try:
        return _build(node, loader)
    except Exception:  # PyYAML decides, below
        loader.constructed_objects = {}
        loader.recursive_objects = {}
        loader.state_generators = []
        return loader.construct_document(node)
