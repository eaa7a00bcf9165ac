"""Rule evaluation: attributed devices × the rules (and own policies) binding a profile → findings.

A finding never states more than the evidence supports: an uncertain attribution, an unconfirmed
rule, a use-context the organisation has not stated, or a rule not yet in force gives a 'review'
finding that says what would settle it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import ipaddress
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from covered.assess.exposure import ExposureMatcher
from covered.model import (
    Attribution,
    Confidence,
    Confirmation,
    CoveredVendor,
    DatePrecision,
    DateRef,
    Finding,
    FindingStatus,
    Obligation,
    Observation,
    Profile,
    Prohibition,
    Rule,
    UseContext,
    Vendor,
    Vulnerability,
)
from covered.registry import Registry
from covered.registry.jurisdictions import country_of

__all__ = ["DeviceContext", "assess", "coverage_entry", "rules_binding"]

_ORDER = [
    Obligation.REMOVE,
    Obligation.DO_NOT_USE,
    Obligation.DO_NOT_CONNECT,
    Obligation.DO_NOT_PROCURE,
    Obligation.DO_NOT_FUND,
    Obligation.NO_AUTHORISATION,
    Obligation.DISCLOSE,
]
_FROM_PROHIBITION = {
    Prohibition.USE: Obligation.REMOVE,
    Prohibition.CONTRACT_WITH_USERS: Obligation.REMOVE,
    Prohibition.REMOVE: Obligation.REMOVE,
    Prohibition.CONNECT: Obligation.DO_NOT_CONNECT,
    Prohibition.PROCURE: Obligation.DO_NOT_PROCURE,
    Prohibition.FUND: Obligation.DO_NOT_FUND,
    Prohibition.AUTHORISE: Obligation.NO_AUTHORISATION,
    Prohibition.DISCLOSE: Obligation.DISCLOSE,
}
_RANK = {Confidence.LOW: 1, Confidence.MEDIUM: 2, Confidence.HIGH: 3}
_RULE_CONFIDENCE = {
    Confirmation.CONFIRMED: Confidence.HIGH,
    Confirmation.PARTIALLY_CONFIRMED: Confidence.MEDIUM,
    Confirmation.UNCONFIRMED: Confidence.LOW,
}
_CONTEXT_WORDS = {
    UseContext.PUBLIC_SAFETY: "public safety",
    UseContext.GOVERNMENT_FACILITY_SECURITY: "security of government facilities",
    UseContext.CRITICAL_INFRASTRUCTURE: "physical security of critical infrastructure",
    UseContext.NATIONAL_SECURITY: "national security",
    UseContext.SENSITIVE_SITE: "sensitive sites",
    UseContext.TELECOM_NETWORK: "telecommunications networks",
}


@dataclass(frozen=True)
class DeviceContext:
    """An attributed device, where it is (for site use contexts), and what it said (for cloud/P2P exposure)."""

    attribution: Attribution
    address: str | None = None
    site: str | None = None
    observations: tuple[Observation, ...] = ()


def coverage_entry(rule: Rule, vendor: Vendor) -> CoveredVendor | None:
    """The rule's entry that reaches the vendor: by name, else as an unnamed vendor of its country."""
    return next((c for c in rule.covered if c.vendor == vendor.id), None) or next(
        (c for c in rule.covered if c.vendor is None and c.vendor_country == vendor.country), None
    )


def rules_binding(registry: Registry, profile: Profile) -> list[Rule]:
    """Rules whose predicates include the profile's and whose jurisdiction reaches it."""
    wanted = set(profile.predicates)
    places = set(profile.jurisdictions)
    out = []
    for rule in registry.rules.values():
        if not wanted & set(rule.binds):
            continue
        if rule.jurisdiction in places or (
            country_of(rule.jurisdiction) == rule.jurisdiction and rule.jurisdiction in {country_of(p) for p in places}
        ):
            out.append(rule)
    return sorted(out, key=lambda r: r.id)


def _contexts(profile: Profile, device: DeviceContext) -> set[UseContext] | None:
    """Use contexts stated for the device's site; None when the organisation has not said."""
    site = next((s for s in profile.sites if s.id == device.site), None)
    if site is None and device.address is not None:
        try:
            address = ipaddress.ip_address(device.address)
        except ValueError:
            address = None
        if address is not None:
            site = next(
                (s for s in profile.sites if any(address in ipaddress.ip_network(n, strict=False) for n in s.networks)),
                None,
            )
    if site is not None and site.use_contexts:
        return set(site.use_contexts)
    return set(profile.default_use_contexts) or None


def _obligations(prohibits: Iterable[Prohibition]) -> list[Obligation]:
    found = {_FROM_PROHIBITION[p] for p in prohibits if p in _FROM_PROHIBITION}
    return [o for o in _ORDER if o in found] or [Obligation.REVIEW]


