"""Hikvision ISAPI documents: /ISAPI/System/deviceInfo and ResponseStatus errors.

The deviceInfo field set and order follow the real DS-2CD2386G2-IU reply of the
hikvision-isapi-deviceinfo-hikvision-namespace signature (maciej-or/hikvision_next fixture ipc1.xml);
recorders use deviceName 'Embedded Net DVR' or 'Network Video Recorder' and, on newer NVR firmware, the
``http://www.isapi.org/ver20/XMLSchema`` namespace (hikvision-isapi-deviceinfo-isapi-org-namespace).
"""

from __future__ import annotations

from html import escape

from covered.sim.hostile import xml_answer
from covered.sim.plan import Device

__all__ = ["device_info", "response_status"]

_HIKVISION_NS = "http://www.hikvision.com/ver20/XMLSchema"
_ISAPI_NS = "http://www.isapi.org/ver20/XMLSchema"


def _namespace(device: Device) -> str:
    return _ISAPI_NS if device.string("namespace") == "isapi" else _HIKVISION_NS


def _device_name(device: Device) -> str:
    kind = device.model.kind
    if kind == "DVR":
        return "Embedded Net DVR"
    if kind == "NVR":
        return "Network Video Recorder"
    return "IP CAMERA" if kind == "IPCamera" else "IP DOME"


def device_info(device: Device) -> bytes:
    """The deviceInfo document (sent only after valid credentials)."""
    fields = [
        ("deviceName", _device_name(device)),
        (
            "deviceID",
            f"{device.uuid[:8]}-{device.uuid[9:13]}-{device.uuid[14:18]}-{device.uuid[19:23]}-"
            f"{device.mac.replace(':', '').lower()}",
        ),
        ("deviceDescription", device.model.kind if device.model.kind in ("IPCamera", "IPDome") else ""),
        ("deviceLocation", "hangzhou"),
        ("systemContact", "Hikvision.China"),
        ("model", device.model.name),
        ("serialNumber", device.serial),
        ("macAddress", device.mac.lower()),
        ("firmwareVersion", device.firmware),
        ("firmwareReleasedDate", f"build {device.build}"),
        ("encoderVersion", "V7.3"),
        ("encoderReleasedDate", f"build {device.build}"),
        ("bootVersion", "V1.3.4"),
        ("bootReleasedDate", "100316"),
        ("hardwareVersion", "0x0"),
        ("deviceType", device.model.kind),
        ("telecontrolID", "88" if device.model.kind in ("IPCamera", "IPDome") else "255"),
        ("supportBeep", "false"),
        ("supportVideoLoss", "false"),
        ("firmwareVersionInfo", "B-R-G5-0"),
        ("manufacturer", "hikvision"),
        ("subSerialNumber", device.serial[-9:]),
        ("OEMCode", "1" if device.persona.brand == "hikvision-brand" else "0"),
    ]
    body = "".join(f"    <{name}>{escape(value)}</{name}>\n" for name, value in fields if value)
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<DeviceInfo version="2.0" xmlns="{_namespace(device)}">\n{body}</DeviceInfo>\n'
    )
    return xml_answer(device, document).encode("utf-8")


def response_status(device: Device, url: str, status: int) -> bytes:
    """An ISAPI ResponseStatus document for an error."""
    code, text = 4, "Invalid Operation"
    sub = "notSupport" if status == 404 else "badAuthorization"
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ResponseStatus version="2.0" xmlns="{_namespace(device)}">\n'
        f"<requestURL>{escape(url[:200])}</requestURL>\n<statusCode>{code}</statusCode>\n"
        f"<statusString>{text}</statusString>\n<subStatusCode>{sub}</subStatusCode>\n</ResponseStatus>\n"
    )
    return xml_answer(device, document).encode("utf-8")
