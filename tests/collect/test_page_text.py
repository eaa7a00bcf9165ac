"""Pages decoded in the charset they declare: Chinese device UIs in GB2312/GBK keep their markers readable."""

from __future__ import annotations

import pytest

from covered.collect.probes.page_text import decode_page

TITLE = "<title>海康威视 综合安防管理平台</title>"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (TITLE.encode("gbk"), "text/html; charset=GB2312"),
        (f'<meta http-equiv="Content-Type" content="text/html; charset=gbk">{TITLE}'.encode("gbk"), "text/html"),
        (f'<meta charset="gb2312">{TITLE}'.encode("gbk"), None),
        (TITLE.encode("utf-8"), "text/html"),
        (TITLE.encode("gb18030"), None),
    ],
    ids=["header", "http-equiv", "meta", "utf-8", "undeclared"],
)
def test_declared_and_plausible_charsets(body: bytes, content_type: str | None) -> None:
    assert "海康威视 综合安防管理平台" in decode_page(body, content_type)


def test_a_wrong_declaration_falls_back_and_junk_stays_visible() -> None:
    assert "海康威视" in decode_page(TITLE.encode("utf-8"), "text/html; charset=no-such-codec")
    assert decode_page(b"\xff\xfe<a>\x00", None) == "\\xff\\xfe<a>"
