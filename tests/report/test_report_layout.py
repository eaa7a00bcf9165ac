"""Report layout: the HTML wraps long values and charts sites; the PDF opens with its summary, long tables after."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from reportlab import rl_config

from covered.report.bundle import ReportData, render_html, render_pdf

LONG = "x" * 400  # one unbreakable value, as a serial, certificate subject or evidence chain can be


def _device(index: int, site: str | None) -> dict[str, Any]:
    return {
        "id": index,
        "key": f"44:19:B6:00:{index // 256:02X}:{index % 256:02X}",
        "address": f"10.0.{index // 250}.{index % 250 + 1}",
        "mac": None,
        "serial": None,
        "site": site,
        "vendor": "hikvision",
        "brand": "hikvision-brand",
        "model": "DS-2CD2042WD-I",
        "firmware": None,
        "restricted": True,
        "confidence": "high",
        "explanation": "Hikvision (HTTP)",
        "evidence": LONG,
        "lead": None,
        "first_seen": "2026-12-03T18:25:54Z",
        "last_seen": "2026-12-03T18:25:54Z",
        "gone_since": None,
    }


def _data(count: int) -> ReportData:
    devices = [_device(i, "headquarters" if i % 3 else None) for i in range(count)]
    findings = [
        {
            "id": i,
            "device": d["key"],
            "profile": "us-federal-contractor",
            "subject": "us-ndaa2019-889-a1b",
            "obligation": "remove",
            "status": "open",
            "due": "2027-01-01",
            "explanation": "A long explanation of why the rule reaches this device. " * 6,
            "reason": None,
            "waiver": None,
            "expires": None,
        }
        for i, d in enumerate(devices)
    ]
    return ReportData("Report", "2026-12-03T18:30:00+00:00", None, devices, findings, [])


def test_html_wraps_long_values_and_charts_devices_by_site() -> None:
    page = render_html(_data(9))
    assert "overflow-wrap:anywhere" in page
    assert "width:100%" in page
    chart = page[page.index("Devices by site") : page.index("Findings by rule")]
    assert re.search(r">headquarters</text>.*>6</text>", chart)
    assert re.search(r">no site assigned</text>.*>3</text>", chart)
    assert "attributed" not in chart
    assert ">true<" in page
    assert ">True<" not in page
    assert page.index("attributed to a restricted vendor</th><td>9<") < page.index("<h2>Devices</h2>")


def test_pdf_opens_with_the_summary_and_keeps_the_long_tables_for_the_appendices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Uncompressed page streams, so the order of the headings can be read from the file itself.
    monkeypatch.setattr(rl_config, "pageCompression", 0)
    target = tmp_path / "report.pdf"
    render_pdf(_data(300), target)
    raw = target.read_bytes()
    order = [raw.index(text) for text in (b"(Summary)", b"Devices needing action", b"Appendix A", b"Appendix B")]
    assert order == sorted(order)
