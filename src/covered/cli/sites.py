"""`covered worker` and `covered scheduler`: site sensors and recurring scans of the distributed deployment."""

from __future__ import annotations
