"""The device page's summary card: what it is, why we think so, what binds it, what to do next."""

from __future__ import annotations

import re
from typing import Any

from covered.web.summary import device_summary
from tests.web.conftest import Clients

NAMES = {"hikvision": "Hikvision", "dahua": "Dahua"}


def _detail(**device: Any) -> dict[str, Any]:
    base = {"vendor": None, "model": None, "restricted": None, "gone_since": None, "explanation": None}
    return {"device": base | device, "attribution": {}, "findings": []}


def _finding(i: int, status: str, due: str | None = None) -> dict[str, Any]:
    return {"id": i, "subject": f"rule-{i}", "obligation": "remove", "due": due, "status": status}


def test_a_restricted_device_with_open_findings_is_to_be_removed_by_its_earliest_due_date() -> None:
    detail = _detail(vendor="hikvision", model="DS-2CD2143G2-I", restricted=True)
    detail["attribution"] = {
        "brand_name": "Annke",
        "evidence": [
            {"vendor": "hikvision", "channel": "http", "field": "title", "claim": "restricted", "confidence": "low",
             "protocol": False, "conclusion": "a title"},
            {"vendor": "hikvision", "channel": "sadp", "field": "reply", "claim": "restricted", "confidence": "high",
             "protocol": True, "conclusion": "SADP reply names the model"},
            {"vendor": None, "channel": "http", "field": "server", "claim": "generic", "confidence": "low",
             "protocol": False, "conclusion": "generic"},
        ],
    }  # fmt: skip
    detail["findings"] = [_finding(1, "open", "2027-03-01"), _finding(2, "open", "2026-12-31"), _finding(3, "removed")]
    card = device_summary(detail, NAMES)
    assert card["what"] == "Hikvision DS-2CD2143G2-I, sold as Annke"
    assert card["why"][0] == "sadp.reply: SADP reply names the model"  # protocol evidence first, generic never
    assert len(card["why"]) == 2
    assert [b["id"] for b in card["binds"]] == [2, 1]
    assert card["settled"] == 1
    assert card["next"] == "Plan its removal or replacement by 2026-12-31, or record an exemption with its waiver."


def test_review_gone_lead_and_nothing_to_do() -> None:
    review = _detail(vendor="dahua")
    review["findings"] = [_finding(1, "review")]
    assert device_summary(review, NAMES)["next"].startswith("Confirm what it is")
    gone = _detail(vendor="dahua", restricted=True, gone_since="2026-11-01")
    gone["findings"] = [_finding(1, "open")]
    assert device_summary(gone, NAMES)["next"].startswith("It is no longer seen: confirm it was removed")
    lead = _detail()
    lead["attribution"] = {"lead": {"summary": "possibly Dahua (TCP 37777 open)", "settle": ["the neighbour table"]}}
    card = device_summary(lead, NAMES)
    assert card["what"] == "Maker not determined: possibly Dahua (TCP 37777 open)"
    assert card["next"] == "Settle the lead: the neighbour table."
    assert device_summary(_detail(vendor="axis", restricted=False), NAMES)["next"] == "Nothing to do: no rule binds it."


def test_the_card_heads_the_device_page(clients: Clients) -> None:
    api = clients.bearer("vic")
    row = api.get("/api/devices", params={"restricted": "yes"}).json()["rows"][0]
    page = clients.signed_in("vic").get(f"/devices/{row['id']}").text
    card = re.search(r'<section class="summary-card" id="summary"[^>]*>(.*?)</section>', page, re.S)
    assert card
    assert page.index('id="summary"') < page.index('id="evidence"')
    for question in ("What it is", "Why we think so", "What binds it", "What to do next"):
        assert f"<dt>{question}</dt>" in card[1]
    assert 'href="#finding-' in card[1]  # each obligation links to its finding and status control


def test_a_makers_own_brand_is_not_repeated() -> None:
    detail = _detail(vendor="dahua", model="LNE9964AB", restricted=True)
    detail["attribution"] = {"brand_name": "Dahua"}
    assert device_summary(detail, NAMES)["what"] == "Dahua LNE9964AB"
