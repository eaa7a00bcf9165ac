"""FCC grantee codes of covered companies (``registry/data/fcc_grantees.yml``) and FCC IDs found in item text."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from covered.model import Confirmation
from covered.registry.loader import load_records

__all__ = ["FCC_ID", "FccGrantee", "load_fcc_grantees"]

FCC_ID = re.compile(r"FCC\s*ID\s*[:#]?\s*(?P<id>[A-Z0-9]{3,5}-?[A-Z0-9][A-Z0-9-]{0,16})", re.IGNORECASE)
"""An FCC ID as printed on a label or datasheet ('FCC ID: 2ADTD-5604SD')."""


class FccGrantee(BaseModel):
    """A grantee code the FCC assigned to an applicant, tied to a tracked vendor, with its citation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[A-Z0-9]{3,5}$", description="Grantee code: the first 3 or 5 characters of FCC IDs.")
    grantee: str = Field(description="Applicant name as the FCC record gives it.")
    vendor: str = Field(description="Vendor id of the tracked company the grantee is or belongs to.")
    confirmation: Confirmation = Field(description="confirmed only where an FCC record naming the applicant was read.")
    source: str = Field(description="The FCC equipment-authorisation record cited (URL).")
    note: str | None = Field(default=None, description="What the record shows.")


def load_fcc_grantees(data_dir: Path) -> list[FccGrantee]:
    """The grantee codes shipped with the registry (empty when the file is absent)."""
    path = data_dir / "fcc_grantees.yml"
    return [located.record for located in load_records(path, FccGrantee)] if path.exists() else []
