"""YAML read strictly, for the files a user edits: plain data only, each problem one line with its line number.

Refused: a key given twice in one mapping (YAML keeps the later one silently), anchors and aliases (a few
lines of aliases can expand to gigabytes), tags, and bytes that are not UTF-8.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys, anchors, aliases and explicit tags."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(problem="anchors and aliases are not allowed", problem_mark=event.start_mark)
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):
            raise yaml.MarkedYAMLError(problem=f"the tag {tag} is not allowed", problem_mark=event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.MarkedYAMLError(problem=f"the key '{key}' is given twice", problem_mark=key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def parse(text: str, source: str, remedy: str = "fix it in the file") -> Any:
    """The data `text` holds; a problem is one line naming `source` and the line."""
    try:
        return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - StrictLoader is a SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f", line {mark.line + 1}" if mark else ""
        problem = error.problem or error.context or "not valid YAML"
        raise ConfigError(f"{source}{where}: {problem}; {remedy}") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{source}: not valid YAML ({error}); {remedy}") from None


def read(path: Path) -> Any:
    """The data the YAML file `path` holds, read strictly (see `parse`)."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: byte {error.start} is not UTF-8 text; save the file as UTF-8") from None
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror or error}") from None
    return parse(text, str(path))
