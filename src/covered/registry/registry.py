"""The loaded registry: every curated record by id, where it came from, and the lookups built on them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from covered.errors import DataError
from covered.model import Actor, Brand, Corroboration, Event, Fact, Rule, Source, Vendor
from covered.registry.loader import Located, default_data_dir, load_records, overlay_base

if TYPE_CHECKING:
    from covered.model import CloudEndpoint, EnterpriseRegistrant, OuiRegistrant, PortHint, Profile, Vulnerability
    from covered.registry.query import EventIndex
    from covered.registry.search import SearchIndex
    from covered.registry.signatures import SignatureRecords

__all__ = ["KINDS", "Registry", "load_registry"]

KINDS: dict[str, type[BaseModel]] = {
    "vendor": Vendor,
    "brand": Brand,
    "actor": Actor,
    "source": Source,
    "event": Event,
    "fact": Fact,
    "rule": Rule,
}
"""Record kinds with ids, in the order they are loaded and looked up."""

# Where each kind lives under the data folder: a single file or a folder of files.
_LAYOUT: dict[str, str] = {
    "vendor": "vendors.yml",
    "brand": "brands.yml",
    "actor": "actors",
    "source": "sources",
    "event": "events",
    "fact": "facts",
    "rule": "rules.yml",
}

STALE_AFTER = dt.timedelta(days=365)
"""A listing warns when the newest source it rests on is older than this."""


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass
class Registry:
    """All curated records, indexed by kind and id, with their file locations."""

    data_dir: Path
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    locations: dict[tuple[str, str], tuple[Path, int]] = field(default_factory=dict)
    corroborations: list[Located[Corroboration]] = field(default_factory=list)
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """What higher layers build from these records once and keep with them (the compiled matcher, the identifier)."""
    overlay: Path | None = None
    """The user's overlay folder loaded on top of ``data_dir`` (the shipped data); None without one."""

    # --- typed views -----------------------------------------------------------------
    @property
    def vendors(self) -> dict[str, Vendor]:
        """Vendors by id."""
        return self.records["vendor"]

    @property
    def brands(self) -> dict[str, Brand]:
        """Brands by id."""
        return self.records["brand"]

    @property
    def actors(self) -> dict[str, Actor]:
        """Actors by id."""
        return self.records["actor"]

    @property
    def sources(self) -> dict[str, Source]:
        """Sources by id."""
        return self.records["source"]

    @property
    def events(self) -> dict[str, Event]:
        """Events by id."""
        return self.records["event"]

    @property
    def facts(self) -> dict[str, Fact]:
        """Facts by id."""
        return self.records["fact"]

    @property
    def rules(self) -> dict[str, Rule]:
        """Rules by id."""
        return self.records["rule"]

    # --- lookups ---------------------------------------------------------------------
    def where(self, kind: str, record_id: str) -> str:
        """'file:line' of a record, relative to the data folder."""
        if kind == "signature":
            path, line = self.signatures.locations[record_id]
            return f"{self._relative(path)}:{line}"
        path, line = self.locations[(kind, record_id)]
        return f"{self._relative(path)}:{line}"

    def _relative(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.data_dir))
        except ValueError:
            return str(path)

    def find(self, record_id: str) -> tuple[str, Any] | None:
        """The kind and record with this id, searching every kind; None if absent."""
        for kind in KINDS:
            record = self.records[kind].get(record_id)
            if record is not None:
                return kind, record
        signature = self.signatures.by_id.get(record_id)
        if signature is not None:
            return "signature", signature
        return None

    @cached_property
    def _vendor_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for vendor in self.vendors.values():
            for name in (vendor.id, vendor.name, *vendor.legal_names, *vendor.aliases):
                names.setdefault(_fold(name), vendor.id)
        return names

    def vendor_id(self, name: str) -> str | None:
        """Vendor id for an id, common name, legal name or alias (case-insensitive); None if unknown."""
        return self._vendor_names.get(_fold(name))

    def actor_chain(self, actor_id: str) -> list[Actor]:
        """The actor and its parents up to the root (UK > Scotland > City of Edinburgh, reversed)."""
        chain: list[Actor] = []
        seen: set[str] = set()
        current: str | None = actor_id
        while current is not None and current not in seen:
            seen.add(current)
            actor = self.actors[current]
            chain.append(actor)
            current = actor.parent
        return chain

    @cached_property
    def _children(self) -> dict[str, list[str]]:
        children: dict[str, list[str]] = defaultdict(list)
        for actor in self.actors.values():
            if actor.parent is not None:
                children[actor.parent].append(actor.id)
        return children

    def descendants(self, actor_id: str) -> set[str]:
        """The actor and every body below it."""
        out = {actor_id}
        stack = [actor_id]
        while stack:
            for child in self._children.get(stack.pop(), []):
                if child not in out:
                    out.add(child)
                    stack.append(child)
        return out

    @cached_property
    def corroborations_by_record(self) -> dict[str, list[Corroboration]]:
        """Further passages per event or fact id."""
        out: dict[str, list[Corroboration]] = defaultdict(list)
        for located in self.corroborations:
            out[located.record.record].append(located.record)
        return out

    def text(self, source_id: str) -> str | None:
        """Full text of a shipped source; None for external sources."""
        source = self.sources[source_id]
        if source.file is None:
            return None
        return self._texts(source.file)

    def _texts(self, file: str) -> str:
        cache: dict[str, str] = self.__dict__.setdefault("_text_cache", {})
        if file not in cache:
            cache[file] = self.text_path(file).read_text(encoding="utf-8")
        return cache[file]

    def text_path(self, file: str) -> Path:
        """Where a source's text file is: the user's overlay folder first, then the shipped data."""
        if self.overlay is not None and (self.overlay / "texts" / file).is_file():
            return self.overlay / "texts" / file
        return self.data_dir / "texts" / file

    def freshness(self, source_ids: Iterable[str], today: dt.date | None = None) -> tuple[dt.date | None, bool]:
        """Newest as-of date among these sources and whether it is more than a year old."""
        dates = [self.sources[s].as_of for s in set(source_ids) if s in self.sources]
        if not dates:
            return None, False
        newest = max(dates)
        return newest, (today or dt.date.today()) - newest > STALE_AFTER

    # --- derived indexes ---------------------------------------------------------------
    @cached_property
    def event_index(self) -> EventIndex:
        """Filter index over events (built on first use)."""
        from covered.registry.query import EventIndex

        return EventIndex(self)

    @cached_property
    def signatures(self) -> SignatureRecords:
        """Device signature records from ``signatures/**/*.yml`` (loaded on first use; identify compiles them)."""
        from covered.registry.signatures import load_signature_records

        return load_signature_records(self.data_dir / "signatures")

    @cached_property
    def oui_registrants(self) -> list[Located[OuiRegistrant]]:
        """IEEE registrants that map exactly to a vendor (``oui_registrants.yml``)."""
        from covered.model import OuiRegistrant

        path = self.data_dir / "oui_registrants.yml"
        return list(load_records(path, OuiRegistrant)) if path.exists() else []

    @cached_property
    def profiles(self) -> dict[str, Located[Profile]]:
        """Built-in organisation profiles (``profiles.yml``)."""
        from covered.model import Profile

        return self._load_by_id("profiles.yml", Profile)

    @cached_property
    def vulnerabilities(self) -> dict[str, Located[Vulnerability]]:
        """Known-exploited vulnerabilities (``vulnerabilities.yml``)."""
        from covered.model import Vulnerability

        return self._load_by_id("vulnerabilities.yml", Vulnerability)

    def _load_by_id(self, name: str, model: type[Any]) -> dict[str, Any]:
        path = self.data_dir / name
        out: dict[str, Any] = {}
        for located in load_records(path, model) if path.exists() else []:
            if located.record.id in out:
                raise DataError(path, located.line, f"duplicate id {located.record.id!r}")
            out[located.record.id] = located
        return out

    @cached_property
    def cloud_endpoints(self) -> list[CloudEndpoint]:
        """Vendor cloud and P2P endpoints (``cloud_endpoints.yml``)."""
        from covered.model import CloudEndpoint

        path = self.data_dir / "cloud_endpoints.yml"
        return [located.record for located in load_records(path, CloudEndpoint)] if path.exists() else []

    @cached_property
    def port_hints(self) -> list[Located[PortHint]]:
        """Ports some vendor's devices listen on, for leads (``port_hints.yml``)."""
        from covered.model import PortHint

        path = self.data_dir / "port_hints.yml"
        return list(load_records(path, PortHint)) if path.exists() else []

    @cached_property
    def enterprises(self) -> list[Located[EnterpriseRegistrant]]:
        """IANA private enterprise numbers of the tracked makers (``enterprises.yml``)."""
        from covered.model import EnterpriseRegistrant

        path = self.data_dir / "enterprises.yml"
        return list(load_records(path, EnterpriseRegistrant)) if path.exists() else []

    @cached_property
    def search_index(self) -> SearchIndex:
        """Full-text index over events, facts, brands and rules (built on first use)."""
        from covered.registry.search import SearchIndex

        return SearchIndex(self)


