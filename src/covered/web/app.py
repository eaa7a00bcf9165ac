"""The web dashboard: a FastAPI application serving HTML pages and a JSON API over the same queries.

Nothing but the sign-in page (and its stylesheet) is served without a session cookie or an API token.
Forms carry the session's CSRF token; API calls with a token need none, API calls with a cookie send it
in the X-CSRF-Token header. Device-supplied text reaches pages only through Jinja2's autoescaping.

Reads are short (indexed queries, one page of rows) and run directly on each worker's event loop, in arrival
order: measured with 50 concurrent clients, the thread pool's GIL contention doubled tail latency. Writes and
sign-in (argon2 takes tens of milliseconds by design) stay in the thread pool.
"""

import functools
import hmac
import logging
import re
import secrets
import threading
import uuid
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, ClassVar
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import Depends, FastAPI, Form, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from covered.errors import CoveredError, UsageError
from covered.registry import Registry
from covered.registry.query import parse_date_bound
from covered.report.registry_views import EVENT_CSV_FIELDS, citation, event_row, event_table, record_view
from covered.store import Store
from covered.store.tracking import diff_scans, remediate, remediate_findings
from covered.web import charts, downloads, queries
from covered.web.directory import (
    DIRECTORY_FILTERS,
    directory,
    directory_choices,
    directory_events,
    lookup,
    search_view,
)
from covered.web.summary import device_summary
from covered.web.users import (
    SESSION_HOURS,
    Role,
    SignInLocked,
    User,
    authenticate,
    create_user,
    end_session,
    list_tokens,
    list_users,
    revoke_token,
    session_user,
    set_disabled,
    set_role,
    start_session,
    token_user,
)

__all__ = ["create_app"]

log = logging.getLogger("covered.web")
SESSION_COOKIE = "covered_session"
LOGIN_COOKIE = "covered_login"
_HERE = Path(str(resources.files("covered.web")))
_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


class NotSignedIn(Exception):
    """No valid session or token."""


class Forbidden(Exception):
    """Signed in, but the role does not allow this."""


_STATUSES = ["open", "planned", "removed", "replaced", "exempted"]
PageNo = Annotated[int, Query(alias="page", ge=1, le=1_000_000)]
CACHED_ANSWERS = 512
"""Answers (an overview, a list page, a device page) each worker keeps until the data changes."""
MAX_BULK = 500
"""Most findings one bulk status change takes (a page shows 50)."""


class DeviceQuery(BaseModel):
    """Device list parameters."""

    q: str = Field("", max_length=200)
    vendor: str = Field("", max_length=64)
    site: str = Field("", max_length=120)
    restricted: str = Field("", max_length=8)
    state: str = Field("", max_length=8)
    sort: str = Field("id", max_length=16)
    order: str = Field("asc", max_length=4)

    def to_filter(self) -> queries.DeviceFilter:
        """The query as the store's filter."""
        return queries.DeviceFilter(**self.model_dump())


class FindingQuery(BaseModel):
    """Finding list parameters."""

    status: str = Field("", max_length=120, description="a status, or several separated by commas")
    profile: str = Field("", max_length=120)
    subject: str = Field("", max_length=255)
    obligation: str = Field("", max_length=32)
    state: str = Field("", max_length=8, description="the device's: present or gone")
    due: str = Field("", max_length=8, description="overdue, or soon (due within 30 days); unresolved findings only")
    site: str = Field("", max_length=120, description="the device's site ('none': no site)")
    since: str = Field("", max_length=10, description="YYYY-MM-DD: status last changed on or after that day")


class StatusChange(BaseModel):
    """A remediation status change."""

    status: str = Field(max_length=16, description="open, planned, removed, replaced or exempted")
    reason: str = Field(min_length=1, max_length=2000, description="Why; kept in the audit log.")
    waiver: str | None = Field(None, max_length=255, description="Waiver reference (exempted only).")
    expires: str | None = Field(None, max_length=10, description="Waiver expiry YYYY-MM-DD (exempted only).")


MAX_BODY = 1024 * 1024
"""Largest request body accepted (bytes): forms and JSON status changes are a few kilobytes."""


class _BodyLimit:
    """Pure ASGI middleware refusing bodies over MAX_BODY with 413 before any route, parser or sign-in check
    runs: by the declared Content-Length at once, and by counting the bytes of a streamed (chunked) body."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def _refuse(self, scope: Scope, send: Send) -> None:
        if scope["path"].startswith("/api/"):
            body, kind = b'{"error":"request body too large (at most 1 MiB)"}', b"application/json"
        else:
            body, kind = b"request body too large (at most 1 MiB)", b"text/plain; charset=utf-8"
        headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(scope, send)
            return
        received = 0
        started = refused = False

        async def counting() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit and not started:
                    # Answer now and tell the application the client left: whatever it does next is dropped.
                    refused = True
                    await self._refuse(scope, send)
                    return {"type": "http.disconnect"}
            return message

        async def tracking(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counting, tracking)


class _HeadAsGet:
    """Pure ASGI middleware answering HEAD wherever GET is answered: the GET's status and headers, no body
    (RFC 9110, section 9.3.2). FastAPI's routes, unlike Starlette's, do not add HEAD to GET routes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


