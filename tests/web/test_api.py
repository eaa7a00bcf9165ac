"""The dashboard over real HTTP: sign-in, roles, CSRF, tokens, escaping of device text, and clean errors."""

from __future__ import annotations

import datetime as dt
import html
import re
import socket
import threading
import time
from ipaddress import ip_address
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from covered.registry import Registry
from covered.store import open_store
from covered.store.schema import AuditRow, DeviceRow, FindingRow, SightingRow, address_key
from covered.web import create_app
from covered.web.users import create_token, create_user
from tests.web.conftest import Clients, Estate, csrf_of, free_port, login_token

PAGES = ["/", "/devices", "/devices/1", "/findings", "/audit", "/scans", "/directory", "/lookup", "/records/hikvision"]
API = ["/api/overview", "/api/devices", "/api/devices/1", "/api/findings", "/api/audit", "/api/scans", "/api/bans"]


def test_nothing_but_the_login_page_without_a_session(clients: Clients) -> None:
    anonymous = clients.anonymous()
    for path in [*PAGES, "/admin/users", "/api/docs"]:
        response = anonymous.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next="), path
    for path in [*API, "/api/openapi.json", "/api/lookup?q=Lorex"]:
        response = anonymous.get(path)
        assert response.status_code == 401, path
        assert response.json() == {"error": "sign in or send an API token (Authorization: Bearer ...)"}
    assert anonymous.get("/login").status_code == 200
    # A forged cookie is no session.
    anonymous.cookies.set("covered_session", "forged")
    assert anonymous.get("/devices").status_code == 303
    assert anonymous.get("/api/devices", headers={"Authorization": "Bearer cov_forged"}).status_code == 401


def test_sign_in_checks_password_and_login_csrf_and_sign_out_ends_the_session(clients: Clients) -> None:
    client = clients.anonymous()
    wrong = client.post("/login", data={"name": "vic", "password": "nope-nope-nope", "login_csrf": login_token(client)})
    assert wrong.status_code == 401
    assert "Wrong name or password." in wrong.text
    assert "covered_session" not in client.cookies
    # A login form posted from elsewhere lacks the login cookie: refused.
    cross_site = clients.anonymous()
    refused = cross_site.post("/login", data={"name": "vic", "password": "vic-viewer-password", "login_csrf": "x"})
    assert refused.status_code == 403
    client = clients.signed_in("vic")
    assert client.get("/devices").status_code == 200
    cookie = client.cookies["covered_session"]
    assert client.post("/logout", data={"csrf": csrf_of(client)}).status_code == 303
    again = clients.anonymous(cookies={"covered_session": cookie})
    assert again.get("/devices").status_code == 303  # the old cookie no longer works


def test_open_redirects_are_refused(clients: Clients) -> None:
    client = clients.anonymous()
    response = client.post(
        "/login",
        data={
            "name": "vic",
            "password": "vic-viewer-password",
            "login_csrf": login_token(client),
            "next": "//evil.example/",
        },
    )
    assert response.headers["location"] == "/"


def test_pages_and_api_answer_for_a_viewer(estate: Estate, clients: Clients) -> None:
    client = clients.signed_in("vic")
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert "Content-Security-Policy" in response.headers
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    api = clients.bearer("vic")
    for path in API:
        assert api.get(path).status_code == 200, path
    devices = api.get("/api/devices", params={"vendor": "dahua", "sort": "address"}).json()
    assert devices["total"] >= 2
    assert {row["vendor"] for row in devices["rows"]} == {"dahua"}
    assert [r["address"] for r in devices["rows"]] == sorted((r["address"] for r in devices["rows"]), key=ip_address)
    lorex = next(r for r in api.get("/api/devices", params={"q": "127.39.0.3"}).json()["rows"])
    assert lorex["vendor"] == "dahua"
    overview = api.get("/api/overview").json()
    assert overview["devices"] == api.get("/api/devices", params={"state": "present"}).json()["total"]
    assert overview["restricted"] >= 7
    bans = api.get("/api/bans", params={"country": "GB"}).json()
    assert bans["count"] == len(bans["events"]) > 0
    assert all(e["country"] == "GB" for e in bans["events"])
    assert all(e["quote"] and e["source"] for e in bans["events"])
    lookup = api.get("/api/lookup", params={"q": "Lorex"}).json()
    assert lookup["matches"][0]["makers"][0]["id"] == "dahua"
    assert lookup["matches"][0]["makers"][0]["restricted"] is True
    diff = api.get("/api/scans/diff", params={"a": estate.scans[0], "b": estate.scans[1]}).json()
    assert diff == {"new": [], "gone": [], "changed": []}
    spec = api.get("/api/openapi.json").json()
    assert {"/api/devices", "/api/bans", "/api/lookup", "/api/findings/{finding_id}/status"} <= set(spec["paths"])
    docs = client.get("/api/docs").text
    # Swagger UI is served locally, not from a CDN.
    assert "https://" not in docs
    assert "http://" not in docs


