"""Records shared by both halves of covered: one definition, documented once.

Every curated record (vendor, brand, actor, source, event, fact, rule) is a pydantic model
with ``extra="forbid"`` so that an unknown key in a data file is an error, and every field
says what it is and when it is absent. Controlled vocabularies are ``StrEnum`` lists here and
nowhere else.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

__all__ = [
    "ASSET_FIELDS",
    "FIELDS",
    "Action",
    "Actor",
    "ActorType",
    "AssetIdentity",
    "Attribution",
    "Brand",
    "Channel",
    "CloudEndpoint",
    "Confidence",
    "Confirmation",
    "Corroboration",
    "CoveredVendor",
    "DatePrecision",
    "DateRef",
    "EnterpriseRegistrant",
    "Event",
    "EventStatus",
    "Evidence",
    "EvidenceKind",
    "Fact",
    "FactKind",
    "Finding",
    "FindingStatus",
    "Lead",
    "Obligation",
    "Observation",
    "OrgPredicate",
    "OuiRegistrant",
    "OwnPolicy",
    "PortHint",
    "Profile",
    "Prohibition",
    "Reason",
    "Record",
    "Relationship",
    "Rule",
    "Segment",
    "Signature",
    "SignatureClaim",
    "SignatureExample",
    "SignatureSource",
    "Site",
    "Source",
    "SourceKind",
    "UseContext",
    "Vendor",
    "Vulnerability",
]

RecordId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$", max_length=120)]
"""Stable kebab-case identifier: lower-case letters, digits, single hyphens or dots."""

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class Strict(BaseModel):
    """Base for curated records: unknown keys are errors, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


# --- controlled vocabularies -------------------------------------------------------------


class DatePrecision(StrEnum):
    """How precisely a date is known."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    UNKNOWN = "unknown"


class Confidence(StrEnum):
    """How sure the record is: high (two independent sources or protocol evidence), medium, low."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Confirmation(StrEnum):
    """How well a rule or claim has been checked against a primary source."""

    CONFIRMED = "confirmed"
    PARTIALLY_CONFIRMED = "partially_confirmed"
    UNCONFIRMED = "unconfirmed"


class ActorType(StrEnum):
    """What kind of body takes a restriction action."""

    NATIONAL_GOVERNMENT = "national_government"
    SUBNATIONAL_GOVERNMENT = "subnational_government"
    LOCAL_GOVERNMENT = "local_government"
    GOVERNMENT_AGENCY = "government_agency"
    MILITARY = "military"
    POLICE = "police"
    LEGISLATURE = "legislature"
    REGULATOR = "regulator"
    SUPRANATIONAL_INSTITUTION = "supranational_institution"
    PUBLIC_BROADCASTER = "public_broadcaster"
    INVESTOR = "investor"
    COMPANY = "company"
    RETAILER = "retailer"
    DISTRIBUTOR = "distributor"
    INTEGRATOR = "integrator"
    SECURITY_PROVIDER = "security_provider"
    TECHNOLOGY_VENDOR = "technology_vendor"
    INDUSTRY_ASSOCIATION = "industry_association"
    STANDARDS_BODY = "standards_body"
    POLITICAL_PARTY = "political_party"
    POLITICIAN = "politician"
    NGO = "ngo"
    MEDIA = "media"
    OTHER = "other"


class Action(StrEnum):
    """What a restriction event does."""

    PROCUREMENT_BAN = "procurement_ban"
    USE_BAN = "use_ban"
    FUNDING_BAN = "funding_ban"
    CONTRACTING_BAN = "contracting_ban"
    AUTHORIZATION_BAN = "authorization_ban"
    REMOVAL = "removal"
    EXPULSION = "expulsion"
    EXHIBITION_BAN = "exhibition_ban"
    DELISTING = "delisting"
    REINSTATEMENT = "reinstatement"
    SANCTION = "sanction"
    EXPORT_CONTROL = "export_control"
    DESIGNATION = "designation"
    DIVESTMENT = "divestment"
    SUPPLY_STOP = "supply_stop"
    PARTNERSHIP_END = "partnership_end"
    GUIDANCE = "guidance"
    CONSIDERATION = "consideration"
    REVERSAL = "reversal"
    RETENTION = "retention"
    NO_ACTION = "no_action"


COUNTER_ACTIONS = frozenset({Action.REINSTATEMENT, Action.REVERSAL, Action.RETENTION, Action.NO_ACTION})
"""Actions that record a decision *not* to restrict, or to undo a restriction."""


class Reason(StrEnum):
    """Why the actor says it acted."""

    SECURITY = "security"
    HUMAN_RIGHTS = "human_rights"
    BOTH = "both"
    OTHER = "other"
    UNSTATED = "unstated"


class EventStatus(StrEnum):
    """Where a restriction stands as of the source."""

    IN_FORCE = "in_force"
    COMPLETED = "completed"
    IN_PROGRESS = "in_progress"
    ANNOUNCED = "announced"
    UNDER_CONSIDERATION = "under_consideration"
    REVERSED = "reversed"
    NOT_ADOPTED = "not_adopted"


class FactKind(StrEnum):
    """What a fact is about."""

    OWNERSHIP = "ownership"
    CONTRACT_VALUE = "contract_value"
    DEVICE_COUNT = "device_count"
    VOTE = "vote"
    VULNERABILITY = "vulnerability"
    PRODUCT = "product"
    ANALYTICS = "analytics"
    POLICE_STANDARD = "police_standard"
    PRICE = "price"
    DISTRIBUTOR = "distributor"
    COMPANY_FIGURE = "company_figure"
    MARKET = "market"
    CALL_FOR_BAN = "call_for_ban"
    DENIAL = "denial"
    COMPANY_STATEMENT = "company_statement"
    OFFICIAL_STATEMENT = "official_statement"
    ALLEGATION = "allegation"
    REPORT = "report"
    LEGAL = "legal"
    OTHER = "other"


