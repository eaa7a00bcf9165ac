"""Signature records as data: load and validate ``signatures/**/<channel>_<field>.yml``; identify compiles them.

The registry only reads and checks the records (unique ids, each in its own field's file, with its file and line);
``covered.identify`` builds the matcher from them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from covered.errors import DataError
from covered.model import Signature
from covered.registry.loader import load_records

__all__ = ["SignatureRecords", "load_signature_records", "signature_file_name"]


@dataclass(frozen=True)
class SignatureRecords:
    """Every signature by id and by channel/field, in file order, with the file and line each came from."""

    by_id: dict[str, Signature]
    locations: dict[str, tuple[Path, int]]
    by_field: dict[tuple[str, str], list[Signature]]

    def __len__(self) -> int:
        return len(self.by_id)


def signature_file_name(signature: Signature) -> str:
    """The file a signature belongs in: ``<channel>_<field>.yml``, dashes in the field as underscores."""
    return f"{signature.channel.value}_{signature.field.replace('-', '_')}.yml"


def load_signature_records(folder: Path) -> SignatureRecords:
    """Load every ``<channel>_<field>.yml`` under the folder and its sub-folders; ids are unique across files."""
    by_id: dict[str, Signature] = {}
    locations: dict[str, tuple[Path, int]] = {}
    by_field: dict[tuple[str, str], list[Signature]] = defaultdict(list)
    # Curated files sit in the folder itself; each imported corpus writes its own sub-folder.
    for path in sorted(folder.rglob("*.yml")) if folder.is_dir() else []:
        for item in load_records(path, Signature):
            signature = item.record
            if signature.id in by_id:
                first = locations[signature.id]
                raise DataError(
                    path, item.line, f"duplicate signature id {signature.id!r} (first at {first[0].name}:{first[1]})"
                )
            if path.name != signature_file_name(signature):
                raise DataError(
                    path,
                    item.line,
                    f"{signature.channel.value}/{signature.field} belongs in {signature_file_name(signature)}",
                )
            by_id[signature.id] = signature
            locations[signature.id] = (item.path, item.line)
            by_field[(signature.channel.value, signature.field)].append(signature)
    return SignatureRecords(by_id=by_id, locations=locations, by_field=dict(by_field))
