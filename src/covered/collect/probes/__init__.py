"""Active probes, one module per protocol, registered in one list each (unauthenticated, then credentialed)."""

from covered.collect.probes.banner import BannerProbe
from covered.collect.probes.base import Credentials, Limits, Probe, ProbeContext
from covered.collect.probes.credentialed import DahuaCgiProbe, IsapiProbe, OnvifInfoProbe
from covered.collect.probes.dvrip import DvripProbe
from covered.collect.probes.hik_sdk import HikSdkProbe
from covered.collect.probes.http import HttpProbe
from covered.collect.probes.lapi import LapiProbe
from covered.collect.probes.mdns import MdnsProbe
from covered.collect.probes.onvif import OnvifProbe
from covered.collect.probes.paths import PathProbe
from covered.collect.probes.rtsp import RtspProbe
from covered.collect.probes.ssdp import SsdpProbe
from covered.collect.probes.tls import TlsProbe
from covered.collect.probes.udp import DhipProbe, SadpProbe, SnmpProbe, WsDiscoveryProbe

__all__ = ["CREDENTIALED_PROBES", "PROBES", "Credentials", "Limits", "Probe", "ProbeContext"]

PROBES: tuple[Probe, ...] = (
    HttpProbe(),
    PathProbe(),
    LapiProbe(),
    TlsProbe(),
    RtspProbe(),
    BannerProbe(),
    HikSdkProbe(),
    DvripProbe(),
    OnvifProbe(),
    WsDiscoveryProbe(),
    SadpProbe(),
    DhipProbe(),
    SnmpProbe(),
    SsdpProbe(),
    MdnsProbe(),
)
"""Probes run against every open port they apply to, without credentials."""

CREDENTIALED_PROBES: tuple[IsapiProbe | DahuaCgiProbe | OnvifInfoProbe, ...] = (
    IsapiProbe(),
    DahuaCgiProbe(),
    OnvifInfoProbe(),
)
"""Probes run only with user-supplied credentials, and only against devices of their family."""
