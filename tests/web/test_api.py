"""The dashboard over real HTTP: sign-in, roles, CSRF, tokens, escaping of device text, and clean errors."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import Clients, Estate, csrf_of, login_token

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
    assert [r["address"] for r in devices["rows"]] == sorted(r["address"] for r in devices["rows"])
    lorex = next(r for r in api.get("/api/devices", params={"q": "127.39.0.3"}).json()["rows"])
    assert lorex["vendor"] == "dahua"
    overview = api.get("/api/overview").json()
    assert overview["devices"] == api.get("/api/devices").json()["total"]
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
        ("get", "/api/scans/diff?a=1&b=99999", {}, 400),
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
    if path.startswith("/api/"):
        assert response.json()["error"]
    else:
        assert re.search(r'<p class="error" role="alert">[^<]+</p>', response.text)
