"""`covered capture`: devices found and identified from packet captures, Zeek logs or a live interface."""

from __future__ import annotations
