"""A device in four lines, for the top of its page: what it is, why we think so, what binds it, what to do next."""

from __future__ import annotations

from typing import Any

from covered.web.queries import UNRESOLVED

__all__ = ["device_summary"]

_STRONGEST = {"high": 0, "medium": 1, "low": 2}


def device_summary(detail: dict[str, Any], vendor_names: dict[str, str]) -> dict[str, Any]:
    """The four answers from a device's detail (queries.device_detail) and the registry's vendor names."""
    device = detail["device"]
    attribution = detail.get("attribution") or {}
    findings = detail.get("findings") or []
    maker = vendor_names.get(device.get("vendor") or "", device.get("vendor"))
    lead = attribution.get("lead") or {}
    if maker:
        what = " ".join(part for part in (maker, device.get("model")) if part)
        brand = device.get("brand_name") or attribution.get("brand_name")
        if brand and brand.casefold() != str(maker).casefold():
            what += f", sold as {brand}"
    elif lead:
        what = f"Maker not determined: {lead.get('summary')}"
    else:
        what = "Maker not determined"
    signs = [
        e
        for e in attribution.get("evidence") or []
        if e.get("vendor") and e.get("vendor") == device.get("vendor") and e.get("claim") != "generic"
    ]
    signs.sort(key=lambda e: (not e.get("protocol"), _STRONGEST.get(e.get("confidence"), 3)))
    why = [f"{e['channel']}.{e['field']}: {e.get('conclusion') or e.get('matcher')}" for e in signs[:3]]
    open_ones = [f for f in findings if f.get("status") in UNRESOLVED]
    open_ones.sort(key=lambda f: (f.get("due") or "9999", f.get("subject") or ""))
    binds = [
        {
            "subject": f["subject"],
            "obligation": f["obligation"],
            "due": f.get("due"),
            "status": f["status"],
            "id": f["id"],
        }
        for f in open_ones
    ]
    return {
        "what": what,
        "why": why or ([device["explanation"]] if device.get("explanation") else []),
        "binds": binds,
        "settled": len(findings) - len(open_ones),
        "next": _next_step(device, open_ones, lead),
    }


def _next_step(device: dict[str, Any], open_ones: list[dict[str, Any]], lead: dict[str, Any]) -> str:
    review = [f for f in open_ones if f.get("status") == "review"]
    due = next((f["due"] for f in open_ones if f.get("due")), None)
    if device.get("gone_since") and open_ones:
        return "It is no longer seen: confirm it was removed, then mark its findings removed with the evidence."
    if review and len(review) == len(open_ones):
        return "Confirm what it is (its label, a credentialed scan or a site visit), then open or dismiss the findings."
    if open_ones:
        planned = all(f.get("status") == "planned" for f in open_ones)
        when = f" by {due}" if due else ""
        return (
            f"Its removal is planned: remove or replace it{when} and record it."
            if planned
            else f"Plan its removal or replacement{when}, or record an exemption with its waiver."
        )
    if lead:
        return "Settle the lead: " + "; ".join(lead.get("settle") or ["check the device's label"]) + "."
    if device.get("restricted") is None and device.get("vendor"):
        return "The maker is suspected, not established: confirm it before acting."
    return "Nothing to do: no rule binds it."
