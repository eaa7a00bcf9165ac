"""Reports: terminal tables, JSON Lines and CSV views of registry and device records."""