def _lower(a: Confidence, b: Confidence) -> Confidence:
    return a if _RANK[a] <= _RANK[b] else b


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _as_sold(attribution: Attribution) -> str:
    maker = attribution.vendor_name or attribution.vendor or "an unknown maker"
    if attribution.brand_name and attribution.brand_name.casefold() != maker.casefold():
        return f"sold as {attribution.brand_name}, built by {maker}"
    return f"built by {maker}"


def _why(attribution: Attribution) -> str:
    reasons = attribution.explanation.split("(", 1)
    return reasons[1].rstrip(")") if len(reasons) == 2 else "evidence in the chain"


@dataclass(frozen=True)
class _RuleReach:
    """What one (rule, coverage entry) pair contributes to every finding, computed once per assessment."""

    rule: Rule
    covered: CoveredVendor
    obligations: list[Obligation]
    caveats: list[str]
    review: bool
    tail: str
    due: dt.date
    confidence: Confidence
    citation: str


def _reach(rule: Rule, covered: CoveredVendor, today: dt.date) -> _RuleReach:
    caveats: list[str] = []
    review = False
    if covered.vendor is None:
        caveats.append(f"covered as one of '{covered.name_in_instrument}', not by name")
    if rule.confirmation is Confirmation.UNCONFIRMED or covered.confirmation is Confirmation.UNCONFIRMED:
        review = True
        caveats.append(f"the rule is unconfirmed ({', '.join(rule.unconfirmed_fields) or 'see its notes'})")
    effective = rule.effective_date
    earliest, latest = effective.earliest, effective.latest
    gist = re.split(r"(?<=[a-z)])[.;] ", rule.summary, maxsplit=1)[0].rstrip(".;")
    uses = f" used for {', '.join(_CONTEXT_WORDS[c] for c in covered.use_contexts)}" if covered.use_contexts else ""
    if earliest is not None and earliest > today:
        review = True
        caveats.append(f"takes effect {effective.display()}")
    return _RuleReach(
        rule=rule,
        covered=covered,
        obligations=_obligations(rule.prohibits),
        caveats=caveats,
        review=review,
        tail=f"{rule.name} covers {covered.name_in_instrument}{uses}: {gist}.",
        due=max(latest, today) if latest else today,
        confidence=_RULE_CONFIDENCE[rule.confirmation],
        citation=f"{rule.name} ({rule.source})",
    )


@dataclass(frozen=True)
class _DeviceView:
    """What one device contributes to every finding about it, computed once per device."""

    device: DeviceContext
    established: bool
    opening: str
    stated: set[UseContext] | None


def _view(profile: Profile, device: DeviceContext, needs_context: bool) -> _DeviceView:
    attribution = device.attribution
    established = attribution.confidence in (Confidence.HIGH, Confidence.MEDIUM) and not any(
        "model lines" in note for note in attribution.notes
    )
    opening = f"{_sentence(_as_sold(attribution))} ({_why(attribution)}); "
    return _DeviceView(device, established, opening, _contexts(profile, device) if needs_context else None)


_NOT_ESTABLISHED = "the attribution does not establish the maker; confirm the model and maker"


def _rule_finding(reach: _RuleReach, view: _DeviceView) -> Finding:
    attribution = view.device.attribution
    review = reach.review or not view.established
    caveats = ([] if view.established else [_NOT_ESTABLISHED]) + reach.caveats
    if reach.covered.use_contexts and view.stated is None:
        review = True
        needed = ", ".join(_CONTEXT_WORDS[c] for c in reach.covered.use_contexts)
        caveats.append(f"applies only where the equipment is used for {needed}; state the site's use")
    return _trusted_finding(
        id=f"{attribution.device}|{reach.rule.id}",
        device=attribution.device,
        rule=reach.rule.id,
        vulnerability=None,
        obligation=reach.obligations[0],
        also=reach.obligations[1:],
        citation=reach.citation,
        effective_date=reach.rule.effective_date,
        due=reach.due,
        confidence=_lower(attribution.confidence or Confidence.LOW, reach.confidence),
        status=FindingStatus.REVIEW if review else FindingStatus.OPEN,
        explanation=view.opening + reach.tail,
        caveats=caveats,
    )


_FINDING_FIELDS = frozenset(Finding.model_fields)
_new_object = object.__new__
_set = object.__setattr__


def _trusted_finding(**values: object) -> Finding:
    """A Finding from values built here out of validated records, without re-validating them.

    This is the hot path (a million findings for 100,000 devices): pydantic's own ``model_construct`` spends
    7 µs per object walking aliases and defaults, this 1 µs. Every field is passed, in declaration order; the
    tests compare the result with a fully validated Finding.
    """
    finding = _new_object(Finding)
    _set(finding, "__dict__", values)
    _set(finding, "__pydantic_fields_set__", _FINDING_FIELDS)
    _set(finding, "__pydantic_extra__", None)
    _set(finding, "__pydantic_private__", None)
    return finding


