"""Jurisdiction codes: ISO 3166-1 countries, ISO 3166-2 subdivisions, and EU/INT, via pycountry."""

from __future__ import annotations

from functools import cache

import pycountry

from covered.errors import UsageError

__all__ = ["country_of", "is_known", "jurisdiction_name", "resolve_country"]

_PSEUDO = {"EU", "INT"}
_PSEUDO_NAMES = {"EU": "European Union", "INT": "International"}
_ALIASES = {"UK": "GB", "GREAT BRITAIN": "GB", "BRITAIN": "GB", "USA": "US", "EUROPEAN UNION": "EU"}


def country_of(jurisdiction: str) -> str:
    """The country part of a jurisdiction code: 'GB-SCT' -> 'GB'."""
    return jurisdiction.split("-", 1)[0]


@cache
def jurisdiction_name(code: str) -> str:
    """A jurisdiction in words: 'US' -> 'United States', 'US-CO' -> 'Colorado, United States', 'EU' ->
    'European Union'; an unknown code comes back as given."""
    if code in _PSEUDO_NAMES:
        return _PSEUDO_NAMES[code]
    country = pycountry.countries.get(alpha_2=country_of(code))
    country_name = str(getattr(country, "common_name", None) or country.name) if country else code
    if "-" not in code:
        return country_name
    subdivision = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
    return f"{subdivision.name}, {country_name}" if subdivision else code


@cache
def is_known(code: str) -> bool:
    """True for an ISO 3166-1 alpha-2 code, an ISO 3166-2 subdivision code, EU or INT."""
    if code in _PSEUDO:
        return True
    if "-" in code:
        return pycountry.subdivisions.get(code=code) is not None  # type: ignore[no-untyped-call]
    return pycountry.countries.get(alpha_2=code) is not None


@cache
def resolve_country(value: str) -> str:
    """Code for a country or subdivision given by code or name ('uk', 'Scotland', 'US-NV'); raises UsageError."""
    text = value.strip()
    upper = text.upper()
    if upper in _ALIASES:
        return _ALIASES[upper]
    if (len(upper) == 2 or "-" in upper or upper in _PSEUDO) and is_known(upper):
        return upper
    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        pass
    matches = [s.code for s in pycountry.subdivisions if s.name.casefold() == text.casefold()]
    if len(matches) == 1:
        return str(matches[0])
    raise UsageError("--country", f"unknown country {value!r} (use an ISO code such as GB, GB-SCT, US-NV, or EU)")