class SourceKind(StrEnum):
    """What sort of document a source is."""

    ARTICLE = "article"
    LETTER = "letter"
    COMPILATION = "compilation"
    LAW = "law"
    REGULATION = "regulation"
    OFFICIAL_PAGE = "official_page"
    DATASET = "dataset"
    RESEARCH_NOTE = "research_note"


class Relationship(StrEnum):
    """How a brand relates to its upstream vendor (from ``shared/research/oem.json``)."""

    OWN_BRAND = "own_brand"
    SUBSIDIARY_BRAND = "subsidiary_brand"
    JOINT_VENTURE_OEM = "joint_venture_oem"
    FORMER_SUBSIDIARY = "former_subsidiary"
    SUBSIDIARY = "subsidiary"
    SUBSIDIARY_COMPONENT_SUPPLIER = "subsidiary_component_supplier"
    OEM_RELABEL = "oem_relabel"
    PARTIAL_OEM = "partial_oem"
    REPORTED_OEM_UNSPECIFIED = "reported_oem_unspecified"


class Prohibition(StrEnum):
    """What a rule forbids the bound organisation to do."""

    PROCURE = "procure"
    USE = "use"
    CONTRACT_WITH_USERS = "contract_with_users"
    FUND = "fund"
    AUTHORISE = "authorise"
    CONNECT = "connect"
    EXPORT_TO = "export_to"
    INVEST = "invest"
    DISCLOSE = "disclose"
    REMOVE = "remove"


class UseContext(StrEnum):
    """Use contexts that condition a rule's coverage (e.g. NDAA §889(f)(3)(B))."""

    PUBLIC_SAFETY = "public_safety"
    GOVERNMENT_FACILITY_SECURITY = "government_facility_security"
    CRITICAL_INFRASTRUCTURE = "critical_infrastructure"
    NATIONAL_SECURITY = "national_security"
    SENSITIVE_SITE = "sensitive_site"
    TELECOM_NETWORK = "telecom_network"


class OrgPredicate(StrEnum):
    """Organisation-profile predicates a rule binds; assess matches profiles against these."""

    US_FEDERAL_AGENCY = "us_federal_agency"
    US_FEDERAL_CONTRACTOR = "us_federal_contractor"
    US_DOD_CONTRACTOR = "us_dod_contractor"
    US_FEDERAL_GRANT_RECIPIENT = "us_federal_grant_recipient"
    US_FCC_APPLICANT = "us_fcc_applicant"
    US_TELECOM_CARRIER = "us_telecom_carrier"
    US_EXPORTER = "us_exporter"
    US_INVESTOR = "us_investor"
    US_STATE_AGENCY = "us_state_agency"
    US_STATE_CONTRACTOR = "us_state_contractor"
    GB_CENTRAL_GOVERNMENT = "gb_central_government"
    GB_PUBLIC_PROCURER = "gb_public_procurer"
    GB_TELECOM_PROVIDER = "gb_telecom_provider"
    AU_COMMONWEALTH_ENTITY = "au_commonwealth_entity"
    AU_TELECOM_CARRIER = "au_telecom_carrier"
    CA_FEDERAL_ENTITY = "ca_federal_entity"
    TW_GOVERNMENT_AGENCY = "tw_government_agency"
    EU_INSTITUTION = "eu_institution"
    SE_TELECOM_OPERATOR = "se_telecom_operator"
    DE_TELECOM_OPERATOR = "de_telecom_operator"
    PRIVATE_HUMAN_RIGHTS_POLICY = "private_human_rights_policy"


# --- dates -----------------------------------------------------------------------------


