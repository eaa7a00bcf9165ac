"""Enforcement lists of the devices that still need action: firewall sets, NAC groups, DNS RPZ, IDS rules, VMS."""
