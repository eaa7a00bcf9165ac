"""Collectors: inventory and nmap importers (active probes and capture readers follow)."""

from covered.collect.inventory import INVENTORY_FIELDS, ImportResult, import_file, parse_mapping

__all__ = ["INVENTORY_FIELDS", "ImportResult", "import_file", "parse_mapping"]