class DateRef(Strict):
    """A date as the source gives it: a partial ISO value, its precision and how it was read."""

    value: str | None = Field(
        default=None,
        description="ISO 8601 date, possibly partial: YYYY, YYYY-MM or YYYY-MM-DD; absent when unknown.",
    )
    precision: DatePrecision = Field(description="day, month, year or unknown; must agree with the value's length.")
    as_written: str | None = Field(
        default=None, description="The words of the source that give the date, verbatim (e.g. 'L’anno scorso')."
    )
    resolved_from: str | None = Field(
        default=None,
        description="How a relative or implicit date was resolved (anchor and reasoning); absent when explicit.",
    )

    @model_validator(mode="after")
    def _precision_matches_value(self) -> DateRef:
        if self.value is None:
            if self.precision is not DatePrecision.UNKNOWN:
                raise ValueError("a date without a value must have precision 'unknown'")
            return self
        match = _PARTIAL_DATE.match(self.value)
        if match is None:
            raise ValueError(f"date {self.value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = match.groups()
        expected = DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
        if self.precision is not expected:
            raise ValueError(f"date {self.value!r} has precision {expected.value}, not {self.precision.value}")
        # Raises on impossible dates such as 2023-02-30.
        dt.date(int(year), int(month or 1), int(day or 1))
        return self

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Chronological key; unknown dates sort last, coarse dates before finer ones of the same period."""
        if self.value is None:
            return (9999, 99, 99)
        parts = [int(p) for p in self.value.split("-")]
        return (parts[0], parts[1] if len(parts) > 1 else 0, parts[2] if len(parts) > 2 else 0)

    @property
    def earliest(self) -> dt.date | None:
        """First day the date can denote (for --since filters)."""
        if self.value is None:
            return None
        y, m, d = self.sort_key
        return dt.date(y, m or 1, d or 1)

    @property
    def latest(self) -> dt.date | None:
        """Last day the date can denote (for --until filters)."""
        if self.value is None:
            return None
        y, m, d = self.sort_key
        if d:
            return dt.date(y, m, d)
        if m:
            nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        return dt.date(y, 12, 31)

    def display(self) -> str:
        """The date with its precision, as shown to users: '2022-11 (month)'."""
        if self.value is None:
            return "date unknown"
        return f"{self.value} ({self.precision.value})"


# --- knowledge records -------------------------------------------------------------------


class ProductLine(Strict):
    """A name only one maker gives its products ('ZXHN', 'EchoLife'), matched as a whole word in what a device
    says of itself."""

    name: str = Field(min_length=3, description="The product line as its maker writes it.")
    pattern: str | None = Field(
        default=None, description="A regular expression for the line's model numbers, when a name is not enough."
    )
    source: str = Field(description="Where the name is seen on the maker's devices (repository@commit:path#Lline).")

    @model_validator(mode="after")
    def _compiles(self) -> ProductLine:
        if self.pattern is not None:
            re.compile(self.pattern)
        return self


class Vendor(Strict):
    """A manufacturer that rules or sources name (hikvision, dahua, huawei, ...)."""

    id: RecordId = Field(description="Stable vendor id, e.g. 'hikvision'.")
    name: str = Field(description="Common name, e.g. 'Hikvision'.")
    legal_names: list[str] = Field(default_factory=list, description="Registered legal names, verbatim.")
    aliases: list[str] = Field(default_factory=list, description="Other names and abbreviations ('Hik').")
    native_names: list[str] = Field(
        default_factory=list,
        description="Names in the maker's own script, verbatim as its filings write them (registered and short "
        "name); their source is among the vendor's sources.",
    )
    product_lines: list[ProductLine] = Field(
        default_factory=list, description="Product-line names only this maker uses, each with where it was seen."
    )
    country: str = Field(description="ISO 3166-1 alpha-2 country of the headquarters.")
    restricted: bool = Field(
        description="True when at least one confirmed or partially confirmed rule names this vendor as covered."
    )
    parent: RecordId | None = Field(default=None, description="Vendor id of the parent company, if any.")
    ownership_facts: list[RecordId] = Field(
        default_factory=list, description="Fact ids about ownership and state stakes."
    )
    sources: list[str] = Field(min_length=1, description="Source ids or URLs for the vendor's names and ties.")
    notes: str | None = Field(default=None, description="Anything a reader should know; absent when none.")


class Brand(Strict):
    """A name on the box and its tie to an upstream vendor."""

    id: RecordId = Field(description="Stable brand id, e.g. 'lorex'.")
    name: str = Field(description="Brand as marketed.")
    aliases: list[str] = Field(default_factory=list, description="Other spellings on labels and web pages.")
    vendor: RecordId | None = Field(
        description="Upstream vendor id; absent when the source does not say which (see vendor_candidates)."
    )
    vendor_candidates: list[RecordId] = Field(
        default_factory=list, description="Possible upstream vendors when the source names several."
    )
    relationship: Relationship = Field(description="How the brand relates to the upstream vendor.")
    confidence: Confidence = Field(description="high, medium or low, per shared/research/oem.json's definition.")
    model_line_dependent: bool = Field(description="True when only some product lines are built by the vendor.")
    period: str | None = Field(default=None, description="When the relationship held, if bounded ('until 2021').")
    evidence: str = Field(description="What the sources say, paraphrased in English.")
    source: str = Field(description="Primary citation: URL, owner/repo:path or owner/repo#issue.")
    additional_sources: list[str] = Field(default_factory=list, description="Further citations.")
    note: str = Field(
        default="An OEM link is evidence for investigation, not a legal conclusion.",
        description="Caveat shown with the brand.",
    )


class Actor(Strict):
    """A body that takes or is subject to restriction actions, with its place in a hierarchy."""

    id: RecordId = Field(description="Stable actor id, e.g. 'gb-scotland-edinburgh-council'.")
    name: str = Field(description="English name.")
    name_original: str | None = Field(default=None, description="Name in the source's language, if different.")
    type: ActorType = Field(description="Kind of body.")
    jurisdiction: str = Field(
        description="ISO 3166-1 alpha-2 country or ISO 3166-2 subdivision ('GB-SCT'); 'EU' for EU bodies; "
        "'INT' for international bodies."
    )
    parent: RecordId | None = Field(default=None, description="Actor id of the body this one belongs to.")
    aliases: list[str] = Field(default_factory=list, description="Other names used in sources.")


class Segment(Strict):
    """One article inside a compilation source, with its own date anchor."""

    id: RecordId = Field(description="Stable segment id, unique across all sources.")
    start: int = Field(ge=0, description="Offset of the first character in the source text (Python str index).")
    end: int = Field(gt=0, description="Offset one past the last character.")
    title: str = Field(description="English title describing the article's subject.")
    subject: str = Field(description="One sentence on what the article reports.")
    publisher: str | None = Field(default=None, description="Publisher, when the text shows it; else absent.")
    language: list[str] = Field(min_length=1, description="ISO 639-1 languages present in the segment.")
    anchor: DateRef = Field(description="Date the segment was written, against which relative dates resolve.")
    anchor_basis: str = Field(description="Why the anchor is that date: the clues in the text.")


class Source(Strict):
    """A document that records cite: a shipped text (seed) or an external reference."""

    id: RecordId = Field(description="Stable source id.")
    title: str = Field(description="Title as given, or a descriptive title in English.")
    kind: SourceKind = Field(description="What sort of document it is.")
    publisher: str | None = Field(default=None, description="Publisher or author organisation.")
    author: str | None = Field(default=None, description="Named author(s), if any.")
    date: DateRef = Field(description="Publication date (or as-of), inferred where the text gives none.")
    date_basis: str | None = Field(
        default=None, description="Why the date is what it is when inferred; absent when stated in the text."
    )
    language: list[str] = Field(min_length=1, description="ISO 639-1 languages present, main one first.")
    file: str | None = Field(
        default=None, description="File name of the shipped text under registry/data/texts; absent if external."
    )
    url: str | None = Field(default=None, description="Where the document can be read, if known.")
    segments: list[Segment] = Field(default_factory=list, description="Articles inside a compilation.")
    as_of: dt.date = Field(description="Date up to which the source describes the world.")
    last_checked: dt.date = Field(description="When a curator last checked the record against the document.")
    notes: str | None = Field(default=None, description="Caveats about the document.")
    licence: str | None = Field(
        default=None, description="Licence or terms of the document's text, as stated when it was ingested."
    )


class Event(Strict):
    """One real-world restriction action (or counter-decision) by one actor."""

    id: RecordId = Field(description="Stable event id.")
    actor: RecordId = Field(description="Actor id of who acted.")
    vendors: list[RecordId] = Field(min_length=1, description="Vendor ids the action concerns.")
    action: Action = Field(description="What was done.")
    scope: str = Field(description="English: what the action covers and whom it binds.")
    reason: Reason = Field(description="Why, as the source states it; 'unstated' when it does not.")
    date: DateRef = Field(description="When the action was taken or took effect, with its precision.")
    status: EventStatus = Field(description="Where it stands as of the source's date.")
    summary: str = Field(description="One English sentence describing the action.")
    source: RecordId = Field(description="Source id.")
    segment: RecordId | None = Field(default=None, description="Segment id inside a compilation source.")
    quote: str = Field(min_length=8, description="Verbatim quote from the source, in the original language.")
    quote_language: str = Field(description="ISO 639-1 language of the quote.")
    quote_en: str = Field(description="English rendering of the quote (the quote itself if English).")
    attributed_to: str | None = Field(
        default=None, description="Whose report the source relays ('IPVM citing The Telegraph'); absent if first-hand."
    )
    rule: str | None = Field(default=None, description="Rule id of the instrument this event enacts, if one exists.")
    related: list[RecordId] = Field(default_factory=list, description="Event ids this one reverses or follows.")
    confirmation: Confirmation = Field(
        default=Confirmation.UNCONFIRMED,
        description="confirmed only when checked against a primary document; reported events stay unconfirmed.",
    )
    notes: str | None = Field(default=None, description="Caveats, contested points, inconsistencies in the source.")
    reviewed_by: str | None = Field(
        default=None, description="Who accepted the record in `covered review` (user additions); absent if curated."
    )
    reviewed_at: dt.datetime | None = Field(default=None, description="When it was accepted in `covered review`.")

    @field_validator("vendors")
    @classmethod
    def _unique_vendors(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("vendor listed twice")
        return value


class Fact(Strict):
    """A checkable claim with its value, source and quote; contested claims are attributed."""

    id: RecordId = Field(description="Stable fact id.")
    kind: FactKind = Field(description="What the fact is about.")
    subject: str = Field(description="Vendor, actor or topic id the fact is about.")
    claim: str = Field(description="The claim in one English sentence, attributed where contested.")
    value: str | None = Field(default=None, description="The figure or short value ('40%', '627-37'); else absent.")
    unit: str | None = Field(default=None, description="Unit of the value ('percent', 'USD', 'cameras').")
    vendors: list[RecordId] = Field(default_factory=list, description="Vendor ids the fact concerns.")
    actors: list[RecordId] = Field(default_factory=list, description="Actor ids the fact concerns.")
    date: DateRef = Field(description="When the claim applies or was made.")
    source: RecordId = Field(description="Source id.")
    segment: RecordId | None = Field(default=None, description="Segment id inside a compilation source.")
    quote: str = Field(min_length=4, description="Verbatim quote from the source, in the original language.")
    quote_language: str = Field(description="ISO 639-1 language of the quote.")
    quote_en: str = Field(description="English rendering of the quote.")
    attributed_to: str | None = Field(default=None, description="Who makes the claim, when not the source itself.")
    contested: bool = Field(default=False, description="True when someone disputes the claim.")
    disputed_by: list[RecordId] = Field(default_factory=list, description="Fact ids of denials or rebuttals.")
    confirmation: Confirmation = Field(default=Confirmation.UNCONFIRMED, description="How well it is checked.")
    notes: str | None = Field(default=None, description="Caveats.")
    reviewed_by: str | None = Field(
        default=None, description="Who accepted the record in `covered review` (user additions); absent if curated."
    )
    reviewed_at: dt.datetime | None = Field(default=None, description="When it was accepted in `covered review`.")


class Corroboration(Strict):
    """Another passage reporting an event or fact already recorded from a different place."""

    record: RecordId = Field(description="Event or fact id this passage corroborates.")
    source: RecordId = Field(description="Source id.")
    segment: RecordId | None = Field(default=None, description="Segment id inside a compilation source.")
    quote: str = Field(min_length=8, description="Verbatim quote from the source, in the original language.")
    quote_language: str = Field(description="ISO 639-1 language of the quote.")
    quote_en: str = Field(description="English rendering of the quote.")
    notes: str | None = Field(default=None, description="Where this passage differs (e.g. a different date).")
    reviewed_by: str | None = Field(
        default=None, description="Who accepted the record in `covered review` (user additions); absent if curated."
    )
    reviewed_at: dt.datetime | None = Field(default=None, description="When it was accepted in `covered review`.")


class CoveredVendor(Strict):
    """A vendor as a rule names it, with the reach and conditions of coverage."""

    vendor: RecordId | None = Field(description="Vendor id; absent for open-ended categories.")
    name_in_instrument: str = Field(description="How the instrument names the entity.")
    vendor_country: str | None = Field(
        default=None,
        description="For a category ('companies subject to the PRC National Intelligence Law'): the ISO country "
        "of the vendors it reaches; absent for named vendors and for categories the registry cannot map.",
    )
    affiliates: bool = Field(default=True, description="True when subsidiaries and affiliates are covered too.")
    scope: str | None = Field(default=None, description="Equipment or service scope for this vendor.")
    use_contexts: list[UseContext] = Field(
        default_factory=list,
        description="Use contexts that must hold for coverage (e.g. public_safety, government_facility_security, "
        "critical_infrastructure, national_security); empty when coverage is unconditional.",
    )
    listed_since: str | None = Field(default=None, description="When the vendor was added, if given.")
    confirmation: Confirmation | None = Field(
        default=None,
        description="How well this vendor's coverage is confirmed, when weaker than the rule's; absent: as the rule.",
    )
    notes: str | None = Field(default=None, description="Caveats.")


class Rule(Strict):
    """A machine-readable obligation from one instrument."""

    id: RecordId = Field(description="Stable rule id (from shared/research/regulations.json).")
    name: str = Field(description="Instrument name and provision.")
    instrument_type: str = Field(description="statute, regulation, executive order, guidance, list...")
    jurisdiction: str = Field(description="'US', 'US-NV', 'GB', 'AU', 'EU', ... as for actors.")
    issuer: str = Field(description="Issuing body.")
    covered: list[CoveredVendor] = Field(min_length=1, description="Entities the rule covers.")
    prohibits: list[Prohibition] = Field(min_length=1, description="What it forbids.")
    summary: str = Field(description="Plain-language summary of what it forbids.")
    binds: list[OrgPredicate] = Field(
        min_length=1, description="Organisation-profile predicates it binds (e.g. 'us_federal_agency')."
    )
    effective_date: DateRef = Field(description="When obligations apply.")
    enacted_date: DateRef | None = Field(default=None, description="When enacted, if different.")
    source: str = Field(description="Primary or best available citation.")
    additional_sources: list[str] = Field(default_factory=list, description="Further citations.")
    confirmation: Confirmation = Field(description="How well the rule is confirmed.")
    unconfirmed_fields: list[str] = Field(default_factory=list, description="Fields not yet confirmed.")
    as_of: dt.date = Field(description="Date the rule text was checked as describing.")
    last_checked: dt.date = Field(description="When a curator last checked the rule.")
    notes: str | None = Field(default=None, description="Caveats and mapping notes.")


Record = Vendor | Brand | Actor | Source | Event | Fact | Rule | Corroboration
"""Any curated record."""


# --- device half: observations and signatures ----------------------------------------------


class Channel(StrEnum):
    """Where an observation came from: a protocol, a file column, or the collector itself."""

    MAC = "mac"
    HTTP = "http"
    FAVICON = "favicon"
    TLS = "tls"
    ONVIF = "onvif"
    SADP = "sadp"
    DHIP = "dhip"
    ISAPI = "isapi"
    DAHUA_CGI = "dahua-cgi"
    RTSP = "rtsp"
    SNMP = "snmp"
    TELNET = "telnet"
    SSH = "ssh"
    SIP = "sip"
    DHCP = "dhcp"
    UPNP = "upnp"
    INVENTORY = "inventory"
    HIK_SDK = "hik-sdk"
    DVRIP = "dvrip"
    LAPI = "lapi"
    MDNS = "mdns"
    ANOMALY = "anomaly"
    PORT = "port"
    NMAP = "nmap"
    EGRESS = "egress"
    LLDP = "lldp"
    FTP = "ftp"


class SignatureClaim(StrEnum):
    """What a signature match may conclude on its own."""

    RESTRICTED = "restricted"
    BRAND_ONLY = "brand-only"
    GENERIC = "generic"


class EvidenceKind(StrEnum):
    """What kind of evidence a signature's strings come from."""

    CAPTURED_RESPONSE = "captured_response"
    PUBLISHED_EXAMPLE = "published_example"
    MATCHER_LITERAL = "matcher_literal"
    VENDOR_DOCUMENTATION = "vendor_documentation"


class SignatureSource(Strict):
    """Where a signature's strings were seen, and under what licence they are reused."""

    reference: str = Field(description="URL or owner/repo:path[#Lline] or owner/repo#issue where the string appears.")
    licence: str = Field(description="SPDX licence of the referenced material, or 'facts' for a bare observed string.")
    kind: EvidenceKind = Field(
        description="captured_response, published_example, matcher_literal or vendor_documentation."
    )
    note: str | None = Field(default=None, description="What the reference shows, when not obvious.")


class SignatureExample(Strict):
    """A value the signature must match, with the exact extractions it must produce."""

    value: str = Field(description="The observed value, verbatim.")
    extract: dict[str, str] = Field(default_factory=dict, description="Named-group values the match must yield.")


class Signature(Strict):
    """A pattern over one observation field that points to a vendor or brand, with examples that test it."""

    id: RecordId = Field(description="Stable kebab-case id, e.g. 'hikvision-http-server-dnvrs-webs'.")
    channel: Channel = Field(description="Observation channel the signature reads.")
    field: str = Field(description="Observation field within the channel, e.g. 'server'.")
    description: str = Field(description="What the signature recognises, in one sentence.")
    pattern: str | None = Field(
        default=None, description="Python regular expression (re.search); named groups extract."
    )
    flags: list[str] = Field(default_factory=list, description="Regex flags: 'i' (ignore case), 's', 'm'.")
    equals: str | None = Field(default=None, description="Exact value instead of a pattern (hashes, prefixes).")
    vendor: RecordId | None = Field(description="Upstream vendor id; absent for generic signatures.")
    brand: RecordId | None = Field(default=None, description="Brand id when the string names a brand.")
    claim: SignatureClaim = Field(description="restricted, brand-only or generic.")
    confidence: Confidence = Field(description="How strongly a match alone supports the vendor.")
    extract: list[str] = Field(default_factory=list, description="Named groups the pattern defines (model, firmware).")
    examples: list[SignatureExample] = Field(min_length=1, description="Values that must match, with extractions.")
    not_examples: list[str] = Field(default_factory=list, description="Values that must not match.")
    source: SignatureSource = Field(description="Where the strings come from.")
    suggests: RecordId | None = Field(
        default=None,
        description="Vendor id a generic string hints at (a lead for review, never a claim); only with claim "
        "generic; absent when the string hints at no maker.",
    )

    @model_validator(mode="after")
    def _pattern_xor_equals(self) -> Signature:
        if (self.pattern is None) == (self.equals is None):
            raise ValueError("give exactly one of pattern and equals")
        if set(self.flags) - {"i", "s", "m"}:
            raise ValueError(f"unknown regex flags {sorted(set(self.flags) - {'i', 's', 'm'})}")
        if self.pattern is not None:
            try:
                compiled = re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"pattern does not compile: {exc}") from None
            missing = set(self.extract) - set(compiled.groupindex)
            if missing:
                raise ValueError(f"extract names groups the pattern lacks: {sorted(missing)}")
        if self.claim is not SignatureClaim.GENERIC and self.vendor is None and self.brand is None:
            raise ValueError("a non-generic signature needs a vendor or a brand")
        if self.suggests is not None and (self.claim is not SignatureClaim.GENERIC or self.vendor is not None):
            raise ValueError("suggests is only for generic signatures without a vendor")
        return self


