"""A user's profile YAML checked beyond its shape: site networks are CIDRs, jurisdictions are ISO 3166 codes."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from pathlib import Path

import yaml

from covered.errors import DataError
from covered.model import Profile
from covered.registry.jurisdictions import is_known

__all__ = ["check_profile_file"]


def _entries(path: Path, key: str) -> Iterator[tuple[str, int | None]]:
    """Scalars listed under `key` of the profile (and of its sites), each with its 1-based line."""
    root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.SequenceNode) or not root.value:
        return
    stack: list[yaml.Node] = [root.value[0]]
    while stack:
        node = stack.pop()
        if not isinstance(node, yaml.MappingNode):
            continue
        for key_node, value_node in node.value:
            if key_node.value == "sites" and isinstance(value_node, yaml.SequenceNode):
                stack.extend(value_node.value)
            elif key_node.value == key and isinstance(value_node, yaml.SequenceNode):
                for item in value_node.value:
                    yield str(item.value), item.start_mark.line + 1


def _line(path: Path, key: str, value: str) -> int | None:
    return next((line for text, line in _entries(path, key) if text == value), None)


def check_profile_file(path: Path, profile: Profile) -> Profile:
    """The profile read from `path`, or DataError at the line of a bad network or unknown jurisdiction."""
    for code in profile.jurisdictions:
        if not is_known(code):
            raise DataError(
                path,
                _line(path, "jurisdictions", code),
                f"jurisdiction {code!r} is not an ISO 3166 code (e.g. US, GB, GB-SCT, US-NV) or EU/INT",
            )
    for site in profile.sites:
        for network in site.networks:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError as exc:
                raise DataError(path, _line(path, "networks", network), f"site {site.id}: {exc}") from None
    return profile
