"""Reading scenario files: YAML (or JSON, which YAML reads too) with the line of every value."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from oversight.rules.composition.facts import Register
from oversight.rules.composition.scenario import Problem, ScenarioError, parse_scenario


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only ``true`` and ``false`` (so a key named ``on`` stays ``on``)."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _lines(node: Node, path: str, out: dict[str, int]) -> None:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            where = f"{path}.{key.value}" if path else str(key.value)
            out[where] = key.start_mark.line + 1
            _lines(value, where, out)
    elif isinstance(node, SequenceNode):
        for i, value in enumerate(node.value):
            where = f"{path}[{i}]"
            out[where] = value.start_mark.line + 1
            _lines(value, where, out)


def read_scenario(text: str) -> Register:
    """The register a scenario document describes, or ``ScenarioError`` with locations."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(
            [Problem("(document)", f"not valid YAML or JSON: {reason}", line)]
        ) from None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    if node is not None:
        _lines(node, "", lines)
    return parse_scenario(data, lines)


def read_scenario_file(path: Path) -> Register:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(
            [Problem(str(path), f"cannot read the file: {exc}")]
        ) from None
    return read_scenario(text)
