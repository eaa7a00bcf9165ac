"""`covered check`: line items of a quote, bill of materials or purchase order checked against the rules."""

from __future__ import annotations