FIELDS: dict[Channel, frozenset[str]] = {
    Channel.MAC: frozenset({"address"}),
    Channel.HTTP: frozenset(
        {"server", "www-authenticate", "title", "body", "location", "path", "header", "cookie", "user-agent"}
    ),
    Channel.FAVICON: frozenset({"md5", "mmh3", "bytes"}),
    Channel.TLS: frozenset({"subject", "issuer", "pem"}),
    Channel.ONVIF: frozenset({"scopes", "xaddrs", "manufacturer", "model", "firmware", "serial"}),
    Channel.SADP: frozenset({"reply"}),
    Channel.DHIP: frozenset({"reply"}),
    Channel.ISAPI: frozenset({"deviceinfo"}),
    Channel.DAHUA_CGI: frozenset({"getvendor", "getsysteminfo"}),
    Channel.RTSP: frozenset({"server", "www-authenticate", "path"}),
    Channel.SNMP: frozenset({"sysdescr", "sysobjectid", "sysname", "engine-id"}),
    Channel.TELNET: frozenset({"banner"}),
    Channel.SSH: frozenset({"banner"}),
    Channel.SIP: frozenset({"user-agent", "server"}),
    Channel.DHCP: frozenset({"vendor-class", "hostname", "parameter-list", "client-id"}),
    Channel.UPNP: frozenset({"manufacturer", "model", "description", "location"}),
    Channel.INVENTORY: frozenset(
        {"brand", "manufacturer", "model", "serial", "hostname", "site", "ip"}
        # The organisation's own identities of the device (asset register columns) and kept custom columns.
        | {"asset_tag", "asset_id", "asset_name", "location", "owner", "cost_centre", "attribute"}
    ),
    Channel.HIK_SDK: frozenset({"reply"}),
    Channel.DVRIP: frozenset({"reply"}),
    Channel.LAPI: frozenset({"reply"}),
    Channel.MDNS: frozenset({"service", "instance", "txt", "hostname"}),
    Channel.ANOMALY: frozenset({"parse-error", "oversize", "timeout", "connection", "tls-error"}),
    Channel.PORT: frozenset({"tcp", "udp"}),
    # What nmap -sV concluded (its service match and CPE), read from its XML; nmap's own words, cited as such.
    Channel.NMAP: frozenset({"product", "version", "extrainfo", "devicetype", "ostype", "cpe", "mac-vendor"}),
    # Names and addresses a device reached out to, seen in traffic (DNS query, TLS SNI, HTTP Host, connection).
    Channel.EGRESS: frozenset({"dns", "sni", "http-host", "conn"}),
    # What a switch or router announces on its link (LLDP TLVs, or the same facts from CDP), seen passively.
    Channel.LLDP: frozenset(
        {"system-name", "system-description", "chassis-id", "port-id", "platform", "software", "device-id"}
    ),
    Channel.FTP: frozenset({"banner"}),
}
"""Observation fields each channel accepts; anything else is reported, never silently dropped."""


