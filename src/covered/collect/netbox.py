"""NetBox devices read through its REST API (pynetbox, a token, GET requests only), written out in the layout
of NetBox's own device list export so `covered import` reads them with the netbox-devices preset.

API: GET /api/dcim/devices/ with ``Authorization: Token ...`` (NetBox REST API documentation,
https://netboxlabs.com/docs/netbox/en/stable/integrations/rest-api/); nothing is ever written back.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from covered.errors import UsageError

__all__ = ["MAX_DEVICES", "NETBOX_COLUMNS", "netbox_devices_csv", "read_netbox_devices"]

NETBOX_COLUMNS = (
    "Name",
    "Status",
    "Tenant",
    "Site",
    "Location",
    "Role",
    "Manufacturer",
    "Type",
    "Platform",
    "Serial number",
    "Asset tag",
    "IPv4 Address",
    "IPv6 Address",
)
"""Headers of NetBox's device list export (dcim/tables/devices.py), which the netbox-devices preset reads."""
MAX_DEVICES = 500_000
"""Devices read at most: an answer is bounded like any other input."""


def _name(value: Any, attribute: str = "name") -> str:
    """A nested record's display name ('' when absent); device answers are strings of bounded length."""
    if value is None:
        return ""
    found = getattr(value, attribute, None)
    return "" if found is None else str(found)[:255]


def read_netbox_devices(url: str, token: str, *, timeout: float = 30.0) -> list[dict[str, str]]:
    """Every device of the NetBox at ``url`` as a row keyed by NETBOX_COLUMNS (GET requests only)."""
    import pynetbox  # type: ignore[import-untyped]
    import requests

    if not url.startswith(("http://", "https://")):
        raise UsageError("URL", f"{url!r} is not an http(s) address of a NetBox")
    if not token.strip():
        raise UsageError("--token", "empty token")
    api = pynetbox.api(url.rstrip("/"), token=token.strip())
    api.http_session.request = _with_timeout(api.http_session.request, timeout)
    rows: list[dict[str, str]] = []
    try:
        for device in api.dcim.devices.all():
            if len(rows) >= MAX_DEVICES:
                break
            device_type = getattr(device, "device_type", None)
            rows.append(
                {
                    "Name": _name(device),
                    "Status": _name(getattr(device, "status", None), "value") or str(getattr(device, "status", "")),
                    "Tenant": _name(getattr(device, "tenant", None)),
                    "Site": _name(getattr(device, "site", None)),
                    "Location": _name(getattr(device, "location", None)),
                    "Role": _name(getattr(device, "role", None) or getattr(device, "device_role", None)),
                    "Manufacturer": _name(getattr(device_type, "manufacturer", None)),
                    "Type": _name(device_type, "model"),
                    "Platform": _name(getattr(device, "platform", None)),
                    "Serial number": str(getattr(device, "serial", "") or "")[:255],
                    "Asset tag": str(getattr(device, "asset_tag", "") or "")[:255],
                    "IPv4 Address": _name(getattr(device, "primary_ip4", None), "address"),
                    "IPv6 Address": _name(getattr(device, "primary_ip6", None), "address"),
                }
            )
    except pynetbox.RequestError as exc:
        raise UsageError("URL", f"NetBox answered {exc.req.status_code}: {str(exc)[:200]}") from None
    except (requests.RequestException, ValueError) as exc:
        raise UsageError("URL", f"cannot read NetBox devices: {str(exc)[:200]}") from None
    return rows


def _with_timeout(request: Any, timeout: float) -> Any:
    def bounded(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", timeout)
        return request(*args, **kwargs)

    return bounded


def netbox_devices_csv(rows: list[dict[str, str]]) -> str:
    """The rows as NetBox's device list CSV export."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=NETBOX_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
