"""Resolve the maker names corpora write ("HIKVISION", "Zhejiang Dahua", "Huawei Technologies") to registry ids."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from covered.identify.names import normalise_name
from covered.model import Brand, Relationship, SignatureClaim, Vendor

__all__ = ["Maker", "VendorNames", "normalise_name"]

_FIRM = {
    Relationship.OWN_BRAND,
    Relationship.SUBSIDIARY_BRAND,
    Relationship.SUBSIDIARY,
    Relationship.JOINT_VENTURE_OEM,
    Relationship.SUBSIDIARY_COMPONENT_SUPPLIER,
}


@dataclass(frozen=True, slots=True)
class Maker:
    """A resolved maker: vendor id, brand id, and the claim a maker-specific string may make."""

    vendor: str | None
    brand: str | None
    claim: SignatureClaim
    name: str


@dataclass
class VendorNames:
    """Names, legal names, aliases and brand names of the registry, resolvable from corpus text."""

    vendors: dict[str, Vendor]
    brands: dict[str, Brand]

    def __post_init__(self) -> None:
        self._names: dict[str, Maker] = {}
        for brand in sorted(self.brands.values(), key=lambda b: b.id):
            for name in (brand.name, *brand.aliases):
                self._names.setdefault(normalise_name(name), self._brand_maker(brand))
        for vendor in sorted(self.vendors.values(), key=lambda v: v.id):
            maker = self._vendor_maker(vendor)
            for name in (vendor.name, *vendor.legal_names, *vendor.aliases):
                # A vendor's own names win over a brand that shares them.
                self._names[normalise_name(name)] = maker

    def _vendor_maker(self, vendor: Vendor) -> Maker:
        own = f"{vendor.id}-brand"
        brand = own if own in self.brands else None
        # A string naming a maker that no rule restricts still names it: generic for the restricted claim, but
        # the attribution counts it as that maker (see identify.attribute's _counts).
        claim = SignatureClaim.RESTRICTED if vendor.restricted else SignatureClaim.GENERIC
        return Maker(vendor.id, brand, claim, vendor.name)

    def _brand_maker(self, brand: Brand) -> Maker:
        vendor = self.vendors.get(brand.vendor) if brand.vendor else None
        firm = brand.relationship in _FIRM and not brand.model_line_dependent
        if vendor is not None and vendor.restricted and firm:
            claim = SignatureClaim.RESTRICTED
        elif vendor is not None and not vendor.restricted:
            claim = SignatureClaim.GENERIC
        else:
            claim = SignatureClaim.BRAND_ONLY
        return Maker(brand.vendor, brand.id, claim, brand.name)

    def resolve(self, text: str | None) -> Maker | None:
        """The maker a corpus name means, or None when the registry does not track it."""
        if text is None:
            return None
        return self._names.get(normalise_name(text))

    def find(self, texts: Iterable[str | None]) -> Maker | None:
        """The first of several names (vendor field, product field...) that resolves."""
        for text in texts:
            maker = self.resolve(text)
            if maker is not None:
                return maker
        return None

    def mentioned(self, text: str) -> list[Maker]:
        """Makers whose names appear as whole words in free text (a description or a product name)."""
        folded = f" {normalise_name(text)} "
        found: dict[tuple[str | None, str | None], Maker] = {}
        for name, maker in self._names.items():
            if len(name) >= 3 and f" {name} " in folded:
                found.setdefault((maker.vendor, maker.brand), maker)
        return sorted(found.values(), key=lambda m: (m.vendor or "", m.brand or ""))
