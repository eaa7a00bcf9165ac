"""The overview, the ban directory and the lookup as their readers use them, over real HTTP: the questions of
the day with links to the lists behind them, a one-line verdict before the detail, rules grouped by
jurisdiction, filter menus in words, the current view downloaded as CSV, XLSX and JSON, and a citation
(quote, source, date, permalink) on every record page."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re

from openpyxl import load_workbook
from sqlalchemy import select

from covered.registry import EventQuery, Registry
from covered.report.registry_views import EVENT_CSV_FIELDS
from covered.store import open_store
from covered.store.schema import DeviceRow
from covered.web.directory import lookup, verdict
from covered.web.users import create_user
from tests.web.conftest import Clients, Estate


def _verdict(page: str) -> str:
    found = re.search(r'<p class="verdict[^"]*" id="verdict"[^>]*>(.*?)</p>', page, re.S)
    assert found, "no verdict on the page"
    return html.unescape(found[1]).strip()


def test_lookup_answers_in_one_line_before_the_detail(clients: Clients) -> None:
    viewer = clients.signed_in("vic")
    lorex = viewer.get("/lookup", params={"q": "Lorex"}).text
    line = _verdict(lorex)
    # The registry's Lorex record: former Dahua subsidiary, only some model lines, a bounded period.
    assert line.startswith("Lorex: some model lines were made by Dahua between 2018 and 2022")
    assert "check the model and when it was made" in line
    assert lorex.index('id="verdict"') < lorex.index('class="match"')
    assert 'class="verdict bad"' in lorex  # the maker behind it is restricted

    maker = _verdict(viewer.get("/lookup", params={"q": "hikvision"}).text)
    assert maker.startswith("Hikvision is a restricted maker:"), maker  # the maker first, not a brand containing it

    axis = viewer.get("/lookup", params={"q": "Axis"}).text
    assert "is not a restricted maker" in _verdict(axis)
    assert 'class="verdict bad"' not in axis

    model = _verdict(viewer.get("/lookup", params={"q": "DS-2CD2143G2-I"}).text)
    assert "follows Hikvision's pattern" in model
    assert "confirm it on the label" in model

    unknown = viewer.get("/lookup", params={"q": "Zyxwvut"}).text
    assert "that is not a clearance" in _verdict(unknown)
    assert 'id="no-match"' in unknown


def test_lookup_groups_the_rules_by_jurisdiction_in_words(registry: Registry, clients: Clients) -> None:
    page = clients.signed_in("vic").get("/lookup", params={"q": "Huawei"}).text
    result = lookup(registry, "Huawei")
    maker = next(m for m in result["matches"] if m["as"] == "vendor")["makers"][0]
    places = maker["jurisdictions"]
    assert sum(len(p["rules"]) for p in places) == len(maker["rules"]) > 0
    assert any(p["code"] == "US" and p["name"] == "United States" for p in places)
    groups = re.findall(r'<tr class="group"><th colspan="5" scope="rowgroup">([^<]+)<', page)
    assert [g.strip() for g in groups][: len(places)] == [p["name"] for p in places]
    # Sub-national rules read as places, not codes.
    for place in places:
        if "-" in place["code"]:
            assert "," in place["name"]
            assert place["code"] not in place["name"]


def test_verdict_of_no_match_and_of_a_brand_of_an_unrestricted_maker() -> None:
    assert verdict("Nothing", []) == "Nothing in the registry matches “Nothing”; that is not a clearance."
    fake = {
        "as": "brand",
        "name": "Acme",
        "tie": "is Acme Corp's own brand",
        "period": None,
        "some_lines": False,
        "makers": [{"name": "Acme Corp", "restricted": False, "rules": []}],
    }
    assert verdict("Acme", [fake]) == "Acme: is Acme Corp's own brand, not a restricted maker."


def test_directory_filters_are_menus_labelled_in_words(registry: Registry, clients: Clients) -> None:
    page = clients.signed_in("vic").get("/directory").text
    for name in ("country", "action", "reason", "actor_type", "status"):
        assert f'<select name="{name}">' in page, name
    assert '<option value="procurement_ban" >procurement ban</option>' in page
    assert '<option value="GB" >United Kingdom</option>' in page
    # The menu keeps a choice made elsewhere (a link with a comma list) instead of dropping it.
    chosen = clients.signed_in("vic").get("/directory", params={"action": "procurement_ban,removal"}).text
    assert '<option value="procurement_ban,removal" selected>' in chosen


def test_directory_view_downloads_as_csv_xlsx_and_json(registry: Registry, clients: Clients) -> None:
    viewer = clients.signed_in("vic")
    view = {"vendor": "hikvision", "country": "US"}
    expected = [
        e.id for e in registry.event_index.select(EventQuery.parse(registry, vendor=["hikvision"], country=["US"]))
    ]
    assert expected, "the registry has US events naming Hikvision"
    page = viewer.get("/directory", params=view).text
    assert 'href="/directory.csv?country=US&amp;vendor=hikvision"' in page
    assert 'href="/directory?country=US&amp;vendor=hikvision" rel="bookmark"' in page

    answer = viewer.get("/directory.csv", params=view)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert re.fullmatch(
        r'attachment; filename="covered-directory-\d{8}T\d{4}Z\.csv"', answer.headers["content-disposition"]
    )
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == EVENT_CSV_FIELDS
    ids = [r[0] for r in rows[1:]]
    assert ids == expected
    quote_at = EVENT_CSV_FIELDS.index("quote")
    first = registry.events[ids[0]]
    assert rows[1][quote_at].lstrip("'") == first.quote  # verbatim (an apostrophe only before a formula sign)

    book = load_workbook(io.BytesIO(viewer.get("/directory.xlsx", params=view).content), read_only=True)
    sheet = book.worksheets[0]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == expected

    document = json.loads(viewer.get("/directory.json", params=view).content)
    assert document["filters"] == view
    assert document["count"] == len(expected)
    assert [e["id"] for e in document["events"]] == expected
    assert all(e["source"] and e["quote"] for e in document["events"])

    # A bad filter is a clear 400, an unknown format a 404, and the download needs a signed-in user.
    assert viewer.get("/directory.csv", params={"since": "yesterday"}).status_code == 400
    assert viewer.get("/directory.txt").status_code == 404
    anonymous = clients.anonymous(follow_redirects=False).get("/directory.json")
    assert anonymous.status_code in (302, 303, 401)


def test_record_page_offers_a_citation_with_quote_source_date_and_permalink(
    registry: Registry, clients: Clients
) -> None:
    event = next(e for e in registry.events.values() if e.quote and e.segment)
    source = registry.sources[event.source]
    segment = next(g for g in source.segments if g.id == event.segment)
    page = clients.signed_in("vic").get(f"/records/{event.id}").text
    found = re.search(r'<textarea id="citation"[^>]*>(.*?)</textarea>', page, re.S)
    assert found
    cite = html.unescape(found[1])
    assert f"“{event.quote}”" in cite
    assert f"in “{source.title}”" in cite
    assert f"“{segment.title}”, {segment.anchor.display()}" in cite
    if source.url:
        assert source.url in cite
    assert event.date.display() in cite
    assert registry.actors[event.actor].name in cite
    assert cite.endswith(f"/records/{event.id}")
    assert 'src="/static/cite.js"' in page


def test_every_bar_of_the_overview_leads_to_a_list_of_as_many_rows(clients: Clients) -> None:
    viewer = clients.signed_in("vic")
    api = clients.bearer("vic")
    overview = viewer.get("/").text
    bars = re.findall(r'<a href="(/(?:devices|findings)\?[^"]+)" aria-label="([^"]*): (\d+)">', overview)
    assert len(bars) >= 4
    for href, label, count in bars:
        target = html.unescape(href)
        assert viewer.get(target).status_code == 200
        listed = api.get("/api" + target).json()
        assert listed["total"] == int(count), (target, html.unescape(label))


def test_directory_charts_lead_to_the_events_they_count(registry: Registry, clients: Clients) -> None:
    viewer = clients.signed_in("vic")
    page = viewer.get("/directory", params={"vendor": "hikvision"}).text
    links = re.findall(r'<a href="(/directory\?[^"]+)" aria-label="([^"]*): (\d+)(?: events?)?">', page)
    years = [link for link in links if "since=" in link[0]]
    countries = [link for link in links if "since=" not in link[0]]
    assert years
    assert countries
    for href, _, count in links:
        target = html.unescape(href)
        assert "vendor=hikvision" in target  # the view's own filters stay
        assert viewer.get("/api/bans?" + target.split("?", 1)[1]).json()["count"] == int(count), target


def test_new_overdue_and_site_filters_list_what_they_say(estate: Estate, clients: Clients) -> None:
    api = clients.bearer("vic")
    store = open_store(estate.db)
    with store.session() as session, session.begin():
        device = session.scalars(select(DeviceRow).where(DeviceRow.gone_since.is_(None)).order_by(DeviceRow.id)).first()
        assert device is not None
        first_seen, device.first_seen = device.first_seen, dt.datetime.now(dt.UTC)
        device_id, site = device.id, device.site
    try:
        new = api.get("/api/devices", params={"state": "new"}).json()
        assert [row["id"] for row in new["rows"]] == [device_id]
    finally:
        with store.session() as session, session.begin():
            row = session.get(DeviceRow, device_id)
            assert row is not None
            row.first_seen = first_seen
        store.engine.dispose()
    assert api.get("/api/devices", params={"state": "new"}).json()["total"] == 0
    every = api.get("/api/findings", params={"site": site or "none"}).json()
    assert every["total"] > 0
    assert all(r["address"] for r in every["rows"])
    today = dt.date.today()
    for row in api.get("/api/findings", params={"due": "soon"}).json()["rows"]:
        assert row["status"] in {"open", "review", "planned"}
        assert today <= dt.date.fromisoformat(row["due"]) <= today + dt.timedelta(days=30)
    for params in ({"due": "late"}, {"since": "last week"}, {"since": "2026-02-30"}):
        answer = api.get("/api/findings", params=params)
        assert answer.status_code == 400, params
    assert clients.signed_in("vic").get("/findings", params={"due": "late"}).status_code == 400


def test_directory_search_pages_its_ranked_hits_and_names_exact_records_first(clients: Clients) -> None:
    viewer = clients.signed_in("vic")
    first = viewer.get("/directory", params={"q": "xinjiang camera police"}).text
    titles = re.findall(r'<li><a href="/records/([^"]+)">', first)
    assert len(titles) == 25
    assert 'href="/directory?q=xinjiang%20camera%20police&amp;page=2">next</a>' in first
    second = viewer.get("/directory", params={"q": "xinjiang camera police", "page": 2}).text
    more = re.findall(r'<li><a href="/records/([^"]+)">', second)
    assert more
    assert not set(more) & set(titles)  # page two continues, it does not repeat
    assert '<ol class="hits" start="26">' in second
    assert "matches 3 of 3 words" in first  # each hit says why it ranked

    hikvision = viewer.get("/directory", params={"q": "Hikvision"}).text
    exact = re.search(r'<ul class="exact"[^>]*>(.*?)</ul>', hikvision, re.S)
    assert exact
    assert exact[1].index('href="/directory?vendor=hikvision"') < exact[1].index('href="/records/hikvision-brand"')
    assert hikvision.index('<ul class="exact"') < hikvision.index('<ol class="hits"')


def test_directory_search_says_when_no_record_holds_every_word(clients: Clients) -> None:
    viewer = clients.signed_in("vic")
    partial = viewer.get("/directory", params={"q": "xinjiang zzyzxq"}).text
    assert 'id="partial"' in partial
    assert "matches 1 of 2 words: xinjiang" in partial
    whole = viewer.get("/directory", params={"q": "xinjiang"}).text
    assert 'id="partial"' not in whole
    nothing = viewer.get("/directory", params={"q": "zzyzxq qqxqq"}).text
    assert "No hits." in nothing
    assert 'id="partial"' not in nothing


def test_the_user_list_says_when_each_user_last_signed_in(estate: Estate, clients: Clients) -> None:
    store = open_store(estate.db)
    try:
        create_user(store, "newcomer", "viewer", "a-long-newcomer-password", "test")
    finally:
        store.engine.dispose()
    clients.signed_in("vic")  # signs in now
    users = {u["name"]: u for u in clients.bearer("alice").get("/api/users").json()}
    assert users["newcomer"]["last_sign_in"] is None
    vic = dt.datetime.fromisoformat(users["vic"]["last_sign_in"])
    assert dt.datetime.now(dt.UTC) - vic.replace(tzinfo=vic.tzinfo or dt.UTC) < dt.timedelta(minutes=10)
    page = clients.signed_in("alice").get("/admin/users").text
    row = re.search(r"<td>newcomer</td>.*?</tr>", page, re.S)
    assert row
    assert "never" in row[0]


def test_the_overview_follows_a_status_change_at_once(estate: Estate, clients: Clients) -> None:
    from covered.web.queries import data_version

    editor = clients.bearer("ed")
    before = editor.get("/api/overview").json()
    store = open_store(estate.db)
    try:
        version = data_version(store)
        finding = editor.get("/api/findings", params={"status": "open", "state": "present"}).json()["rows"][0]
        changed = editor.post(
            f"/api/findings/{finding['id']}/status", json={"status": "planned", "reason": "replacement ordered"}
        )
        assert changed.status_code == 200, changed.text
        assert data_version(store) != version
        after = editor.get("/api/overview").json()
        assert after["findings_by_status"].get("planned", 0) == before["findings_by_status"].get("planned", 0) + 1
        editor.post(f"/api/findings/{finding['id']}/status", json={"status": "open", "reason": "back to open"})
    finally:
        store.engine.dispose()
