"""The fleet plan: which device sits at which loopback address, and everything it will say.

A plan is a pure function of :class:`FleetSpec` (size, seed, persona mix): the same spec gives the same
devices, serials, MACs and strings in every process, so workers recompute their share instead of
receiving it, and the truth file can be written before a single socket is bound.
"""

from __future__ import annotations

import hashlib
import ipaddress
import random
import uuid
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from covered.sim.personas import PERSONAS, Model, ModelLine, Persona, persona_by_id

__all__ = ["Device", "DeviceTruth", "FleetSpec", "SimError", "device_addresses", "plan_fleet"]

MIN_SIZE = 10
MAX_SIZE = 5000
_ALPHANUM = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
_HEX = "0123456789ABCDEF"


class SimError(RuntimeError):
    """A fleet could not be planned, started or kept running (the message says which address and port)."""


class FleetSpec(BaseModel):
    """What fleet to emulate: size, seed, first loopback address, optional exact persona mix and knobs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    size: int = Field(default=100, description="Number of devices (10..5000; an explicit persona list sets it).")
    seed: int = Field(default=7, description="Seed of every random choice; same size and seed, same fleet.")
    base: str = Field(default="127.20.0.1", description="First device address; later ones skip .0 and .255.")
    personas: tuple[str, ...] | None = Field(
        default=None,
        description="Exact persona per device, in address order ('hikvision-camera', 'slow', "
        "'xml-bomb@annke-nvr'); absent to draw personas with their weights.",
    )
    username: str = Field(default="admin", description="The one user name devices accept (ISAPI, CGI, ONVIF).")
    password: str = Field(default="", description="The one password devices accept; derived from the seed if empty.")
    slow_seconds: float = Field(default=30.0, gt=0, le=600, description="How long 'slow' devices stall (seconds).")
    oversize_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1024, le=256 * 1024 * 1024, description="HTTP body size of 'oversized' devices."
    )
    idle_timeout: float = Field(default=15.0, gt=0, le=600, description="Seconds a connection may stay idle.")
    devices_per_worker: int = Field(
        default=1200, ge=1, le=2000, description="Most devices one worker process serves (about 8 sockets each)."
    )

    @field_validator("base")
    @classmethod
    def _loopback(cls, value: str) -> str:
        address = ipaddress.IPv4Address(value)
        if not address.is_loopback:
            raise ValueError(f"base {value} is not in 127.0.0.0/8: the simulator binds loopback addresses only")
        return value

    @model_validator(mode="after")
    def _sizes(self) -> FleetSpec:
        if self.personas is not None:
            if not 1 <= len(self.personas) <= MAX_SIZE:
                raise ValueError(f"an explicit persona list needs 1..{MAX_SIZE} entries")
            for entry in self.personas:
                try:
                    _parse_entry(entry)
                except KeyError as exc:
                    raise ValueError(exc.args[0]) from None
            object.__setattr__(self, "size", len(self.personas))
        elif not MIN_SIZE <= self.size <= MAX_SIZE:
            raise ValueError(f"size must be {MIN_SIZE}..{MAX_SIZE}, not {self.size}")
        if not self.password:
            digest = hashlib.sha256(f"covered-sim-password:{self.seed}".encode()).hexdigest()
            object.__setattr__(self, "password", f"Sim{digest[:10]}!")
        try:
            device_addresses(self.base, self.size)
        except SimError as exc:
            # A range that leaves 127.0.0.0/8 is a bad value of the spec, reported like the others.
            raise ValueError(str(exc)) from None
        return self


class DeviceTruth(BaseModel):
    """Ground truth of one emulated device, written as one JSON line (snake_case keys)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    address: str = Field(description="Loopback IPv4 address the device binds.")
    persona: str = Field(description="Base persona id (a hostile device keeps the persona it wraps).")
    services: list[str] = Field(description="Bound services, sorted: 'tcp/80', 'udp/3702'...")
    vendor: str | None = Field(description="Maker's vendor id; absent for generic or unknown makers.")
    brand: str | None = Field(description="Brand id the device is sold under, if the registry has one.")
    restricted: bool = Field(description="True exactly when a restricted vendor built it (OEM relabels included).")
    model: str = Field(description="Model the device reports.")
    firmware: str = Field(description="Firmware version the device reports (version part, without build date).")
    serial: str = Field(description="Serial number the device reports.")
    mac: str = Field(description="MAC address (upper-case, colon-separated) in the maker's IEEE block if it has one.")
    hostile: str | None = Field(description="Hostile behaviour ('slow', 'xml-bomb'...) or absent.")