def test_device_text_is_escaped(estate: Estate, clients: Clients) -> None:
    client = clients.signed_in("vic")
    api = clients.bearer("vic")
    row = api.get("/api/devices", params={"q": estate.script_device}).json()["rows"][0]
    detail = api.get(f"/api/devices/{row['id']}").json()
    said = [o["value"] for o in detail["observations"] if "<script>alert(1)</script>" in o["value"]]
    assert said, "the script-banner device's answers were stored verbatim"
    page = client.get(f"/devices/{row['id']}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page


def test_roles_and_csrf_guard_status_changes(clients: Clients) -> None:
    api_as = {name: clients.bearer(name) for name in ("vic", "ed")}
    finding = api_as["vic"].get("/api/findings", params={"status": "open"}).json()["rows"][0]
    change = {"status": "planned", "reason": "replacement ordered, PO 4411"}
    assert api_as["vic"].post(f"/api/findings/{finding['id']}/status", json=change).status_code == 403
    done = api_as["ed"].post(f"/api/findings/{finding['id']}/status", json=change)
    assert done.status_code == 200, done.text
    detail = api_as["vic"].get(f"/api/devices/{finding['device_id']}").json()
    assert next(f for f in detail["findings"] if f["id"] == finding["id"])["status"] == "planned"
    entry = detail["audit"][-1]
    assert (entry["actor"], entry["action"], entry["after"], entry["reason"]) == (
        "ed",
        "remediate",
        '"planned"',
        "replacement ordered, PO 4411",
    )
    # With a cookie, the API needs the CSRF header, and forms need the CSRF field.
    browser = clients.signed_in("ed")
    back = {"status": "open", "reason": "order cancelled"}
    assert browser.post(f"/api/findings/{finding['id']}/status", json=back).status_code == 403
    assert browser.post(f"/findings/{finding['id']}/status", data={**back, "csrf": "wrong"}).status_code == 403
    ok = browser.post(f"/api/findings/{finding['id']}/status", json=back, headers={"X-CSRF-Token": csrf_of(browser)})
    assert ok.status_code == 200, ok.text
    # A transition the workflow forbids is a clear 400.
    bad = api_as["ed"].post(f"/api/findings/{finding['id']}/status", json={"status": "flying", "reason": "x"})
    assert bad.status_code == 400
    assert "choose from open, planned" in bad.json()["error"]
    # Only admins manage users.
    assert clients.signed_in("ed").get("/admin/users").status_code == 403
    assert clients.signed_in("alice").get("/admin/users").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("get", "/devices?page=abc", {}, 400),
        ("get", "/devices?page=0", {}, 400),
        ("get", "/devices?sort=password_hash", {}, 400),
        ("get", "/devices/not-a-number", {}, 400),
        ("get", "/devices/999999", {}, 404),
        ("get", "/records/no-such-record", {}, 404),
        ("get", "/directory?since=20x", {}, 400),
        ("get", "/directory?vendor=nobody", {}, 400),
        ("get", "/lookup?q=" + "x" * 5000, {}, 400),
        ("get", "/no/such/page", {}, 404),
        ("get", "/api/devices?restricted=maybe", {}, 400),
        (
            "post",
            "/api/findings/1/status",
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
            400,
        ),
        ("post", "/api/findings/1/status", {"json": {"status": "planned"}}, 400),
        ("post", "/api/findings/999999/status", {"json": {"status": "planned", "reason": "x"}}, 404),
        ("get", "/api/scans/diff?a=1&b=99999", {}, 404),
        # Ids past a 64-bit integer name no row: not found, never a driver overflow (a 500).
        ("get", "/api/devices/9223372036854775808", {}, 404),
        ("get", "/api/devices/100000000000000000000", {}, 404),
        ("get", "/devices/9223372036854775808", {}, 404),
        ("get", "/devices/100000000000000000000", {}, 404),
        ("post", "/api/findings/9223372036854775808/status", {"json": {"status": "planned", "reason": "x"}}, 404),
        (
            "post",
            "/findings/100000000000000000000/status",
            {"data": {"status": "planned", "reason": "x", "csrf": "-"}},
            404,
        ),
        ("get", "/api/scans/diff?a=1&b=9223372036854775808", {}, 404),
        ("get", "/scans?a=100000000000000000000&b=1", {}, 404),
    ],
)
def test_malformed_requests_get_clear_errors_never_a_traceback(
    clients: Clients, method: str, path: str, kwargs: dict, status: int
) -> None:
    client = clients.bearer("ed")
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status, response.text[:500]
    assert "Traceback" not in response.text
    assert 'File "' not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    if path.startswith("/api/"):
        assert response.json()["error"]
    else:
        assert re.search(r'<p class="error" role="alert">[^<]+</p>', response.text)