class Observation(Strict):
    """One thing a device said (or an inventory row stated): channel, field, value, where and when."""

    device: str = Field(min_length=1, max_length=256, description="Any stable key grouping one device's observations.")
    channel: Channel = Field(description="Protocol or source of the value.")
    field: str = Field(description="Field within the channel (see FIELDS).")
    value: str = Field(description="The value exactly as received, after size capping; raw bytes base64-encoded.")
    target: str | None = Field(default=None, description="IP address or host name the value came from, if known.")
    port: int | None = Field(default=None, ge=0, le=65535, description="TCP/UDP port, if any.")
    time: dt.datetime | None = Field(default=None, description="When it was observed (UTC), if known.")
    collector: str | None = Field(default=None, description="What produced it: 'probe:http', 'import:assets.csv:12'.")

    @model_validator(mode="after")
    def _known_field(self) -> Observation:
        if self.field not in FIELDS[self.channel]:
            allowed = ", ".join(sorted(FIELDS[self.channel]))
            raise ValueError(f"unknown field {self.field!r} for channel {self.channel.value} (expected {allowed})")
        return self


class Evidence(Strict):
    """One link of an evidence chain: observation -> matcher (signature, OUI, brand table) -> conclusion."""

    observation: int = Field(description="Index of the observation among the device's observations.")
    channel: Channel = Field(description="Channel of the observation.")
    field: str = Field(description="Field of the observation.")
    value: str = Field(description="The observed value, shortened to 200 characters for display.")
    matcher: str = Field(description="Signature id, 'oui:<prefix>/<bits>' or 'brand-table:<brand id>'.")
    reference: str | None = Field(default=None, description="Where the matcher's strings come from.")
    licence: str | None = Field(default=None, description="Licence of the referenced material.")
    vendor: str | None = Field(default=None, description="Vendor id the match points to; absent for generic matches.")
    brand: str | None = Field(default=None, description="Brand id the match names, if any.")
    claim: SignatureClaim = Field(description="restricted, brand-only or generic.")
    confidence: Confidence = Field(description="Strength of this single match.")
    protocol: bool = Field(default=False, description="True for protocol evidence of the maker (SADP, DHIP, OUI...).")
    extracted: dict[str, str] = Field(default_factory=dict, description="Model, firmware... extracted by the match.")
    conclusion: str = Field(description="What this match says, in one sentence.")
    suggests: str | None = Field(
        default=None,
        description="Vendor id a generic match hints at (port hint, weak string): a lead, never counted as the "
        "maker; absent when it hints at none.",
    )


