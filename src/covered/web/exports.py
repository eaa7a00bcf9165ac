"""Enforcement lists in the dashboard: a page choosing the filter, and each format as a download
(`/exports/FORMAT`, or `/api/exports/FORMAT` with a token), generated from the store at the moment it is asked for."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from covered.enforce import ACTION_STATUSES, FORMATS, ExportFormat, make_filter, render, select_targets
from covered.errors import UsageError
from covered.registry import Registry
from covered.store.db import Store
from covered.store.schema import FindingRow

__all__ = ["exports_router"]

_FILTERS = ("profile", "status", "rule", "site", "maker")


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def exports_router(
    store: Store,
    registry: Registry,
    signed_in: Callable[..., Awaitable[Any]],
    page: Callable[[Request, str, dict[str, Any]], HTMLResponse],
) -> APIRouter:
    """Routes for any signed-in user (the lists say nothing the findings page does not)."""
    router = APIRouter()

    def chosen(request: Request) -> tuple[Any, dict[str, str]]:
        params = {k: request.query_params.get(k, "").strip() for k in _FILTERS}
        for name, value in params.items():
            if len(value) > 500:
                raise UsageError(f"--{name}", "too long")
        flt = make_filter(
            params["profile"] or None,
            _split(params["status"]),
            _split(params["rule"]),
            _split(params["site"]),
            _split(params["maker"]),
        )
        return flt, {k: v for k, v in params.items() if v}

    @router.get("/exports", response_class=HTMLResponse, include_in_schema=False)
    async def exports_page(request: Request, current: Any = Depends(signed_in)) -> Response:  # noqa: B008
        flt, params = chosen(request)
        export = select_targets(store, flt)
        with store.session() as session:
            profiles = list(session.scalars(select(FindingRow.profile).distinct().order_by(FindingRow.profile)))
        query = urlencode(params)
        return page(
            request,
            "exports.html",
            {
                "export": export,
                "params": params,
                "profiles": profiles,
                "default_status": ",".join(ACTION_STATUSES),
                "formats": [
                    {"name": f.value, "file": FORMATS[f].filename, "consumer": FORMATS[f].consumer}
                    for f in ExportFormat
                ],
                "query": f"?{query}" if query else "",
            },
        )

    async def download(request: Request, fmt: str) -> Response:
        try:
            chosen_format = ExportFormat(fmt)
        except ValueError:
            raise LookupError(f"no export format {fmt!r}") from None
        flt, _ = chosen(request)
        text = render(chosen_format, select_targets(store, flt), registry.cloud_endpoints)
        info = FORMATS[chosen_format]
        return Response(
            text,
            media_type=f"{info.media_type}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{info.filename}"', "Cache-Control": "no-store"},
        )

    @router.get("/exports/{fmt}", include_in_schema=False)
    async def export_file(request: Request, fmt: str, current: Any = Depends(signed_in)) -> Response:  # noqa: B008
        return await download(request, fmt)

    @router.get("/api/exports/{fmt}", summary="An enforcement list (nftables, ipset, RPZ, ISE CSV...) as a file")
    async def export_api(request: Request, fmt: str, current: Any = Depends(signed_in)) -> Response:  # noqa: B008
        return await download(request, fmt)

    return router
