"""Rule evaluation: the right rules bind each profile; uncertainty gives 'review', never a firm legal conclusion."""

from __future__ import annotations

import datetime as dt

import pytest

from covered.assess import DeviceContext, assess, rules_binding
from covered.identify import identifier_for
from covered.model import Attribution, Channel, FindingStatus, Obligation, Observation, Site, UseContext
from covered.registry import Registry

TODAY = dt.date(2026, 11, 22)


def attribution(registry: Registry, *observations: tuple[str, str, str]) -> Attribution:
    return identifier_for(registry).attribute(
        "cam", [Observation(device="cam", channel=Channel(c), field=f, value=v) for c, f, v in observations]
    )


def lorex(registry: Registry) -> Attribution:
    dhip = registry.signatures.by_id["dahua-dhip-reply-client-notifydevinfo"].examples[0].value
    return attribution(registry, ("inventory", "brand", "Lorex"), ("dhip", "reply", dhip))


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("us-federal-agency", {"us-ndaa2019-889-a1a"}),
        ("us-federal-contractor", {"us-ndaa2019-889-a1b", "us-far-52.204-25"}),
        ("us-federal-grant-recipient", {"us-ndaa2019-889-b"}),
        ("us-nevada-agency", {"us-nv-2023-security-standard"}),
        ("gb-central-government", {"uk-wms-2022-11-24-surveillance"}),
        ("eu-institution", {"eu-parliament-2021-hikvision"}),
    ],
)
def test_rules_binding_each_profile(registry: Registry, profile: str, expected: set[str]) -> None:
    bound = {r.id for r in rules_binding(registry, registry.profiles[profile].record)}
    assert expected <= bound
    # State rules reach only their own state's profiles.
    if profile != "us-nevada-agency":
        assert "us-nv-2023-security-standard" not in bound


def test_contractor_finding_for_a_relabel_needs_the_use_context(registry: Registry) -> None:
    profile = registry.profiles["us-federal-contractor"].record
    device = DeviceContext(lorex(registry), address="10.0.0.7")
    unknown_use = {f.rule: f for f in assess(registry, profile, [device], TODAY)}
    finding = unknown_use["us-ndaa2019-889-a1b"]
    assert finding.status is FindingStatus.REVIEW
    assert finding.obligation is Obligation.REMOVE
    assert finding.explanation.startswith("Sold as Lorex, built by Dahua (protocol evidence: DHIP reply")
    assert any("public safety" in c for c in finding.caveats)
    site = Site(id="hq", name="HQ", use_contexts=[UseContext.GOVERNMENT_FACILITY_SECURITY], networks=["10.0.0.0/24"])
    stated = {f.rule: f for f in assess(registry, profile.model_copy(update={"sites": [site]}), [device], TODAY)}
    assert stated["us-ndaa2019-889-a1b"].status is FindingStatus.OPEN
    assert stated["us-ndaa2019-889-a1b"].caveats == []


def test_huawei_needs_no_use_context(registry: Registry) -> None:
    vrp = registry.signatures.by_id["huawei-snmp-sysdescr-vrp"].examples[0].value
    device = DeviceContext(attribution(registry, ("snmp", "sysdescr", vrp)))
    findings = {f.rule: f for f in assess(registry, registry.profiles["us-federal-agency"].record, [device], TODAY)}
    assert findings["us-ndaa2019-889-a1a"].status is FindingStatus.OPEN
    assert findings["us-ndaa2019-889-a1a"].obligation is Obligation.DO_NOT_PROCURE


def test_model_line_dependent_brand_gives_review(registry: Registry) -> None:
    device = DeviceContext(attribution(registry, ("inventory", "brand", "Lorex")))
    profile = registry.profiles["au-commonwealth-entity"].record
    findings = assess(registry, profile, [device], TODAY)
    rule_findings = [f for f in findings if f.rule]
    assert rule_findings
    assert all(f.status is FindingStatus.REVIEW for f in rule_findings)
    assert any("confirm the model" in c for f in rule_findings for c in f.caveats)


