"""Load the curated YAML records, keeping the file and line of every record and field.

Files are top-level YAML lists, one record per item. Errors name the file and the line of the
offending field: a malformed file is a :class:`~covered.errors.DataError`, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from covered.errors import DataError

__all__ = ["OVERLAY_MARKER", "Located", "default_data_dir", "load_records", "overlay_base"]

M = TypeVar("M", bound=BaseModel)

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def default_data_dir() -> Path:
    """The registry data shipped inside the package."""
    return Path(__file__).parent / "data"


OVERLAY_MARKER = "overlay.yml"
"""A file in a user's registry folder saying it holds additions over the shipped data, not a whole registry."""


def overlay_base(folder: Path) -> Path | None:
    """The shipped data folder when ``folder`` is a user overlay (it holds :data:`OVERLAY_MARKER`), else None.

    An overlay holds only the user's own records (accepted from ``covered review``: actors, sources, events,
    facts, corroborations and their texts); they load on top of the shipped registry and stay in their own
    folder, so an upgrade of covered never touches them.
    """
    if (folder / OVERLAY_MARKER).is_file() and folder.resolve() != default_data_dir().resolve():
        return default_data_dir()
    return None


@dataclass(frozen=True, slots=True)
class Located(Generic[M]):
    """A validated record with the file and line it came from."""

    record: M
    path: Path
    line: int


def _compose(path: Path) -> yaml.Node | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise DataError(path, line, f"YAML syntax: {exc.problem or exc.context}") from None
    finally:
        loader.dispose()


def _construct(node: yaml.Node, path: Path) -> Any:
    """Build plain Python values from a node, refusing duplicate mapping keys (YAML silently keeps the last)."""
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _construct(key_node, path)
            if key in out:
                raise DataError(path, key_node.start_mark.line + 1, f"duplicate key {key!r}")
            out[key] = _construct(value_node, path)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, path) for item in node.value]
    loader = _Loader("")
    try:
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        raise DataError(path, node.start_mark.line + 1, f"YAML value: {exc.problem}") from None
    finally:
        loader.dispose()


def _line_of(node: yaml.Node, loc: tuple[int | str, ...]) -> int:
    """Line of the deepest node along a pydantic error location that exists in the YAML."""
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            child = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
    return node.start_mark.line + 1


def _describe(error: Any) -> str:
    loc = ".".join(str(p) for p in error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown field"
    elif error["type"] == "enum" and "expected" in error.get("ctx", {}):
        message = f"unknown value {error['input']!r}; expected {error['ctx']['expected']}"
    return f"{loc}: {message}" if loc else message


def load_records(path: Path, model: type[M]) -> Iterator[Located[M]]:
    """Yield every record of one YAML list file, validated against ``model``."""
    root = _compose(path)
    if root is None:
        return
    if not isinstance(root, yaml.SequenceNode):
        raise DataError(path, root.start_mark.line + 1, f"expected a YAML list of {model.__name__} records")
    for item in root.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            raise DataError(path, line, f"expected a {model.__name__} mapping")
        raw = _construct(item, path)
        try:
            record = model.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise DataError(path, _line_of(item, first["loc"]), f"{model.__name__}: {_describe(first)}") from None
        yield Located(record, path, line)