def _vulnerability_finding(registry: Registry, device: DeviceContext, vulnerability: Vulnerability) -> Finding:
    attribution = device.attribution
    model = attribution.model or ""
    maker = registry.vendors[vulnerability.vendor].name
    known_model = vulnerability.model_pattern is not None and re.search(vulnerability.model_pattern, model)
    caveats = (
        [] if known_model else [f"affected models and firmware are not established here: {vulnerability.affected}"]
    )
    return Finding(
        id=f"{attribution.device}|{vulnerability.id}",
        device=attribution.device,
        vulnerability=vulnerability.cve,
        obligation=Obligation.PATCH if known_model else Obligation.REVIEW,
        citation=f"CISA KEV {vulnerability.cve}: {vulnerability.product} ({vulnerability.source})",
        effective_date=DateRef(value=vulnerability.date_added.isoformat(), precision=DatePrecision.DAY),
        due=vulnerability.due_date,
        confidence=Confidence.MEDIUM if known_model else Confidence.LOW,
        status=FindingStatus.OPEN if known_model else FindingStatus.REVIEW,
        explanation=f"{_sentence(_as_sold(attribution))}; {maker} products carry a known-exploited vulnerability: "
        f"{vulnerability.summary}",
        caveats=caveats,
    )


@contextlib.contextmanager
def _bulk_allocation() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many acyclic findings.

    A million small objects otherwise trigger full collections that scan every live object again and again;
    findings hold no reference cycles, so nothing is lost by collecting once afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def assess(
    registry: Registry, profile: Profile, devices: Sequence[DeviceContext], today: dt.date | None = None
) -> list[Finding]:
    """Every finding for the devices under the profile: rules, own policies, known-exploited vulnerabilities."""
    today = today or dt.date.today()
    # Index once per call: which (rule, coverage entry) pairs reach each vendor, named or by country.
    bound = rules_binding(registry, profile)
    reach: dict[str, list[_RuleReach]] = {}
    for vendor_id, vendor_record in registry.vendors.items():
        pairs = []
        for rule in bound:
            covered = coverage_entry(rule, vendor_record)
            if covered is not None:
                pairs.append(_reach(rule, covered, today))
        reach[vendor_id] = pairs
    kev: dict[str, list[Vulnerability]] = {}
    for located in registry.vulnerabilities.values():
        kev.setdefault(located.record.vendor, []).append(located.record)
    with _bulk_allocation():
        exposures = ExposureMatcher(registry.cloud_endpoints)
        findings: list[Finding] = []
        for device in devices:
            vendor = device.attribution.vendor
            if vendor is None:
                continue
            pairs = reach.get(vendor, [])
            view = _view(profile, device, any(p.covered.use_contexts for p in pairs))
            findings.extend(_rule_finding(pair, view) for pair in pairs)
            for policy in profile.policies:
                if vendor in policy.vendors:
                    obligations = _obligations(policy.prohibits)
                    findings.append(
                        Finding(
                            id=f"{device.attribution.device}|policy:{policy.name}",
                            device=device.attribution.device,
                            rule=f"policy:{policy.name}",
                            obligation=obligations[0],
                            also=obligations[1:],
                            citation=policy.citation,
                            due=today,
                            confidence=device.attribution.confidence or Confidence.LOW,
                            status=FindingStatus.OPEN if device.attribution.restricted else FindingStatus.REVIEW,
                            explanation=f"{_sentence(_as_sold(device.attribution))}; the organisation's {policy.name} "
                            f"excludes this maker (as did {', '.join(policy.precedents) or 'others'}).",
                        )
                    )
            for vulnerability in kev.get(vendor, []):
                findings.append(_vulnerability_finding(registry, device, vulnerability))
        for device in devices:
            for exposure in exposures.find(device.observations):
                findings.append(
                    Finding(
                        id=f"{device.attribution.device}|exposure:{exposure.what.split(' ', 1)[0]}",
                        device=device.attribution.device,
                        rule=f"exposure:{exposure.vendor}-cloud",
                        obligation=Obligation.REVIEW,
                        citation=f"vendor cloud/P2P endpoint ({exposure.source})",
                        due=today,
                        confidence=Confidence.MEDIUM,
                        status=FindingStatus.REVIEW,
                        explanation=f"{_sentence(_as_sold(device.attribution))}; it reaches or is set up for "
                        f"{exposure.what}: data may leave the network ({exposure.evidence}).",
                        caveats=["seen in the device's own answers; confirm with firewall or DNS logs"],
                    )
                )
    return findings