@dataclass(frozen=True, slots=True)
class Device:
    """Everything one emulated device says: identity, strings and the services it binds."""

    index: int
    address: str
    persona: Persona
    hostile: str | None
    variant: int
    line: ModelLine
    model: Model
    firmware: str
    build: str
    serial: str
    mac: str
    uuid: str
    realm_code: str
    device_type: str
    secret: str
    services: tuple[str, ...]

    def string(self, key: str, default: str = "") -> str:
        """A line-specific string of the device's product line."""
        return self.line.strings.get(key, default)

    @property
    def tcp_ports(self) -> list[int]:
        """TCP ports the device listens on."""
        return [int(s[4:]) for s in self.services if s.startswith("tcp/")]

    @property
    def udp_ports(self) -> list[int]:
        """UDP ports the device listens on."""
        return [int(s[4:]) for s in self.services if s.startswith("udp/")]

    def truth(self) -> DeviceTruth:
        """The ground-truth record."""
        return DeviceTruth(
            address=self.address,
            persona=self.persona.id,
            services=sorted(self.services, key=_service_key),
            vendor=self.persona.vendor,
            brand=self.persona.brand,
            restricted=self.persona.restricted,
            model=self.model.name,
            firmware=self.firmware,
            serial=self.serial,
            mac=self.mac,
            hostile=self.hostile,
        )


def _service_key(service: str) -> tuple[str, int]:
    proto, port = service.split("/")
    return proto, int(port)


def device_addresses(base: str, count: int) -> list[str]:
    """``count`` loopback addresses from ``base`` on, skipping last octets 0 and 255."""
    current = int(ipaddress.IPv4Address(base))
    out: list[str] = []
    limit = int(ipaddress.IPv4Address("127.255.255.254"))
    while len(out) < count:
        if current > limit:
            raise SimError(f"{count} addresses from {base} do not fit in 127.0.0.0/8")
        if current & 0xFF not in (0, 255):
            address = ipaddress.IPv4Address(current)
            if not address.is_loopback:  # pragma: no cover - guarded by the limit above
                raise SimError(f"{address} is not a loopback address")
            out.append(str(address))
        current += 1
    return out


def _parse_entry(entry: str) -> tuple[Persona, Persona | None]:
    """'hikvision-camera' -> (persona, None); 'slow' or 'slow@dahua-camera' -> (base, hostile persona)."""
    name, _, base_id = entry.partition("@")
    persona = persona_by_id(name)
    if persona.hostile is None:
        if base_id:
            raise KeyError(f"{entry!r}: only hostile personas take '@<base persona>'")
        return persona, None
    base = persona_by_id(base_id or persona.bases[0])
    if base.hostile is not None:
        raise KeyError(f"{entry!r}: a hostile persona cannot wrap another hostile persona")
    return base, persona


def _pick(rng: random.Random, items: tuple[str, ...]) -> str:
    return items[rng.randrange(len(items))]


def _chars(rng: random.Random, alphabet: str, count: int) -> str:
    return "".join(alphabet[rng.randrange(len(alphabet))] for _ in range(count))


def _mac(rng: random.Random, persona: Persona) -> str:
    if persona.oui:
        prefix = _pick(rng, persona.oui)
    else:
        # No IEEE block for a generic maker: a locally administered, unicast address (x2:xx:xx...).
        prefix = f"{(rng.randrange(64) << 2) | 0x02:02X}:{rng.randrange(256):02X}:{rng.randrange(256):02X}"
    return prefix + "".join(f":{rng.randrange(256):02X}" for _ in range(3))


def _serial(rng: random.Random, persona: Persona, model: Model, build: str) -> str:
    family = persona.family
    if family == "hikvision":
        # DeviceSN = <model><yyyymmdd><batch><serial> (device-protocols.md#3.1): ...20200414AAWRE33842150.
        date = f"20{rng.randrange(17, 25):02d}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
        batch = ("CCRR" if model.kind in ("NVR", "DVR") else "AAWR") + _pick(rng, tuple("ABCDEFGHJ"))
        return f"{model.name}{date}{batch}{_chars(rng, '0123456789', 8)}"
    if family == "dahua":
        if persona.id == "lorex-camera":
            return "ND0" + _chars(rng, "0123456789", 11)  # ND011912041000 (lorex-http-wwwauth-login-to-nd-serial)
        if persona.id == "amcrest-camera":
            return "AMC" + _chars(rng, _ALPHANUM, 15)  # AMC000N49SSV0M2U46 (device-protocols.md#4.4)
        # 4K049EBPAG1D7E7, CC10BD8PAGCF779, 6C01E93PAG69A7D (dahua signatures' examples)
        return _chars(rng, _ALPHANUM, 7) + _pick(rng, ("PAG", "PAJ", "ZAG")) + _chars(rng, _HEX, 5)
    if family in ("huawei", "zte"):
        return "21" + _chars(rng, "0123456789ABCDEF", 18)
    if family == "uniview":
        # 210235XAX93239000081, 210235C3XT3204000391 (Uniview serials in published LAPI answers)
        return "210235" + _chars(rng, _ALPHANUM, 14)
    if family == "axis":
        return ""  # Axis uses the MAC as serial; filled by the caller.
    return _chars(rng, _ALPHANUM, 12)


