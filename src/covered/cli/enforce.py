"""`covered export`: lists for the firewall, the NAC, DNS, IDS and VMS of the devices that still need action."""

from __future__ import annotations