def test_category_rule_reaches_unnamed_prc_vendor(registry: Registry) -> None:
    device = DeviceContext(attribution(registry, ("mac", "address", "14:BA:88:00:00:01")))  # Uniview block
    findings = {f.rule: f for f in assess(registry, registry.profiles["gb-central-government"].record, [device], TODAY)}
    finding = findings["uk-wms-2022-11-24-surveillance"]
    assert "not by name" in " ".join(finding.caveats)
    assert "us-ndaa2019-889-a1a" not in findings


def test_non_restricted_maker_gives_no_rule_finding(registry: Registry) -> None:
    axis = registry.signatures.by_id["axis-http-title-axis"].examples[0].value
    device = DeviceContext(attribution(registry, ("http", "title", axis)))
    for located in registry.profiles.values():
        assert [f for f in assess(registry, located.record, [device], TODAY) if f.rule] == []


def test_own_policy_and_known_exploited_vulnerabilities(registry: Registry) -> None:
    device = DeviceContext(lorex(registry))
    findings = assess(registry, registry.profiles["private-human-rights-policy"].record, [device], TODAY)
    policy = [f for f in findings if f.rule and f.rule.startswith("policy:")]
    assert len(policy) == 1
    assert policy[0].status is FindingStatus.OPEN
    kev = {f.vulnerability for f in findings if f.vulnerability}
    assert {"CVE-2021-33044", "CVE-2021-33045"} <= kev
    assert all(f.status is FindingStatus.REVIEW for f in findings if f.vulnerability)


def test_rules_not_yet_in_force_are_review(registry: Registry) -> None:
    vrp = registry.signatures.by_id["huawei-snmp-sysdescr-vrp"].examples[0].value
    device = DeviceContext(attribution(registry, ("snmp", "sysdescr", vrp)))
    before = dt.date(2026, 1, 1)  # FY2024 NDAA §805 applies from 2026-06-30
    findings = {f.rule: f for f in assess(registry, registry.profiles["us-dod-contractor"].record, [device], before)}
    future = [
        f
        for f in findings.values()
        if f.effective_date and f.effective_date.earliest and f.effective_date.earliest > before
    ]
    assert future
    assert all(f.status is FindingStatus.REVIEW for f in future)


def _obs(channel: str, field: str, value: str) -> Observation:
    return Observation(device="cam", channel=Channel(channel), field=field, value=value)


def test_cloud_and_p2p_exposure_is_flagged_for_review(registry: Registry) -> None:
    sadp = registry.signatures.by_id["hikvision-sadp-probematch"].examples[0].value
    said = (
        _obs(
            "sadp",
            "reply",
            sadp.replace("<HCPlatformEnable>flase</HCPlatformEnable>", "<HCPlatformEnable>true</HCPlatformEnable>"),
        ),
        _obs("http", "body", '<script>var p2p = "www.easy4ipcloud.com:8800";</script>'),
        _obs("http", "body", "see www.easy4ipcloud.com.example.org for a lookalike"),
    )
    device = DeviceContext(attribution(registry, ("sadp", "reply", sadp)), observations=said)
    findings = [
        f
        for f in assess(registry, registry.profiles["us-federal-agency"].record, [device], TODAY)
        if f.rule and f.rule.startswith("exposure:")
    ]
    whats = sorted(f.explanation.split("set up for ", 1)[1].split(":", 1)[0] for f in findings)
    assert any(w.startswith("Hik-Connect cloud platform enabled") for w in whats)
    assert any(w.startswith("www.easy4ipcloud.com (") for w in whats)
    assert len(findings) == 2  # the lookalike host is not an endpoint
    assert all(f.status is FindingStatus.REVIEW and f.obligation is Obligation.REVIEW for f in findings)


def test_fast_findings_equal_validated_findings(registry: Registry) -> None:
    """Rule findings skip re-validation on the hot path; each must equal the same values validated in full."""
    from covered.model import Finding

    profile = registry.profiles["us-federal-contractor"].record
    findings = assess(registry, profile, [DeviceContext(lorex(registry), address="10.0.0.7")], TODAY)
    rule_findings = [f for f in findings if f.rule and not f.rule.startswith(("policy:", "exposure:"))]
    assert rule_findings
    for finding in rule_findings:
        validated = Finding.model_validate(finding.model_dump())
        assert finding == validated
        assert finding.model_dump(mode="json") == validated.model_dump(mode="json")
        with pytest.raises(Exception, match="frozen"):
            finding.status = FindingStatus.OPEN  # type: ignore[misc]