class Lead(Strict):
    """A maker suspected from weak signs only (a vendor port, one generic string): listed for review, never a claim."""

    vendors: list[str] = Field(min_length=1, description="Suspected vendor ids, most supported first.")
    vendor_names: list[str] = Field(description="Display names of the suspected vendors, in the same order.")
    confidence: Confidence = Field(default=Confidence.LOW, description="Always low: a lead is not an attribution.")
    reasons: list[str] = Field(min_length=1, description="What points to the suspects, one line per sign.")
    evidence: list[int] = Field(
        default_factory=list, description="Indexes into the attribution's evidence of the signs behind the lead."
    )
    settle: list[str] = Field(default_factory=list, description="What would confirm or dismiss the lead.")
    summary: str = Field(description="One line, e.g. 'possibly Dahua (TCP 37777 open, nothing else answered)'.")


ASSET_FIELDS = ("asset_tag", "asset_id", "asset_name", "location", "owner", "cost_centre")
"""The asset-register identities covered keeps on a device, in display order."""


class AssetIdentity(Strict):
    """How the organisation itself names a device: asset register identities and any columns it chose to keep."""

    asset_tag: str | None = Field(default=None, description="Asset tag (the label on the device), as written.")
    asset_id: str | None = Field(default=None, description="Asset or configuration-item id in the register.")
    asset_name: str | None = Field(default=None, description="The register's name for the asset.")
    location: str | None = Field(default=None, description="Location (room, floor, rack) as the register gives it.")
    owner: str | None = Field(default=None, description="Owner, department or person responsible.")
    cost_centre: str | None = Field(default=None, description="Cost centre the asset is booked to.")
    attributes: dict[str, str] = Field(
        default_factory=dict, description="Further columns kept as they were (column header -> value)."
    )

    def fields(self) -> dict[str, str]:
        """The identities that are set, ASSET_FIELDS first, then the kept columns."""
        out = {name: value for name in ASSET_FIELDS if (value := getattr(self, name))}
        return out | self.attributes