def _raw_exchange(estate: Estate, request: bytes, body_chunks: int = 0, chunk: bytes = b"") -> tuple[bytes, float]:
    """Send a request head (and optionally chunked body parts) on a plain socket; the answer and its delay."""
    host, port = estate.base_url.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        try:
            for _ in range(body_chunks):
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed while the rest was still on its way
        answer = b""
        while b"\r\n\r\n" not in answer:
            part = sock.recv(65536)
            if not part:
                break
            answer += part
    return answer, time.monotonic() - started


def test_an_oversized_body_is_refused_before_it_is_read_or_anyone_is_signed_in(estate: Estate) -> None:
    # 200 MiB declared, nothing sent: the answer comes at once, without waiting for the body.
    head = (
        b"POST /api/findings/1/status HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        b"Content-Length: 209715200\r\n\r\n"
    )
    answer, took = _raw_exchange(estate, head)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"x-content-type-options: nosniff" in answer.lower()
    assert took < 5
    # A chunked body gives no length up front: counted as it streams, refused past the limit (1 MiB).
    head = (
        b"POST /findings/1/status HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded"
        b"\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    answer, _ = _raw_exchange(estate, head, body_chunks=40, chunk=b"a" * 65536)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    # A body under the limit still reaches the sign-in check.
    client = httpx.Client(base_url=estate.base_url, timeout=10)
    with client:
        small = client.post(
            "/api/findings/1/status", content=b"{}" + b" " * 1000, headers={"content-type": "application/json"}
        )
    assert small.status_code == 401


def test_head_is_answered_wherever_get_is(clients: Clients) -> None:
    client = clients.signed_in("vic")
    for path in ["/", "/devices", "/devices/1", "/directory", "/login", "/static/style.css"]:
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b"", path
        assert head.headers["content-type"] == got.headers["content-type"], path
    assert clients.anonymous().head("/devices").status_code == 303
    assert clients.bearer("vic").head("/api/devices").status_code == 200


def test_a_crash_is_the_error_page_with_the_security_headers_and_keeps_the_connection(
    registry: Registry, tmp_path: Path
) -> None:
    import uvicorn

    store = open_store(tmp_path / "crash.db")
    create_user(store, "ann", "admin", "ann-admin-password", "test")
    token = create_token(store, "ann", "tests", "test")
    app = create_app(store, registry)

    @app.get("/api/crash")
    async def crash() -> None:
        raise RuntimeError("a bug")

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.05)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            response = client.get("/api/crash", headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 500
            assert "incident" in response.json()["error"]
            assert response.headers["x-frame-options"] == "DENY"
            assert response.headers["cache-control"] == "no-store"
            assert response.headers.get("connection") != "close"
            # The same connection carries the next request (a reset one would need a new connection).
            pool = client._transport._pool  # type: ignore[attr-defined]
            assert len(pool.connections) == 1
            assert client.get("/login").status_code == 200
            assert len(pool.connections) == 1
    finally:
        server.should_exit = True
        thread.join(10)


def _audit(api: httpx.Client, action: str) -> list[dict]:
    rows = api.get("/api/audit").json()["rows"]
    return [r for r in rows if r["action"] == action]


def test_accounts_roles_disable_and_tokens_from_the_admin_page_and_the_api(estate: Estate, clients: Clients) -> None:
    admin = clients.signed_in("alice")
    csrf = csrf_of(admin)
    api = clients.bearer("alice")
    # The last enabled admin cannot be demoted or disabled, from the form or the API.
    demote = admin.post("/admin/users/alice/role", data={"role": "viewer", "csrf": csrf})
    assert demote.status_code == 400
    assert "Role: alice is the last enabled admin" in demote.text
    assert "--role" not in demote.text
    assert api.post("/api/users/alice/role", json={"role": "editor"}).json()["error"].startswith("role: alice is")
    assert admin.post("/admin/users/alice/disabled", data={"disabled": "yes", "csrf": csrf}).status_code == 400
    assert {u["name"]: u["role"] for u in api.get("/api/users").json()}["alice"] == "admin"
    # A role change needs no new password: the old one keeps working.
    store = open_store(estate.db)
    create_user(store, "rita", "viewer", "rita-viewer-password", "test")
    rita_token = create_token(store, "rita", "rita's script", "test")
    store.engine.dispose()
    assert admin.post("/admin/users/rita/role", data={"role": "editor", "csrf": csrf}).status_code == 303
    assert {u["name"]: u["role"] for u in api.get("/api/users").json()}["rita"] == "editor"
    assert _audit(api, "user-role")[0]["target"] == "user rita"
    rita = clients.anonymous()
    signed = rita.post(
        "/login", data={"name": "rita", "password": "rita-viewer-password", "login_csrf": login_token(rita)}
    )
    assert signed.status_code == 303
    # Disabling ends the sessions and stops the tokens; enabling lets the token work again.
    rita_api = clients.anonymous(headers={"Authorization": f"Bearer {rita_token}"})
    assert rita_api.get("/api/devices").status_code == 200
    assert admin.post("/admin/users/rita/disabled", data={"disabled": "yes", "csrf": csrf}).status_code == 303
    assert rita.get("/devices").status_code == 303
    assert rita_api.get("/api/devices").status_code == 401
    assert api.post("/api/users/rita/disabled", json={"disabled": False}).status_code == 200
    assert rita_api.get("/api/devices").status_code == 200
    assert [e["after"] for e in _audit(api, "user-disabled")[:2]] == ["false", "true"]
    # Tokens are listed without their values and can be revoked, from the page or the API.
    tokens = api.get("/api/tokens").json()
    mine = next(t for t in tokens if t["user"] == "rita")
    assert mine["label"] == "rita's script"
    assert rita_token not in str(tokens)
    page = admin.get("/admin/users").text
    assert f'action="/admin/tokens/{mine["id"]}/revoke"' in page
    # With a cookie the API wants the CSRF header.
    assert admin.delete(f"/api/tokens/{mine['id']}").status_code == 403
    assert admin.delete(f"/api/tokens/{mine['id']}", headers={"X-CSRF-Token": csrf}).status_code == 200
    assert rita_api.get("/api/devices").status_code == 401
    assert _audit(api, "token-revoked")[0]["reason"] == f"API token {mine['id']} revoked"
    assert api.delete("/api/tokens/9223372036854775808").status_code == 404
    # Viewers and editors see none of it.
    assert clients.bearer("ed").get("/api/users").status_code == 403
    assert clients.bearer("vic").get("/api/tokens").status_code == 403


def test_form_errors_speak_the_forms_words_and_keep_what_was_typed(clients: Clients) -> None:
    editor = clients.signed_in("ed")
    csrf = csrf_of(editor)
    api = clients.bearer("ed")
    finding = api.get("/api/findings", params={"status": "open"}).json()["rows"][-1]
    typed = {"status": "exempted", "reason": "signed off by the site lead, ticket 7781", "csrf": csrf}
    response = editor.post(f"/findings/{finding['id']}/status", data=typed)
    assert response.status_code == 400
    assert "--" not in response.text.split('role="alert">', 1)[1].split("</p>", 1)[0]
    assert "Waiver: an exemption needs “Waiver” and “Expires”" in response.text
    assert 'value="signed off by the site lead, ticket 7781"' in response.text
    assert '<option value="exempted" selected>' in response.text
    error = api.post(f"/api/findings/{finding['id']}/status", json={"status": "exempted", "reason": "x"})
    assert error.json()["error"] == "waiver: an exemption needs waiver and expires"
    admin = clients.signed_in("alice")
    bad_name = admin.post(
        "/admin/users", data={"name": "new person", "role": "editor", "password": "x" * 16, "csrf": csrf_of(admin)}
    )
    assert bad_name.status_code == 400
    assert "Name: a user name is 1-120 characters without spaces" in bad_name.text
    assert 'value="new person"' in bad_name.text
    directory = editor.get("/directory", params={"since": "20x", "country": "GB"})
    assert directory.status_code == 400
    assert "Since: &#39;20x&#39; is not a date" in directory.text
    assert 'value="20x"' in directory.text
    assert 'value="GB"' in directory.text


def test_every_choice_of_the_directory_menus_is_a_value_it_accepts(clients: Clients) -> None:
    client = clients.signed_in("vic")
    form = client.get("/directory").text
    menus = dict(re.findall(r'<select name="(\w+)">(.*?)</select>', form, re.S))
    assert set(menus) >= {"vendor", "country", "action", "reason", "actor_type", "status"}
    for name, options in menus.items():
        values = [v for v in re.findall(r'<option value="([^"]*)"', options) if v]
        assert values, name
        for value in values:
            response = client.get("/directory", params={name: value})
            assert response.status_code == 200, (name, value, response.text[:300])
            # Every choice offered is one some event has: it never lists nothing.
            assert "No event matches." not in response.text, (name, value)


def test_overview_tiles_count_exactly_what_their_links_list(estate: Estate, clients: Clients) -> None:
    api = clients.bearer("vic")
    client = clients.signed_in("vic")
    store = open_store(estate.db)
    # One restricted device with an open finding goes, so present and gone devices both exist.
    with store.session() as session, session.begin():
        device = session.scalars(
            select(DeviceRow)
            .join(FindingRow, FindingRow.device_id == DeviceRow.id)
            .where(DeviceRow.restricted.is_(True), FindingRow.status == "open")
        ).first()
        assert device is not None
        device.gone_since, gone_id = dt.datetime.now(dt.UTC), device.id
        # One open finding of a present device is overdue, and another was removed today.
        late, done = session.scalars(
            select(FindingRow)
            .join(DeviceRow, DeviceRow.id == FindingRow.device_id)
            .where(DeviceRow.gone_since.is_(None), FindingRow.status == "open")
            .limit(2)
        ).all()
        saved = {late.id: (late.status, late.due, late.updated_at), done.id: (done.status, done.due, done.updated_at)}
        late.due = dt.date.today() - dt.timedelta(days=3)
        done.status, done.updated_at = "removed", dt.datetime.now(dt.UTC)
        # Every path that changes what the overview counts writes an audit entry (or a scan); so does this one,
        # which is what tells the dashboard's cache that its counts are stale.
        session.add(AuditRow(actor="test", action="test", target=f"device {device.key}", reason="simulated change"))
    try:
        tiles = re.findall(r'<li[^>]*><a href="(/[^"]+)"><strong>(\d+)</strong>', client.get("/").text)
        assert len(tiles) == 11  # five questions of the day, six counts of the estate
        for href, shown in tiles:
            listed = api.get("/api" + href.replace("&amp;", "&")).json()["total"]
            assert listed == int(shown), href
        overview = api.get("/api/overview").json()
        assert overview["gone"] >= 1
        assert overview["open_findings_gone"] >= 1
        assert overview["overdue"] >= 1
        assert overview["removed_this_month"] >= 1
        assert sum(overview["devices_by_vendor"].values()) == overview["devices"]
        assert sum(site["devices"] for site in overview["sites"]) == overview["devices"]
    finally:
        with store.session() as session, session.begin():
            row = session.get(DeviceRow, gone_id)
            assert row is not None
            row.gone_since = None
            session.add(AuditRow(actor="test", action="test", target=f"device {row.key}", reason="undone"))
            for finding_id, (status, due, updated_at) in saved.items():
                finding = session.get(FindingRow, finding_id)
                assert finding is not None
                finding.status, finding.due, finding.updated_at = status, due, updated_at
        store.engine.dispose()


def test_open_findings_and_findings_under_review_are_counted_apart(clients: Clients) -> None:
    api = clients.bearer("vic")
    rows = api.get("/api/devices", params={"restricted": "yes"}).json()["rows"]
    rows += api.get("/api/devices", params={"restricted": "unknown"}).json()["rows"]
    reviewed = 0
    for row in rows:
        statuses = [f["status"] for f in api.get(f"/api/devices/{row['id']}").json()["findings"]]
        assert row["open_findings"] == statuses.count("open"), row["address"]
        assert row["review_findings"] == statuses.count("review"), row["address"]
        reviewed += statuses.count("review")
    assert reviewed >= 1, "the estate has findings under review"
    # A finding under review is not offered as "open" in its status form.
    editor = clients.signed_in("ed")
    review = api.get("/api/findings", params={"status": "review"}).json()["rows"][0]
    page = editor.get(f"/devices/{review['device_id']}").text
    form = page.split(f'action="/findings/{review["id"]}/status"', 1)[1].split("</form>", 1)[0]
    assert "choose (now review)" in form
    assert re.search(r'<option value="\w+" selected>', form) is None


def test_every_record_link_on_findings_and_record_pages_leads_somewhere(clients: Clients) -> None:
    client = clients.signed_in("vic")
    links: set[str] = set()
    findings = client.get("/findings").text
    pages = int(re.search(r"page 1 of (\d+)", findings).group(1))  # type: ignore[union-attr]
    for number in range(1, min(pages, 20) + 1):
        links |= set(re.findall(r'href="(/records/[^"#]+)"', client.get("/findings", params={"page": number}).text))
    assert any(link.lower().startswith("/records/cve-") for link in links), "a CVE finding links to its record"
    directory = client.get("/directory").text
    links |= set(re.findall(r'href="(/records/[^"#]+)"', directory)[:80])
    checked: set[str] = set()
    for link in sorted(links):
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
        checked.add(link)
        # A record page links only to records that exist (a source given as a URL or a repository path is no id).
        for inner in set(re.findall(r'href="(/records/[^"#]+)"', response.text)) - checked:
            assert client.get(inner).status_code == 200, (link, inner)
            checked.add(inner)
    assert len(checked) >= 20


def test_addresses_sort_numerically_and_a_page_past_the_end_shows_the_last(clients: Clients) -> None:
    api = clients.bearer("vic")
    for order in ("asc", "desc"):
        rows = api.get("/api/devices", params={"sort": "address", "order": order}).json()["rows"]
        addresses = [r["address"] for r in rows]
        assert any(a.endswith(".10") for a in addresses)  # two-digit last octets, where text order goes wrong
        assert addresses == sorted(addresses, key=ip_address, reverse=order == "desc")
    # The key orders IPv6 numerically too, after IPv4, and never fails on a name.
    mixed = ["fe80::10", "10.0.0.10", "::1", "fe80::9", "10.0.0.9", "camera-lobby", "2001:db8::1"]
    assert sorted(mixed, key=lambda a: address_key(a) or "") == [
        "10.0.0.9",
        "10.0.0.10",
        "::1",
        "2001:db8::1",
        "fe80::9",
        "fe80::10",
        "camera-lobby",
    ]
    last = api.get("/api/devices", params={"page": 6}).json()
    assert last["page"] == last["pages"]
    assert last["rows"], "the last page's rows, not an empty page"
    page = clients.signed_in("vic").get("/devices", params={"page": 6}).text
    assert f"page {last['pages']} of {last['pages']}" in page
    assert "No device matches." not in page


def test_scan_comparison_defaults_to_the_previous_and_latest_and_reads_like_a_page(
    estate: Estate, clients: Clients
) -> None:
    client = clients.signed_in("vic")
    first, second = estate.scans
    form = client.get("/scans").text
    menus = re.findall(r'<select name="([ab])">(.*?)</select>', form, re.S)
    chosen = {name: re.findall(r'<option value="(\d+)" selected>', options) for name, options in menus}
    assert chosen == {"a": [str(first)], "b": [str(second)]}
    # The first scan saw one device with no maker determined and no verdict: the diff says so in words.
    store = open_store(estate.db)
    with store.session() as session, session.begin():
        sighting = session.scalars(
            select(SightingRow).where(SightingRow.scan_id == first, SightingRow.vendor.is_not(None))
        ).first()
        assert sighting is not None
        saved = (sighting.id, sighting.vendor, sighting.restricted, sighting.device_id)
        sighting.vendor, sighting.restricted = None, None
    try:
        page = client.get("/scans", params={"a": first, "b": second}).text
        diff = page.split('<section id="diff">', 1)[1].split("</section>", 1)[0]
        assert f'<a href="/devices/{saved[3]}">' in diff
        assert f"vendor: not determined → {saved[1]}" in diff
        assert "restricted: not determined → " in diff
        assert "None" not in diff
        api = clients.bearer("vic").get("/api/scans/diff", params={"a": first, "b": second}).json()
        assert [r["device_id"] for r in api["changed"]] == [saved[3]]
    finally:
        with store.session() as session, session.begin():
            row = session.get(SightingRow, saved[0])
            assert row is not None
            row.vendor, row.restricted = saved[1], saved[2]
        store.engine.dispose()


def test_device_history_is_one_list_in_time_order(estate: Estate, clients: Clients) -> None:
    api = clients.bearer("vic")
    store = open_store(estate.db)
    # A finding's entry made between the two scans (as when an earlier import was assessed).
    with store.session() as session, session.begin():
        entry = session.scalars(select(AuditRow).where(AuditRow.target.like("finding %")).order_by(AuditRow.id)).first()
        assert entry is not None
        row = session.get(FindingRow, int(entry.target.split()[1]))
        assert row is not None
        finding = {"device_id": row.device_id}
        first_seen = session.scalars(
            select(SightingRow.seen_at).where(
                SightingRow.device_id == row.device_id, SightingRow.scan_id == estate.scans[1]
            )
        ).first()
        assert first_seen is not None
        saved = (entry.id, entry.at)
        entry.at = first_seen - dt.timedelta(seconds=1)
    try:
        detail = api.get(f"/api/devices/{finding['device_id']}").json()
        times = [e["at"] for e in detail["timeline"]]
        assert times == sorted(times, reverse=True)
        assert {e["kind"] for e in detail["timeline"]} == {"change", "sighting"}
        page = clients.signed_in("vic").get(f"/devices/{finding['device_id']}").text
        table = page.split('id="history-table"', 1)[1].split("</table>", 1)[0]
        shown = re.findall(r"<tr><td>(\d{4}-\d\d-\d\dT[\d:]+)</td>", table)
        assert len(shown) == len(times)
        assert shown == sorted(shown, reverse=True)
    finally:
        with store.session() as session, session.begin():
            row = session.get(AuditRow, saved[0])
            assert row is not None
            row.at = saved[1]
        store.engine.dispose()


def test_device_search_reads_maker_serial_firmware_and_macs_in_any_spelling(clients: Clients) -> None:
    api = clients.bearer("vic")
    rows = api.get("/api/devices").json()["rows"]

    def found(q: str) -> set[int]:
        return {r["id"] for r in api.get("/api/devices", params={"q": q}).json()["rows"]}

    with_mac = next(r for r in rows if r["mac"])
    bare = with_mac["mac"].replace(":", "")
    for spelling in (bare.upper(), with_mac["mac"].replace(":", "-"), bare[:6]):
        assert with_mac["id"] in found(spelling), spelling
    for field in ("serial", "firmware"):
        row = next(r for r in rows if r[field])
        assert row["id"] in found(row[field]), field
    assert found("dahua") >= {r["id"] for r in rows if r["vendor"] == "dahua"}


def test_lookup_knows_identified_models_and_brands_written_apart(clients: Clients) -> None:
    api = clients.bearer("vic")
    spaced = api.get("/api/lookup", params={"q": "hik vision"}).json()["matches"]
    assert any(m["as"] == "vendor" and m["record"] == "hikvision" for m in spaced)
    zte = next(r for r in api.get("/api/devices", params={"vendor": "zte"}).json()["rows"] if r["model"])
    model = zte["model"].split()[-1]  # "ZXHN H118N" -> "H118N", as a label or a quote gives it
    matches = api.get("/api/lookup", params={"q": model}).json()["matches"]
    seen = [m for m in matches if m["as"] == "model seen on this network"]
    assert seen, matches
    assert seen[0]["makers"][0]["id"] == "zte"
    assert seen[0]["makers"][0]["restricted"] is True
    page = clients.signed_in("vic").get("/lookup", params={"q": model}).text
    assert "Made by" in page
    assert "The devices with this model" in page


def test_the_api_document_says_how_to_sign_in_and_what_errors_look_like(clients: Clients) -> None:
    spec = clients.bearer("vic").get("/api/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["apiToken"] == {**schemes["apiToken"], "type": "http", "scheme": "bearer"}
    assert schemes["session"]["in"] == "cookie"
    assert spec["security"]
    operations = [(path, method, op) for path, item in spec["paths"].items() for method, op in item.items()]
    assert all("422" not in op["responses"] and "400" in op["responses"] for _, _, op in operations)
    changes = [(path, op) for path, method, op in operations if method in {"post", "delete"}]
    assert {path for path, _ in changes} >= {"/api/findings/{finding_id}/status", "/api/tokens/{token_id}"}
    for path, op in changes:
        assert "X-CSRF-Token" in [p["name"] for p in op["parameters"] if p["in"] == "header"], path
    bans = [p["name"] for p in spec["paths"]["/api/bans"]["get"]["parameters"]]
    assert bans == [
        "vendor",
        "country",
        "actor",
        "actor_type",
        "action",
        "reason",
        "status",
        "source",
        "since",
        "until",
    ]
    # What the document says is what the server does: a bad value is a 400 with an error.
    assert clients.bearer("vic").get("/api/devices", params={"page": "x"}).status_code == 400


def test_a_signed_in_users_error_pages_keep_the_navigation(clients: Clients) -> None:
    client = clients.signed_in("vic")
    for path in ["/no/such/page", "/devices/999999", "/records/nothing-here"]:
        response = client.get(path)
        assert response.status_code == 404
        assert '<a href="/devices"' in response.text, path
        assert "vic (viewer)" in response.text
    assert '<a href="/devices"' not in clients.anonymous().get("/no/such/page").text


def test_long_device_answers_fold_to_their_first_line(clients: Clients) -> None:
    api = clients.bearer("vic")
    longest: tuple[int, int] = (0, 0)
    for row in api.get("/api/devices").json()["rows"]:
        values = [o["value"] for o in api.get(f"/api/devices/{row['id']}").json()["observations"]]
        longest = max(longest, (max(map(len, values), default=0), row["id"]))
    assert longest[0] > 1000, "some device sends a favicon, certificate or page body"
    page = clients.signed_in("vic").get(f"/devices/{longest[1]}").text
    summaries = re.findall(r'<details class="fold"><summary><code>(.*?)</code>', page, re.S)
    assert summaries
    assert all(len(html.unescape(s)) <= 120 and "\n" not in s for s in summaries)
