"""Enforcement lists of the devices that still need action: firewall sets, NAC groups, DNS RPZ, IDS rules, VMS."""

from covered.enforce.formats import FORMATS, ExportFormat, FormatInfo, render
from covered.enforce.selection import (
    ACTION_STATUSES,
    ExportFilter,
    ExportSet,
    SourceScan,
    Target,
    make_filter,
    select_targets,
)
from covered.enforce.writer import write_exports

__all__ = [
    "ACTION_STATUSES",
    "FORMATS",
    "ExportFilter",
    "ExportFormat",
    "ExportSet",
    "FormatInfo",
    "SourceScan",
    "Target",
    "make_filter",
    "render",
    "select_targets",
    "write_exports",
]