def _files(data_dir: Path, place: str) -> list[Path]:
    target = data_dir / place
    if target.is_dir():
        return sorted(target.glob("*.yml"))
    return [target] if target.exists() else []


def load_registry(data_dir: Path | str | None = None, *, check_references: bool = True) -> Registry:
    """Load and validate every record; raise DataError naming the file and line of the first problem."""
    root = Path(data_dir) if data_dir is not None else default_data_dir()
    if not root.is_dir():
        raise DataError(root, None, "registry data folder not found")
    base = overlay_base(root)
    # A user overlay loads on top of the shipped data; its records may not reuse a shipped id.
    folders = [base, root] if base is not None else [root]
    registry = Registry(data_dir=base or root, overlay=root if base is not None else None)
    for kind, model in KINDS.items():
        bucket: dict[str, Any] = {}
        for path in (path for folder in folders for path in _files(folder, _LAYOUT[kind])):
            for located in load_records(path, model):
                record_id = located.record.id  # type: ignore[attr-defined]
                if record_id in bucket:
                    first_path, first_line = registry.locations[(kind, record_id)]
                    raise DataError(
                        path,
                        located.line,
                        f"duplicate {kind} id {record_id!r} (first at {registry._relative(first_path)}:{first_line})",
                    )
                bucket[record_id] = located.record
                registry.locations[(kind, record_id)] = (located.path, located.line)
        registry.records[kind] = bucket
    for path in (path for folder in folders for path in _files(folder, "corroborations")):
        registry.corroborations.extend(load_records(path, Corroboration))
    if not registry.records.get("vendor"):
        # An empty folder would pass every check and list nothing: it is not a registry.
        raise DataError(root, None, "no vendor records: not a registry data folder (see covered registry check)")
    if check_references:
        from covered.registry.check import reference_problems

        for problem in reference_problems(registry):
            raise problem.as_error()
    return registry