class _CrashGuard:
    """Pure ASGI middleware turning an unexpected exception into the error page, inside the security-header
    middleware: Starlette's ServerErrorMiddleware sits outside every user middleware, so its 500 carried none
    of the headers and, re-raising, closed the keep-alive connection."""

    def __init__(self, app: ASGIApp, render: Callable[[Request, Exception], Awaitable[Response]]) -> None:
        self.app = app
        self.render = render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as exc:
            if started:
                raise  # part of the answer is on the wire: only closing the connection is left
            response = await self.render(Request(scope), exc)
            await response(scope, receive, send)


class RoleChange(BaseModel):
    """A new role for a user."""

    role: str = Field(max_length=16, description="viewer, editor or admin")


class DisabledChange(BaseModel):
    """Disable or enable an account."""

    disabled: bool = Field(description="true to disable (sessions end, tokens stop working), false to enable")


class _SecurityHeaders:
    """Pure ASGI middleware adding the security headers to every response (cheaper than BaseHTTPMiddleware)."""

    _always: ClassVar[list[tuple[bytes, bytes]]] = [
        (b"content-security-policy", _CSP.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
    ]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = scope["path"].startswith(("/static/", "/swagger/"))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += self._always
                if not cacheable:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


_FIELDS = {
    "NAME": "name",
    "DEVICE": "device",
    "--actor-type": "actor_type",
    "expires": "expires",
    "password": "password",
    "disabled": "disabled",
    "page": "page",
}
"""Option names the library's errors give (as the CLI spells them) and the form or API field each one is."""


def _field_of(option: str) -> str:
    return _FIELDS.get(option, option.removeprefix("--").replace("-", "_"))


def _label(field: str) -> str:
    return field.replace("_", " ").capitalize()


def web_message(exc: UsageError, *, api: bool) -> str:
    """A library error in the words of the form (or the API's field names), not the CLI's options."""

    def word(match: re.Match[str]) -> str:
        field = _field_of(match.group(1))
        return field if api else f"“{_label(field)}”"

    # "--waiver REFERENCE and --expires YYYY-MM-DD" -> "“Waiver” and “Expires”"; CLI hints in backticks go.
    text = re.sub(r"\s*\((?:see|run) `covered [^`]*`\)", "", exc.message)
    text = re.sub(r"(--[a-z][a-z-]*)(?: (?:[A-Z][A-Z-]+|YYYY-MM-DD))?", word, text)
    field = _field_of(exc.option)
    return f"{field if api else _label(field)}: {text}"


def _is_api(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") and path != "/api/docs"  # the docs are a page for people


def create_app(store: Store, registry: Registry, *, secure_cookies: bool = False) -> FastAPI:
    """The dashboard over one store and registry; ``secure_cookies`` when served over HTTPS."""
    app = FastAPI(
        title="covered",
        summary="Restricted-vendor equipment, the rules that bind you, and the evidence.",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    templates = Jinja2Templates(directory=str(_HERE / "templates"))
    templates.env.auto_reload = False  # templates ship with the package: no stat() per render
    templates.env.globals["role_allows"] = lambda user, needed: user is not None and user.role.allows(Role(needed))
    templates.env.globals["record_link"] = functools.lru_cache(maxsize=4096)(
        lambda value: _record_link(registry, value)
    )
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")
    # Swagger UI (OpenAPI 3.1 capable) as shipped in the fastapi-offline package: no CDN.
    app.mount("/swagger", StaticFiles(packages=[("fastapi_offline", "static")]), name="swagger")

    # --- security plumbing ---------------------------------------------------------------------------

    # Outermost first: HEAD becomes GET, then every answer (errors and 413s included) gets the headers.
    app.add_middleware(_CrashGuard, render=lambda request, exc: crashed(request, exc))
    app.add_middleware(_BodyLimit)
    app.add_middleware(_SecurityHeaders)
    app.add_middleware(_HeadAsGet)

    async def user(request: Request) -> User:
        authorization = request.headers.get("authorization", "")
        if authorization.lower().startswith("bearer "):
            found = token_user(store, authorization[7:].strip())
        else:
            found = session_user(store, request.cookies.get(SESSION_COOKIE))
        if found is None:
            raise NotSignedIn
        request.state.user = found
        return found

    def requiring(needed: Role) -> Callable[[User], Awaitable[User]]:
        async def allowed(current: Annotated[User, Depends(user)]) -> User:
            if not current.role.allows(needed):
                raise Forbidden
            return current

        return allowed

    def check_csrf(current: User, supplied: str | None) -> None:
        if current.csrf is None:
            return  # API token: no ambient credential, nothing to forge
        if not supplied or not hmac.compare_digest(supplied, current.csrf):
            raise Forbidden

    Viewer = Annotated[User, Depends(user)]
    Editor = Annotated[User, Depends(requiring(Role.EDITOR))]
    Admin = Annotated[User, Depends(requiring(Role.ADMIN))]

    def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        context.setdefault("user", getattr(request.state, "user", None))
        context.setdefault("path", request.url.path)
        return templates.TemplateResponse(request, name, context, status_code=status)

    def error(request: Request, status: int, message: str) -> Response:
        if _is_api(request):
            return JSONResponse({"error": message}, status_code=status)
        # A path no route knows never reached the sign-in check: look the session up, so the page keeps its menu.
        signed_in = getattr(request.state, "user", None)
        if signed_in is None:
            signed_in = session_user(store, request.cookies.get(SESSION_COOKIE))
        context = {"status": status, "message": message, "user": signed_in}
        return page(request, "error.html", context, status)

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _exc: NotSignedIn) -> Response:
        if _is_api(request):
            return JSONResponse(
                {"error": "sign in or send an API token (Authorization: Bearer ...)"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, _exc: Forbidden) -> Response:
        return error(request, 403, "not allowed: your role does not permit this, or the form expired (reload it)")

    @app.exception_handler(UsageError)
    async def bad_input(request: Request, exc: UsageError) -> Response:
        return error(request, 400, web_message(exc, api=_is_api(request)))

    @app.exception_handler(LookupError)
    async def not_found(request: Request, exc: LookupError) -> Response:
        return error(request, 404, str(exc.args[0]) if exc.args else "not found")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p not in {'query', 'body', 'path'})}: {e.get('msg')}"
            for e in exc.errors()
        )
        return error(request, 400, f"bad request: {problems}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(CoveredError)
    async def covered_error(request: Request, exc: CoveredError) -> Response:
        return error(request, 400, str(exc))

    async def crashed(request: Request, exc: Exception) -> Response:
        incident = uuid.uuid4().hex[:12]
        log.exception("incident %s on %s %s", incident, request.method, request.url.path, exc_info=exc)
        return error(request, 500, f"something went wrong on our side (incident {incident}); it has been logged")

    # --- sign in and out -------------------------------------------------------------------------

    def _safe_next(target: str) -> str:
        return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"

    def login_page(request: Request, next: str, message: str | None = None, status: int = 200) -> Response:
        # A fresh login-CSRF token, in the form and in a cookie: a form posted from elsewhere lacks the cookie.
        token = secrets.token_urlsafe(32)
        context = {"login_csrf": token, "next": _safe_next(next), "message": message}
        response = page(request, "login.html", context, status)
        response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=secure_cookies)
        return response

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    async def login_form(request: Request, next: str = "/") -> Response:
        return login_page(request, next)

    @app.post("/login", include_in_schema=False)
    def login(
        request: Request,
        name: Annotated[str, Form(max_length=120)],
        password: Annotated[str, Form(max_length=1024)],
        login_csrf: Annotated[str, Form(max_length=128)],
        next: Annotated[str, Form(max_length=2048)] = "/",
    ) -> Response:
        cookie = request.cookies.get(LOGIN_COOKIE, "")
        if not cookie or not hmac.compare_digest(cookie, login_csrf):
            raise Forbidden
        # Failures count per name and source address (a proxy in front makes every client one address).
        source = request.client.host if request.client else ""
        try:
            found = authenticate(store, name, password, source)
        except SignInLocked as exc:
            message = f"Too many failed sign-ins for this name from your address: try again in {exc.seconds} s."
            response = login_page(request, next, message, 429)
            response.headers["Retry-After"] = str(exc.seconds)
            return response
        if found is None:
            return login_page(request, next, "Wrong name or password.", 401)
        cookie_value, _ = start_session(store, found)
        response = RedirectResponse(_safe_next(next), status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            cookie_value,
            max_age=SESSION_HOURS * 3600,
            httponly=True,
            samesite="strict",
            secure=secure_cookies,
        )
        response.delete_cookie(LOGIN_COOKIE)
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, current: Viewer, csrf: Annotated[str, Form(max_length=128)]) -> Response:
        check_csrf(current, csrf)
        end_session(store, request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    # --- pages -------------------------------------------------------------------------------------

    versioned: OrderedDict[Hashable, tuple[tuple[Any, ...], Any]] = OrderedDict()
    versioned_lock = threading.Lock()

    def cached(key: Hashable, compute: Callable[[], Any]) -> Any:
        # Counts, lists and device pages are read far more often than the data changes: each worker keeps the
        # latest answers (up to CACHED_ANSWERS) until the data's fingerprint changes, which one cheap query
        # tells. At 10,000 devices the overview alone took 88 ms of queries per request.
        version = queries.data_version(store)
        with versioned_lock:
            hit = versioned.get(key)
            if hit is not None and hit[0] == version:
                versioned.move_to_end(key)
                return hit[1]
        answer = compute()
        with versioned_lock:
            versioned[key] = (version, answer)
            versioned.move_to_end(key)
            while len(versioned) > CACHED_ANSWERS:
                versioned.popitem(last=False)
        return answer

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def overview_page(request: Request, current: Viewer) -> Response:
        data = cached("overview", lambda: queries.overview(store))
        return page(
            request,
            "overview.html",
            {
                "data": data,
                # Each bar leads to the list it counts (present devices, as the counts are).
                "charts": [
                    charts.bar_chart(
                        "Devices by vendor", Counter(data["devices_by_vendor"]), _to("/devices", "vendor", "unknown")
                    ),
                    charts.bar_chart(
                        "Devices by site", Counter(data["devices_by_site"]), _to("/devices", "site", "none")
                    ),
                    charts.bar_chart(
                        "Findings by rule", Counter(data["findings_by_rule"]), _to("/findings", "subject")
                    ),
                    charts.bar_chart(
                        "Findings by status", Counter(data["findings_by_status"]), _to("/findings", "status")
                    ),
                    charts.column_chart("Removed or replaced, per week", data["removed_by_week"]),
                ],
            },
        )

    @app.get("/devices", response_class=HTMLResponse, include_in_schema=False)
    async def devices_page(
        request: Request, current: Viewer, f: Annotated[DeviceQuery, Query()], page_no: PageNo = 1
    ) -> Response:
        filters = f.to_filter()
        result = cached(
            ("devices", filters, page_no), lambda: queries.device_page(store, filters, page_no, evidence=False)
        )
        return page(
            request,
            "devices.html",
            {
                "result": result,
                "f": filters,
                "choices": choices(),
                "query": _query_string(request, drop={"page"}),
                "sort_query": _query_string(request, drop={"page", "sort", "order"}),
            },
        )

    @app.get("/devices.{fmt}", include_in_schema=False)
    def devices_download(current: Viewer, fmt: str, f: Annotated[DeviceQuery, Query()]) -> Response:
        """The device list's current view, every row, as CSV or XLSX."""
        if fmt not in downloads.FORMATS:
            raise LookupError(f"no download format {fmt!r} (csv, xlsx or pdf)")
        records, total = queries.device_export(store, f.to_filter())
        rows = downloads.device_rows(records)
        return downloads.download("devices", fmt, downloads.DEVICE_COLUMNS, rows, total, f.model_dump())

    @app.get("/findings.{fmt}", include_in_schema=False)
    def findings_download(current: Viewer, fmt: str, f: Annotated[FindingQuery, Query()]) -> Response:
        """The findings list's current view, every row, as CSV or XLSX."""
        if fmt not in downloads.FORMATS:
            raise LookupError(f"no download format {fmt!r} (csv, xlsx or pdf)")
        records, total = queries.finding_export(store, queries.FindingFilter(**f.model_dump()))
        rows = downloads.finding_rows(records)
        return downloads.download("findings", fmt, downloads.FINDING_COLUMNS, rows, total, f.model_dump())

    def choices() -> dict[str, list[str]]:
        # The vendors and sites in the filter menus change only when a scan or import is merged.
        return cached("device choices", lambda: queries.device_choices(store))  # type: ignore[no-any-return]

    @app.get("/leads", response_class=HTMLResponse, include_in_schema=False)
    async def leads_page(request: Request, current: Viewer) -> Response:
        return page(request, "leads.html", queries.lead_list(store))

    @app.get("/devices/{device_id}", response_class=HTMLResponse, include_in_schema=False)
    async def device_page(request: Request, current: Viewer, device_id: int) -> Response:
        return device_view(request, device_id)

    def device_view(
        request: Request, device_id: int, problem: dict[str, Any] | None = None, status: int = 200
    ) -> Response:
        detail = cached(("device", device_id), lambda: queries.device_detail(store, device_id))
        context = {
            "d": detail,
            "summary": device_summary(detail, vendor_names),
            "statuses": _STATUSES,
            "problem": problem or {},
        }
        return page(request, "device.html", context, status)

    vendor_names = {v.id: v.name for v in registry.vendors.values()}

    @app.post("/findings/{finding_id}/status", include_in_schema=False)
    def change_status_form(
        request: Request,
        current: Editor,
        finding_id: int,
        status: Annotated[str, Form(max_length=16)],
        reason: Annotated[str, Form(max_length=2000)],
        csrf: Annotated[str, Form(max_length=128)],
        waiver: Annotated[str, Form(max_length=255)] = "",
        expires: Annotated[str, Form(max_length=10)] = "",
    ) -> Response:
        check_csrf(current, csrf)
        try:
            device_id = _change_status(store, current, finding_id, status, reason, waiver, expires)
        except UsageError as exc:
            # The form comes back with what was typed and the problem beside it.
            typed = {"status": status, "reason": reason, "waiver": waiver, "expires": expires}
            problem = {"finding": finding_id, "message": web_message(exc, api=False), "values": typed}
            return device_view(request, _finding_device(store, finding_id), problem, 400)
        return RedirectResponse(f"/devices/{device_id}#history", status_code=303)

    @app.get("/findings", response_class=HTMLResponse, include_in_schema=False)
    async def findings_page(
        request: Request, current: Viewer, f: Annotated[FindingQuery, Query()], page_no: PageNo = 1
    ) -> Response:
        return findings_view(request, queries.FindingFilter(**f.model_dump()), page_no)

    def findings_view(
        request: Request,
        filters: queries.FindingFilter,
        page_no: int,
        problem: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Response:
        query = urlencode([(k, v) for k, v in vars(filters).items() if v])
        context = {
            "result": cached(("findings", filters, page_no), lambda: queries.finding_page(store, filters, page_no)),
            "f": filters,
            "choices": cached("finding choices", lambda: queries.finding_choices(store)),
            "query": query,
            "here": urlencode([*parse_qsl(query), ("page", str(page_no))]),
            "statuses": _STATUSES,
            "problem": problem or {},
        }
        return page(request, "findings.html", context, status)

    @app.post("/findings/status", include_in_schema=False)
    def bulk_status_form(
        request: Request,
        current: Editor,
        status: Annotated[str, Form(max_length=16)],
        reason: Annotated[str, Form(max_length=2000)],
        csrf: Annotated[str, Form(max_length=128)],
        finding: Annotated[list[int], Form(max_length=MAX_BULK)] = [],  # noqa: B006 (FastAPI copies defaults)
        waiver: Annotated[str, Form(max_length=255)] = "",
        expires: Annotated[str, Form(max_length=10)] = "",
        back: Annotated[str, Form(max_length=2000)] = "",
    ) -> Response:
        """Several findings to one status with one reason (the single form's rules); one audit entry each."""
        check_csrf(current, csrf)
        # Back to the list as it was: only the list's own parameters, re-encoded (never a URL the form supplies).
        kept = {k: v for k, v in parse_qsl(back) if k in {*FindingQuery.model_fields, "page"}}
        try:
            _change_statuses(store, current, finding, status, reason, waiver, expires)
        except UsageError as exc:
            typed = {"status": status, "reason": reason, "waiver": waiver, "expires": expires}
            problem = {"message": web_message(exc, api=False), "values": typed, "chosen": set(finding)}
            try:
                filters = FindingQuery.model_validate({k: v for k, v in kept.items() if k != "page"})
            except ValidationError:
                filters = FindingQuery()
            page_no = int(kept["page"]) if kept.get("page", "").isdigit() else 1
            return findings_view(request, queries.FindingFilter(**filters.model_dump()), page_no, problem, 400)
        return RedirectResponse(f"/findings?{urlencode(kept)}", status_code=303)

    @app.get("/audit", response_class=HTMLResponse, include_in_schema=False)
    async def audit_page(request: Request, current: Viewer, page_no: PageNo = 1) -> Response:
        return page(request, "audit.html", {"result": queries.audit_page(store, page_no), "query": ""})

    @app.get("/scans", response_class=HTMLResponse, include_in_schema=False)
    async def scans_page(request: Request, current: Viewer, a: int | None = None, b: int | None = None) -> Response:
        scans = queries.scan_list(store)
        difference = None
        if a is not None and b is not None:
            queries.check_scans(store, a, b)
            difference = _diff(store, a, b)
        # Until a pair is chosen, the menus offer the usual question: what changed since the previous scan?
        chosen_a = a if a is not None else (scans[1]["id"] if len(scans) > 1 else None)
        chosen_b = b if b is not None else (scans[0]["id"] if scans else None)
        context = {"scans": scans, "diff": difference, "a": a, "b": b, "chosen_a": chosen_a, "chosen_b": chosen_b}
        return page(request, "scans.html", context)

    @app.get("/directory", response_class=HTMLResponse, include_in_schema=False)
    async def directory_page(
        request: Request, current: Viewer, q: Annotated[str, Query(max_length=200)] = "", page_no: PageNo = 1
    ) -> Response:
        params = _directory_params(request)
        message, status = None, 200
        try:
            result, timeline, world = directory_view(tuple(sorted(params.items())))
        except UsageError as exc:
            # The filters come back as typed, with the problem above them.
            message, status = web_message(exc, api=False), 400
            result, timeline, world = {"events": [], "count": 0}, "", ""
        found = search_view(registry, q, page_no) if q.strip() else None
        return page(
            request,
            "directory.html",
            {
                "result": result,
                "params": params,
                "q": q,
                "search": found,
                "timeline": timeline,
                "map": world,
                "choices": menus,
                "message": message,
            },
            status,
        )

    menus = directory_choices(registry)

    @app.get("/directory.{fmt}", include_in_schema=False)
    def directory_download(request: Request, current: Viewer, fmt: str) -> Response:
        """The directory's current view (its filters), every event, as CSV, XLSX or JSON."""
        if fmt not in (*downloads.FORMATS, "json"):
            raise LookupError(f"no download format {fmt!r} (csv, xlsx, pdf or json)")
        params = _directory_params(request)
        events = directory_events(registry, params)
        if fmt == "json":
            newest, _ = registry.freshness([e.source for e in events])
            payload = {
                "filters": params,
                "count": len(events),
                "sources_as_of": newest.isoformat() if newest else None,
                "events": [event_row(registry, e) for e in events],
            }
            return downloads.json_download("directory", payload)
        rows = event_table(registry, events)
        return downloads.download("directory", fmt, EVENT_CSV_FIELDS, rows, len(rows), params)

    @functools.lru_cache(maxsize=256)
    def directory_view(params: tuple[tuple[str, str], ...]) -> tuple[dict[str, Any], str, str]:
        # The registry does not change while the server runs, so a filter's events and charts are computed once.
        result = directory(registry, dict(params))
        kept = dict(params)

        def year(label: str) -> str | None:
            view = kept | {"since": label, "until": label}
            return None if label == "unknown" else "/directory?" + urlencode(sorted(view.items()))

        def country(code: str) -> str:
            return "/directory?" + urlencode(sorted((kept | {"country": code}).items()))

        return (
            result,
            charts.column_chart("Events per year", result["by_year"], year),
            charts.world_map("Events by country", result["by_country"], country),
        )

    @app.get("/records/{record_id}", response_class=HTMLResponse, include_in_schema=False)
    async def record_page(request: Request, current: Viewer, record_id: str) -> Response:
        kind, view = _record(registry, record_id)
        source_text = None
        if kind in {"event", "fact"} and view.get("segment_record"):
            start, end = view["segment_record"]["offsets"]
            text = registry.text(view["source"]) or ""
            source_text = text[start:end]
        found = registry.find(record_id)
        permalink = str(request.url_for("record_page", record_id=record_id))
        cite = citation(registry, kind, found[1], permalink) if found is not None else None
        context = {"kind": kind, "view": view, "source_text": source_text, "cite": cite, "permalink": permalink}
        return page(request, "record.html", context)

    @app.get("/lookup", response_class=HTMLResponse, include_in_schema=False)
    async def lookup_page(request: Request, current: Viewer, q: Annotated[str, Query(max_length=200)] = "") -> Response:
        return page(
            request, "lookup.html", {"result": lookup(registry, q, queries.identified_models(store, q)), "q": q}
        )

    def users_view(
        request: Request, message: str | None = None, typed: dict[str, str] | None = None, status: int = 200
    ) -> Response:
        context = {
            "users": list_users(store),
            "tokens": list_tokens(store),
            "roles": [r.value for r in Role],
            "message": message,
            "typed": typed or {},
        }
        return page(request, "users.html", context, status)

    @app.get("/admin/users", response_class=HTMLResponse, include_in_schema=False)
    async def users_page(request: Request, current: Admin) -> Response:
        return users_view(request)

    @app.post("/admin/users", include_in_schema=False)
    def add_user(
        request: Request,
        current: Admin,
        name: Annotated[str, Form(max_length=120)],
        role: Annotated[str, Form(max_length=16)],
        password: Annotated[str, Form(max_length=1024)],
        csrf: Annotated[str, Form(max_length=128)],
    ) -> Response:
        check_csrf(current, csrf)
        try:
            create_user(store, name, role, password, current.name)
        except UsageError as exc:
            return users_view(request, web_message(exc, api=False), {"name": name, "role": role}, 400)
        return RedirectResponse("/admin/users", status_code=303)

    @app.post("/admin/users/{name}/role", include_in_schema=False)
    def change_role_form(
        request: Request,
        current: Admin,
        name: str,
        role: Annotated[str, Form(max_length=16)],
        csrf: Annotated[str, Form(max_length=128)],
    ) -> Response:
        check_csrf(current, csrf)
        try:
            set_role(store, name, role, current.name)
        except UsageError as exc:
            return users_view(request, web_message(exc, api=False), status=400)
        return RedirectResponse("/admin/users", status_code=303)

    @app.post("/admin/users/{name}/disabled", include_in_schema=False)
    def disable_form(
        request: Request,
        current: Admin,
        name: str,
        disabled: Annotated[str, Form(max_length=3)],
        csrf: Annotated[str, Form(max_length=128)],
    ) -> Response:
        check_csrf(current, csrf)
        try:
            set_disabled(store, name, disabled == "yes", current.name)
        except UsageError as exc:
            return users_view(request, web_message(exc, api=False), status=400)
        return RedirectResponse("/admin/users", status_code=303)

    @app.post("/admin/tokens/{token_id}/revoke", include_in_schema=False)
    def revoke_form(current: Admin, token_id: int, csrf: Annotated[str, Form(max_length=128)]) -> Response:
        check_csrf(current, csrf)
        revoke_token(store, _row_id(token_id, "API token"), current.name)
        return RedirectResponse("/admin/users#tokens", status_code=303)

    # --- JSON API --------------------------------------------------------------------------------

    @app.get("/api/overview", tags=["estate"])
    async def api_overview(current: Viewer) -> dict[str, Any]:
        """Counts: devices by vendor and site, findings by rule and status, removals per week."""
        return cached("overview", lambda: queries.overview(store))  # type: ignore[no-any-return]

    @app.get("/api/devices", tags=["estate"])
    async def api_devices(current: Viewer, f: Annotated[DeviceQuery, Query()], page_no: PageNo = 1) -> dict[str, Any]:
        """Tracked devices, filtered, sorted and paged (50 a page), as on the devices page."""
        return _page_json(queries.device_page(store, f.to_filter(), page_no))

    @app.get("/api/leads", tags=["estate"])
    async def api_leads(current: Viewer) -> dict[str, Any]:
        """Leads for review: devices whose maker is only suspected from weak signs (never a restricted claim)."""
        return queries.lead_list(store)

    @app.get("/api/devices/{device_id}", tags=["estate"])
    async def api_device(current: Viewer, device_id: int) -> dict[str, Any]:
        """One device: evidence chain, findings, history (sightings), raw observations and audit entries."""
        return queries.device_detail(store, device_id)

    @app.get("/api/findings", tags=["estate"])
    async def api_findings(current: Viewer, f: Annotated[FindingQuery, Query()], page_no: PageNo = 1) -> dict[str, Any]:
        """Kept findings with their remediation status, filtered and paged."""
        return _page_json(queries.finding_page(store, queries.FindingFilter(**f.model_dump()), page_no))

    @app.post("/api/findings/{finding_id}/status", tags=["estate"])
    def api_change_status(request: Request, current: Editor, finding_id: int, change: StatusChange) -> dict[str, Any]:
        """Move a finding to open, planned, removed, replaced or exempted (with waiver and expiry); audited."""
        check_csrf(current, request.headers.get("x-csrf-token"))
        device_id = _change_status(
            store, current, finding_id, change.status, change.reason, change.waiver or "", change.expires or ""
        )
        return {"finding": finding_id, "device": device_id, "status": change.status}

    @app.get("/api/audit", tags=["estate"])
    async def api_audit(current: Viewer, page_no: PageNo = 1) -> dict[str, Any]:
        """The audit log, newest first."""
        return _page_json(queries.audit_page(store, page_no))

    @app.get("/api/scans", tags=["estate"])
    async def api_scans(current: Viewer) -> list[dict[str, Any]]:
        """Scans and imports, newest first."""
        return queries.scan_list(store)

    @app.get("/api/scans/diff", tags=["estate"])
    async def api_diff(current: Viewer, a: int, b: int) -> dict[str, Any]:
        """Devices new in scan b, gone since scan a, and changed between them."""
        queries.check_scans(store, a, b)
        return _diff(store, a, b)

    @app.get("/api/bans", tags=["directory"])
    async def api_bans(request: Request, current: Viewer) -> dict[str, Any]:
        """Restriction events with the CLI's filters (vendor, country, actor, actor_type, action, reason, status,
        source: comma-separated; since, until: YYYY[-MM[-DD]]), with counts by year and country."""
        return directory(registry, _directory_params(request))

    @app.get("/api/records/{record_id}", tags=["directory"])
    async def api_record(current: Viewer, record_id: str) -> dict[str, Any]:
        """Any registry record (event, fact, vendor, brand, rule, actor...) with its source and quote."""
        kind, view = _record(registry, record_id)
        return view | {"kind": kind}

    @app.get("/api/search", tags=["directory"])
    async def api_search(
        current: Viewer, q: Annotated[str, Query(min_length=1, max_length=200)]
    ) -> list[dict[str, Any]]:
        """Ranked full-text search over events, facts, brands and rules."""
        from covered.report.registry_views import hit_row

        return [hit_row(registry, h) for h in registry.search_index.search(q, limit=50)]

    @app.get("/api/lookup", tags=["directory"])
    async def api_lookup(current: Viewer, q: Annotated[str, Query(max_length=200)]) -> dict[str, Any]:
        """Is brand X or model Y covered, and by what: the maker, the link's source, the rules naming it (models
        the scanner identified on this network included)."""
        return lookup(registry, q, queries.identified_models(store, q))

    @app.get("/api/users", tags=["accounts"])
    async def api_users(current: Admin) -> list[dict[str, Any]]:
        """Dashboard users (admins only): name, role, whether disabled, last sign-in; never a password hash."""
        return [
            u | {"created_at": str(u["created_at"]), "last_sign_in": str(u["last_sign_in"] or "") or None}
            for u in list_users(store)
        ]

    @app.post("/api/users/{name}/role", tags=["accounts"])
    def api_set_role(request: Request, current: Admin, name: str, change: RoleChange) -> dict[str, Any]:
        """Change a user's role (the password stays); the last enabled admin cannot lose the role. Audited."""
        check_csrf(current, request.headers.get("x-csrf-token"))
        set_role(store, name, change.role, current.name)
        return {"user": name, "role": change.role}

    @app.post("/api/users/{name}/disabled", tags=["accounts"])
    def api_set_disabled(request: Request, current: Admin, name: str, change: DisabledChange) -> dict[str, Any]:
        """Disable an account (its sessions end, its tokens stop working) or enable it again. Audited."""
        check_csrf(current, request.headers.get("x-csrf-token"))
        set_disabled(store, name, change.disabled, current.name)
        return {"user": name, "disabled": change.disabled}

    @app.get("/api/tokens", tags=["accounts"])
    async def api_tokens(current: Admin) -> list[dict[str, object]]:
        """API tokens: id, owner, label, created (never the token itself)."""
        return list_tokens(store)

    @app.delete("/api/tokens/{token_id}", tags=["accounts"])
    def api_revoke_token(request: Request, current: Admin, token_id: int) -> dict[str, Any]:
        """Revoke an API token: it no longer signs anyone in. Audited."""
        check_csrf(current, request.headers.get("x-csrf-token"))
        revoke_token(store, _row_id(token_id, "API token"), current.name)
        return {"revoked": token_id}

    def openapi_document() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _document_api(
                get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
            )
        return app.openapi_schema

    app.openapi = openapi_document  # type: ignore[method-assign]

    @app.get("/api/openapi.json", include_in_schema=False)
    async def openapi(current: Viewer) -> dict[str, Any]:
        return app.openapi()

    @app.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
    async def docs(request: Request, current: Viewer) -> Response:
        return page(request, "api_docs.html", {})

    from covered.web.exports import exports_router  # enforcement lists: page and downloads

    app.include_router(exports_router(store, registry, user, page))
    return app


def _diff(store: Store, a: int, b: int) -> dict[str, list[dict[str, Any]]]:
    """The scan difference with each row's device id, so pages can link to the device."""
    result = diff_scans(store, a, b)
    rows = [*result.new, *result.gone, *result.changed]
    ids = queries.device_ids(store, [r["device"] for r in rows])
    for row in rows:
        row["device_id"] = ids.get(row["device"])
    return {"new": result.new, "gone": result.gone, "changed": result.changed}


def _row_id(value: int, what: str) -> int:
    if not queries.storable_id(value):
        raise LookupError(f"no {what} {value}")
    return value


def _finding_device(store: Store, finding_id: int) -> int:
    from covered.store.schema import FindingRow

    with store.session() as session:
        row = session.get(FindingRow, finding_id) if queries.storable_id(finding_id) else None
        if row is None:
            raise LookupError(f"no finding {finding_id}")
        return row.device_id


def _change_statuses(
    store: Store, current: User, finding_ids: list[int], status: str, reason: str, waiver: str, expires: str
) -> list[int]:
    """Several findings to one status in one transaction (all or none); the ids that changed."""
    unknown = [i for i in finding_ids if not queries.storable_id(i)]
    if unknown:
        raise UsageError("--finding", f"no finding {unknown[0]}")
    until = parse_date_bound("expires", expires, end=True) if expires else None
    return remediate_findings(store, finding_ids, status, reason, current.name, waiver=waiver or None, expires=until)


def _change_status(
    store: Store, current: User, finding_id: int, status: str, reason: str, waiver: str, expires: str
) -> int:
    from covered.store.schema import FindingRow

    with store.session() as session:
        row = session.get(FindingRow, finding_id) if queries.storable_id(finding_id) else None
        if row is None:
            raise LookupError(f"no finding {finding_id}")
        device_id, subject, profile = row.device_id, row.subject, row.profile
    until = parse_date_bound("expires", expires, end=True) if expires else None
    remediate(
        store,
        str(device_id),
        status,
        reason,
        current.name,
        subject=subject,
        profile=profile,
        waiver=waiver or None,
        expires=until,
    )
    return device_id


_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
_DIRECTORY_HELP = {
    "since": "Events on or after this date: YYYY, YYYY-MM or YYYY-MM-DD.",
    "until": "Events on or before this date: YYYY, YYYY-MM or YYYY-MM-DD.",
}


def _document_api(spec: dict[str, Any]) -> dict[str, Any]:
    """What FastAPI cannot infer: how to sign in, the CSRF header, the 400 (never 422) errors, the ban filters."""
    components = spec.setdefault("components", {})
    components["securitySchemes"] = {
        "apiToken": {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token, made with `covered user token NAME` (sent as Authorization: Bearer ...).",
        },
        "session": {
            "type": "apiKey",
            "in": "cookie",
            "name": SESSION_COOKIE,
            "description": "The browser session of the sign-in page; changes then need the X-CSRF-Token header.",
        },
    }
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Error"] = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}
    spec["security"] = [{"apiToken": []}, {"session": []}]
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)  # the app answers bad input with 400 and {"error": ...}
            responses["400"] = {"description": "Bad input: the error names the parameter", "content": _ERROR}
            responses["401"] = {"description": "No session and no valid API token", "content": _ERROR}
            responses["403"] = {
                "description": "The role does not allow this, or the CSRF token is missing",
                "content": _ERROR,
            }
            if "{" in path:
                responses["404"] = {"description": "No such record", "content": _ERROR}
            if method in {"post", "put", "patch", "delete"}:
                responses["413"] = {"description": "Request body over 1 MiB", "content": _ERROR}
                operation.setdefault("parameters", []).append(
                    {
                        "name": "X-CSRF-Token",
                        "in": "header",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "The session's CSRF token (in every page's forms): needed with the session "
                        "cookie, not with an API token.",
                    }
                )
    bans = spec.get("paths", {}).get("/api/bans", {}).get("get")
    if bans is not None:
        bans["parameters"] = [
            {
                "name": name,
                "in": "query",
                "required": False,
                "schema": {"type": "string", "maxLength": 200},
                "description": _DIRECTORY_HELP.get(name, f"One {name.replace('_', ' ')} or several, comma-separated."),
            }
            for name in DIRECTORY_FILTERS
        ]
    return spec


def _vulnerability(registry: Registry, record_id: str) -> Any:
    """The known-exploited vulnerability with this id or CVE number (findings name it 'CVE-2021-36260')."""
    folded = record_id.casefold()
    return next(
        (v for v in registry.vulnerabilities.values() if folded in {v.record.id.casefold(), v.record.cve.casefold()}),
        None,
    )


def _record(registry: Registry, record_id: str) -> tuple[str, dict[str, Any]]:
    found = registry.find(record_id)
    if found is not None:
        kind, record = found
        return kind, record_view(registry, kind, record)
    located = _vulnerability(registry, record_id)
    if located is not None:
        view = located.record.model_dump(mode="json")
        return "vulnerability", view | {"kind": "vulnerability", "defined_at": f"{located.path.name}:{located.line}"}
    raise LookupError(f"no record {record_id!r} in the registry")


def _record_link(registry: Registry, value: object) -> str | None:
    """Where a value shown on a page may link: a registry record's page or a web address; None otherwise
    (a source named by repository and path, a free-text reference)."""
    if not isinstance(value, str) or not value:
        return None
    if value.startswith(("https://", "http://")):
        return value
    if registry.find(value) is not None or _vulnerability(registry, value) is not None:
        return "/records/" + quote(value, safe="")
    return None


def _to(path: str, key: str, unknown: str | None = None) -> Callable[[str], str | None]:
    """A chart link to the present devices or findings with ``key`` set to the bar's label; the bar counting
    rows without a value ('unknown') links with ``unknown`` as the value, or not at all."""

    def link(label: str) -> str | None:
        value = unknown if label == "unknown" else label
        return None if value is None else f"{path}?{urlencode({key: value, 'state': 'present'})}"

    return link


def _directory_params(request: Request) -> dict[str, str]:
    params = {k: request.query_params.get(k, "")[:200] for k in DIRECTORY_FILTERS}
    return {k: v for k, v in params.items() if v}


def _query_string(request: Request, drop: set[str]) -> str:
    return urlencode([(k, v) for k, v in request.query_params.multi_items() if k not in drop and v])


def _page_json(result: queries.Page) -> dict[str, Any]:
    return {"total": result.total, "page": result.page, "pages": result.pages, "rows": result.rows}