class Attribution(Strict):
    """Who made a device, under which brand it is sold, how sure we are, and why."""

    device: str = Field(description="The device key.")
    vendor: str | None = Field(default=None, description="Upstream vendor id; absent when not determined.")
    vendor_name: str | None = Field(default=None, description="Vendor display name.")
    brand: str | None = Field(default=None, description="Brand id the device is sold under, if known.")
    brand_name: str | None = Field(default=None, description="Brand display name.")
    model: str | None = Field(default=None, description="Model, as extracted from the best evidence.")
    firmware: str | None = Field(default=None, description="Firmware version, as extracted from the best evidence.")
    serial: str | None = Field(default=None, description="Serial number, if a device or inventory gave one.")
    restricted: bool | None = Field(
        default=None, description="True: a restricted vendor built it; False: a non-restricted maker; None: unknown."
    )
    confidence: Confidence | None = Field(default=None, description="Confidence in the vendor; absent when none.")
    explanation: str = Field(description="Plain-language summary, e.g. 'Sold as Lorex, built by Dahua (DHIP reply)'.")
    evidence: list[Evidence] = Field(default_factory=list, description="Every match, in observation order.")
    conflicts: list[str] = Field(default_factory=list, description="Evidence pointing to other vendors, shown.")
    notes: list[str] = Field(default_factory=list, description="Caveats: model-line dependence, generic-only evidence.")
    lead: Lead | None = Field(
        default=None,
        description="A suspected maker when no vendor is established but weak signs hint at one; never sets "
        "restricted and never counts as the maker; absent otherwise.",
    )
    asset: AssetIdentity | None = Field(
        default=None,
        description="The organisation's own identities of the device from its inventory (asset tag, location, "
        "owner, cost centre, kept columns); absent when the inventory gave none.",
    )


class PortHint(Strict):
    """An open port that some vendor's devices are known to listen on: a lead when nothing else answers."""

    port: int = Field(ge=1, le=65535, description="Port number.")
    transport: str = Field(pattern=r"^(tcp|udp)$", description="'tcp' or 'udp'.")
    vendor: RecordId = Field(description="Vendor id whose devices use the port.")
    brand: RecordId | None = Field(default=None, description="Brand id when the port belongs to one brand's line.")
    service: str = Field(description="What the port is, e.g. 'Dahua DVRIP private protocol'.")
    note: str | None = Field(default=None, description="Why the port alone is weak: other software that uses it.")
    reference: str = Field(description="Where the port is documented: owner/repo@commit:path, URL or research note.")
    licence: str = Field(description="SPDX licence of the referenced material, or 'facts'.")


class OuiRegistrant(Strict):
    """An IEEE registrant organisation that maps exactly to a vendor (and brand)."""

    registrant: str = Field(description="Organisation name exactly as the IEEE registry spells it.")
    vendor: RecordId = Field(description="Vendor id.")
    brand: RecordId | None = Field(default=None, description="Brand id when the registrant is a brand's company.")
    confidence: Confidence = Field(description="How strongly a MAC in this block points to the vendor.")
    source: str = Field(description="Why this registrant belongs to the vendor.")
    note: str | None = Field(default=None, description="Caveats.")


class EnterpriseRegistrant(Strict):
    """An IANA private enterprise number and the tracked vendor its registrant is (or belongs to)."""

    number: int = Field(ge=0, le=2**32 - 1, description="The private enterprise number (1.3.6.1.4.1.<number>).")
    registrant: str = Field(description="Organisation exactly as the IANA registry spells it.")
    vendor: RecordId | None = Field(description="Vendor id; absent for a registrant that names no maker (net-snmp).")
    brand: RecordId | None = Field(default=None, description="Brand id when the registrant is a brand's company.")
    own: bool = Field(description="True when the registrant is the vendor itself, not a subsidiary or partner.")
    confidence: Confidence = Field(description="How strongly an OID under this number points to the vendor.")
    reference: str = Field(description="Where the registration was read: owner/repo@commit:path#Lline.")
    note: str | None = Field(default=None, description="Caveats.")


