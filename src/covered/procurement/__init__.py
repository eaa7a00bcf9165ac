"""Line items of a quote, bill of materials or purchase order checked against brands, model numbers and rules."""

from covered.procurement.check import ItemVerdict, check_items
from covered.procurement.fcc import FccGrantee, load_fcc_grantees
from covered.procurement.line_items import LineItem, item_from_text, read_line_items

__all__ = [
    "FccGrantee",
    "ItemVerdict",
    "LineItem",
    "check_items",
    "item_from_text",
    "load_fcc_grantees",
    "read_line_items",
]