def _realm_code(rng: random.Random) -> str:
    # 'IP Camera(C2183)', 'IP Camera(D2959)', 'IP Camera(21388)' (hikvision realm signatures' examples)
    if rng.random() < 0.3:
        return _chars(rng, "0123456789", 5)
    return _pick(rng, tuple("ABCDEF")) + _chars(rng, "0123456789", 4)


def _split_firmware(text: str) -> tuple[str, str]:
    """'V5.7.18 build 240826' -> ('V5.7.18', '240826'); '2.800.0000016.0.R, build: 2020-06-05' -> (...)."""
    if ", " in text:
        version, _, build = text.partition(", ")
        return version, build.split()[-1]
    if " build " in text:
        version, _, build = text.partition(" build ")
        return version, build
    return text, ""


def _device(
    index: int, address: str, spec: FleetSpec, base: Persona, hostile: Persona | None, variant: int | None = None
) -> Device:
    rng = random.Random(f"covered-sim:{spec.seed}:{index}:{base.id}")  # noqa: S311 - simulation, not security
    weights = [line.weight for line in base.lines]
    line = rng.choices(base.lines, weights=weights)[0]
    model = line.models[rng.randrange(len(line.models))]
    version, build = _split_firmware(model.firmware[rng.randrange(len(model.firmware))])
    mac = _mac(rng, base)
    serial = _serial(rng, base, model, build)
    if not serial:
        serial = mac.replace(":", "")
    services = tuple(dict.fromkeys((*base.services, *line.extra_services)))
    hostile_kind = hostile.hostile if hostile is not None else None
    if hostile_kind == "bad-cert" and "tcp/443" not in services:
        services = (*services, "tcp/443")
    if hostile_kind == "oversized" and "udp/1900" not in services:
        services = (*services, "udp/1900")
    if hostile_kind in ("xml-bomb", "malformed-xml") and "udp/37020" not in services and base.family == "hikvision":
        services = (*services, "udp/37020")
    # EndpointReference uuid whose last 12 hex digits are the MAC (device-protocols.md#1.4, Hikvision captures).
    node = mac.replace(":", "").lower()
    device_uuid = str(uuid.UUID(int=rng.getrandbits(128)))[:24] + node
    return Device(
        index=index,
        address=address,
        persona=base,
        hostile=hostile_kind,
        variant=rng.randrange(3) if variant is None else variant,
        line=line,
        model=model,
        firmware=version,
        build=build,
        serial=serial,
        mac=mac,
        uuid=device_uuid,
        realm_code=_realm_code(rng),
        device_type=_pick(rng, ("141945", "155650")),
        secret=f"{rng.getrandbits(64):016x}",
        services=services,
    )


def plan_fleet(spec: FleetSpec) -> list[Device]:
    """Every device of the fleet, in address order; deterministic from the spec."""
    addresses = device_addresses(spec.base, spec.size)
    devices: list[Device] = []
    if spec.personas is not None:
        # In an explicit mix the n-th device of a hostile kind gets variant n % 3, so a list with three
        # 'bad-cert' entries covers expired, wrong-host and garbage certificates, two 'slow' ones stall and trickle.
        seen: dict[str, int] = {}
        for index, (address, entry) in enumerate(zip(addresses, spec.personas, strict=True)):
            base, hostile = _parse_entry(entry)
            variant = None
            if hostile is not None:
                variant = seen.get(hostile.id, 0) % 3
                seen[hostile.id] = seen.get(hostile.id, 0) + 1
            devices.append(_device(index, address, spec, base, hostile, variant))
        return devices
    weights = [persona.weight for persona in PERSONAS]
    for index, address in enumerate(addresses):
        rng = random.Random(f"covered-sim-draw:{spec.seed}:{index}")  # noqa: S311 - simulation, not security
        drawn = rng.choices(PERSONAS, weights=weights)[0]
        if drawn.hostile is None:
            devices.append(_device(index, address, spec, drawn, None))
        else:
            base = persona_by_id(_pick(rng, drawn.bases))
            devices.append(_device(index, address, spec, base, drawn))
    return devices
