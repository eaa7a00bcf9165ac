"""Score attributions against a fleet's ground truth: precision and recall of the restricted verdict."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["ClassScore", "Score", "load_truth", "score", "score_by_class"]


@dataclass
class Score:
    """Confusion counts of 'restricted: true' against the truth, and vendor agreement."""

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0
    vendor_right: int = 0
    vendor_known: int = 0
    missed_devices: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Share of devices called restricted that are restricted (1.0 when none were called)."""
        called = self.true_positive + self.false_positive
        return self.true_positive / called if called else 1.0

    @property
    def recall(self) -> float:
        """Share of restricted devices called restricted (1.0 when there were none)."""
        actual = self.true_positive + self.false_negative
        return self.true_positive / actual if actual else 1.0

    @property
    def vendor_accuracy(self) -> float:
        """Share of devices with a known maker whose vendor was named correctly."""
        return self.vendor_right / self.vendor_known if self.vendor_known else 1.0

    def summary(self) -> str:
        """One line for reports."""
        return (
            f"restricted precision {self.precision:.1%}, recall {self.recall:.1%} "
            f"(TP {self.true_positive}, FP {self.false_positive}, FN {self.false_negative}); "
            f"vendor named correctly for {self.vendor_right}/{self.vendor_known}"
        )


def load_truth(path: Path) -> dict[str, dict[str, Any]]:
    """Ground truth JSON Lines by address."""
    out: dict[str, dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out[str(row["address"])] = row
    return out


def score(truth: Mapping[str, Mapping[str, Any]], found: Iterable[tuple[str, bool | None, str | None]]) -> Score:
    """Compare (address, restricted verdict, vendor) per device with the truth; absent devices count as missed."""
    result = Score()
    seen: dict[str, tuple[bool | None, str | None]] = {address: (r, v) for address, r, v in found}
    for address, expected in truth.items():
        verdict, vendor = seen.get(address, (None, None))
        if address not in seen:
            result.missed_devices.append(address)
        actual = bool(expected.get("restricted"))
        called = verdict is True
        if actual and called:
            result.true_positive += 1
        elif called:
            result.false_positive += 1
            result.wrong.append(f"{address}: called restricted, truth {expected.get('persona')}")
        elif actual:
            result.false_negative += 1
            result.wrong.append(f"{address}: missed restricted {expected.get('persona')} ({verdict})")
        else:
            result.true_negative += 1
        if expected.get("vendor"):
            result.vendor_known += 1
            if vendor == expected.get("vendor"):
                result.vendor_right += 1
    return result


@dataclass
class ClassScore:
    """One persona class: how many devices, how many restricted, and what the tool made of them."""

    devices: int = 0
    restricted: int = 0
    maker_named: int = 0
    restricted_maker_named: int = 0
    restricted_called: int = 0
    false_claims: int = 0
    relabels: int = 0
    relabel_upstream_named: int = 0
    leads: int = 0


def score_by_class(
    truth: Mapping[str, Mapping[str, Any]], found: Iterable[tuple[str, bool | None, str | None, bool]]
) -> dict[str, ClassScore]:
    """Per persona class: (address, restricted verdict, vendor, is a lead) per device against the truth.

    A relabel is a device whose brand is not its maker's own (Annke, Lorex, EZVIZ...): naming the upstream
    maker is what the OEM-upstream recall counts.
    """
    seen = {address: (verdict, vendor, lead) for address, verdict, vendor, lead in found}
    out: dict[str, ClassScore] = {}
    for address, expected in truth.items():
        row = out.setdefault(str(expected.get("persona")), ClassScore())
        verdict, vendor, lead = seen.get(address, (None, None, False))
        row.devices += 1
        maker = expected.get("vendor")
        named = maker is not None and vendor == maker
        row.maker_named += named
        row.leads += bool(lead)
        if expected.get("restricted"):
            row.restricted += 1
            row.restricted_maker_named += named
            row.restricted_called += verdict is True
        elif verdict is True:
            row.false_claims += 1
        brand = expected.get("brand")
        if maker is not None and brand is not None and brand != f"{maker}-brand":
            row.relabels += 1
            row.relabel_upstream_named += named
    return out