# --- assessment: organisation profiles and findings ---------------------------------------------


class Site(Strict):
    """A place the organisation runs devices, with what the devices there are used for."""

    id: RecordId = Field(description="Stable site id.")
    name: str = Field(description="Display name.")
    use_contexts: list[UseContext] = Field(
        default_factory=list,
        description="What devices here are used for; rules limited to certain uses apply only where these match.",
    )
    networks: list[str] = Field(default_factory=list, description="CIDRs whose devices belong to this site.")


class OwnPolicy(Strict):
    """An organisation's own sourcing policy (e.g. a human-rights policy), evaluated like a rule."""

    name: str = Field(description="Policy name as the organisation calls it.")
    vendors: list[RecordId] = Field(min_length=1, description="Vendor ids the policy excludes.")
    prohibits: list[Prohibition] = Field(min_length=1, description="What the policy forbids.")
    citation: str = Field(description="Where the policy is written down (the organisation's own document).")
    precedents: list[RecordId] = Field(default_factory=list, description="Registry events that show the same stance.")


class Profile(Strict):
    """Who the organisation is, for rule evaluation: the predicates rules bind, jurisdictions and sites."""

    id: RecordId = Field(description="Stable profile id.")
    name: str = Field(description="Display name.")
    description: str = Field(description="Who this profile describes.")
    predicates: list[OrgPredicate] = Field(default_factory=list, description="Which rule predicates bind it.")
    jurisdictions: list[str] = Field(min_length=1, description="Where it operates: 'US', 'US-NV', 'GB'...")
    sector: str | None = Field(default=None, description="Sector, if relevant (government, retail...).")
    default_use_contexts: list[UseContext] = Field(
        default_factory=list, description="Use contexts assumed for devices at no named site."
    )
    sites: list[Site] = Field(default_factory=list, description="Sites with their use contexts.")
    policies: list[OwnPolicy] = Field(default_factory=list, description="The organisation's own sourcing policies.")


class Obligation(StrEnum):
    """What a finding asks the organisation to do."""

    REMOVE = "remove"
    DO_NOT_USE = "do_not_use"
    DO_NOT_CONNECT = "do_not_connect"
    DO_NOT_PROCURE = "do_not_procure"
    DO_NOT_FUND = "do_not_fund"
    NO_AUTHORISATION = "no_authorisation"
    DISCLOSE = "disclose"
    PATCH = "patch"
    REVIEW = "review"


class FindingStatus(StrEnum):
    """Where a finding stands."""

    OPEN = "open"
    REVIEW = "review"
    PLANNED = "planned"
    REMOVED = "removed"
    REPLACED = "replaced"
    EXEMPTED = "exempted"


class Finding(Strict):
    """One device against one rule (or policy, or known-exploited vulnerability): what to do, by when, and why."""

    id: str = Field(description="Stable id: '<device>|<rule or vulnerability id>'.")
    device: str = Field(description="Device key.")
    rule: str | None = Field(default=None, description="Rule id, or 'policy:<name>' for an own policy.")
    vulnerability: str | None = Field(default=None, description="CVE id for a known-exploited vulnerability finding.")
    obligation: Obligation = Field(description="The main thing to do.")
    also: list[Obligation] = Field(default_factory=list, description="Further obligations from the same rule.")
    citation: str = Field(description="Instrument and provision, or advisory, with its source.")
    effective_date: DateRef | None = Field(default=None, description="When the obligation applies.")
    due: dt.date | None = Field(default=None, description="By when to act (the effective date, or a KEV due date).")
    confidence: Confidence = Field(description="From the attribution and the rule's confirmation, the lower.")
    status: FindingStatus = Field(description="open, or review when the evidence or the rule is uncertain.")
    explanation: str = Field(description="Plain language: what the device is and why the rule reaches it.")
    caveats: list[str] = Field(default_factory=list, description="What would change the finding.")


class Vulnerability(Strict):
    """A known-exploited vulnerability (CISA KEV) of a vendor's products, with its source."""

    id: RecordId = Field(description="Lower-case CVE id, e.g. 'cve-2021-36260'.")
    cve: str = Field(description="CVE id as published.")
    vendor: RecordId = Field(description="Vendor id.")
    product: str = Field(description="Product as the catalogue names it.")
    date_added: dt.date = Field(description="When CISA added it to the KEV catalogue.")
    due_date: dt.date | None = Field(default=None, description="CISA's remediation due date for federal agencies.")
    cwe: list[str] = Field(default_factory=list, description="CWE ids.")
    summary: str = Field(description="The catalogue's description.")
    affected: str = Field(description="What is known of affected models and firmware (and what is not).")
    model_pattern: str | None = Field(
        default=None, description="Regex over the device model when the affected models are known; else absent."
    )
    source: str = Field(description="Where the entry was read.")
    confirmation: Confirmation = Field(description="How well the affected-product data is confirmed.")


class CloudEndpoint(Strict):
    """A vendor cloud or P2P host a device may reach out to, with its source."""

    host: str = Field(description="Host name, '*' matching one or more name characters (e.g. '*.ezvizlife.com').")
    vendor: RecordId = Field(description="Vendor id whose service it is.")
    port: int | None = Field(default=None, description="Port, when the source gives one.")
    purpose: str = Field(description="What the endpoint is for, per the source.")
    confidence: Confidence = Field(description="How well the source establishes it.")
    source: str = Field(description="Where it was read.")
    note: str | None = Field(default=None, description="Brand or caveat.")
    licence: str | None = Field(
        default=None, description="SPDX licence of the source, or 'facts' for a bare host name it states."
    )
    unconfirmed: bool = Field(
        default=False, description="True when the source could not be resolved or itself doubts the endpoint."
    )

    def host_pattern(self) -> str:
        """The host as a regular expression, '*' standing for one or more name labels (match case-insensitively)."""
        return re.escape(self.host.rstrip(".")).replace(r"\*", r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
