"""Shared rules for keyword-style web fingerprint corpora (FingerprintHub, EHole): makers, specificity, candidates.

Both corpora match literal keywords in a page's body, title or headers, and favicon hashes; many entries are
named in Chinese. This module decides which maker an entry is about (English names through the registry, Chinese
maker names through a small cited table), whether a keyword is specific enough to say anything on its own, how
confident a match is, and turns one keyword into one :class:`Candidate`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from covered.corpus.candidate import Candidate, Example, literal_pattern
from covered.corpus.vendors import Maker, VendorNames
from covered.model import Confidence, SignatureClaim

__all__ = [
    "CJK_MAKERS",
    "CjkName",
    "EntryMaker",
    "KeywordRule",
    "choose_keywords",
    "entry_maker",
    "favicon_candidate",
    "header_target",
    "is_specific",
    "keyword_candidate",
]


@dataclass(frozen=True, slots=True)
class CjkName:
    """A maker's Chinese name, the registry name it stands for, and where the two are tied together."""

    text: str
    registry_name: str
    source: str


# Chinese names of the tracked makers, each tied to the English name by the company's own filing or listing.
CJK_MAKERS: tuple[CjkName, ...] = (
    CjkName(
        "海康威视",
        "Hikvision",
        "Hikvision 2020 annual report (杭州海康威视数字技术股份有限公司, securities name 海康威视): "
        "http://money.finance.sina.com.cn/corp/view/vCB_AllBulletinDetail.php?stockid=002415&id=7061163",
    ),
    CjkName(
        "海康",
        "Hikvision",
        "short form of 海康威视 used for the company's own units in its filings (海康机器人, 中电海康集团): "
        "http://m.igu888.com/gonggao/ggnews.asp?code=002415&id=10904333",
    ),
    CjkName(
        "大华",
        "Dahua",
        "Dahua 2021 annual report (浙江大华技术股份有限公司, securities name 大华股份; the English report names "
        "Zhejiang Dahua Technology Co., Ltd.): https://podms.com/p20220423002155.html",
    ),
    CjkName(
        "华为",
        "Huawei",
        "华为技术有限公司 / Huawei Technologies Co., Ltd.: https://zh.wikipedia.org/zh-hk/%E8%8F%AF%E7%88%B2",
    ),
    CjkName(
        "中兴",
        "ZTE",
        "ZTE 2015 annual report cover (中兴通讯股份有限公司 ZTE CORPORATION): "
        "http://stock.stockstar.com/notice/JC2016040700000407.shtml",
    ),
    CjkName(
        "海能达",
        "Hytera",
        "Hytera 2020 annual report (中文名称 海能达通信股份有限公司, 外文名称 Hytera Communications Corporation "
        "Limited): http://news.windin.com/ns/bulletin.php?code=27B5499EB3DE&id=123925174&type=1",
    ),
    CjkName(
        "萤石",
        "EZVIZ",
        "EZVIZ listing announcement (杭州萤石网络股份有限公司 Hangzhou EZVIZ Network Co.,Ltd.): "
        "http://stock.stockstar.com/notice/SN2022122600008656.shtml",
    ),
    CjkName(
        "宇视",
        "Uniview",
        "Uniview's company magazine (宇視科技) under About_Us/Company_Publication/Uniview_magazine: "
        "http://www.xiaofutong.cn/About_Us/Company_Publication/Uniview_magazine/2017/yushi_13/201708/"
        "799921_140493_0.htm",
    ),
    CjkName(
        "科达",
        "Kedacom",
        "Suzhou Keda 2024 annual report (苏州科达科技股份有限公司; subsidiary Kedacom International PTE. LTD.): "
        "https://www.xyhcggc.com/gj/3215.html",
    ),
)
"""Chinese maker names (substring match on entry names): 天地伟业 (Tiandy) is left out, no citable tie found."""

# Entry names that mention a tracked maker's name but mean something else.
_FALSE_FRIENDS = re.compile(
    r"apache[\s_-]*axis|\baxis2\b|\bsony[\s_-]*liv\b|sonyliv|intermec",
    re.IGNORECASE,
)
# Brands whose names are whole unrelated companies (Honeywell's printers, FLIR's thermal cameras, ADT, and the
# Chinese VPN maker 安达通 whose product ids start 'adt-'): a corpus entry naming them says nothing of the OEM link.
_DENY_BRANDS = frozenset(
    {"adt", "honeywell-historical-hikvision", "flir-lorex-era", "bosch-some-products", "panasonic-some-products"}
)

# Word tokens that say nothing about a maker: markup, web plumbing, common UI words, generic device words.
_PLAIN_WORDS = """
    a about action admin all api app apps asp aspx asset assets b bin blank bmp body bootstrap br browser build
    button camera cameras center cgi charset china class client cn co com common company conf config console
    content control cookie copyright corp css dashboard data default device devices dist div doc document download
    dvr else en equiv false favicon file files font form frame frameset function gateway gif gbk head help hidden
    home href htm html http https ico icon id ie iframe if image images img inc include includes index info input
    ipc ipcam javascript jpeg jpg jquery jquerylib js jsessionid jsp lang language lib libs link live location
    login logon logo logout ltd main manage management manager meta min module modules moment mshtml name netcam
    network new nvr onload page pages panel passwd password php platform plugin plugins png portal refresh rel res
    reserved resource resources return rights router script scripts secure security server service services session
    settings setup span src ssl static status style styles submit svg sys system table td text theme themes title
    tr true type ui url user users utf v1 v2 value var vendor vendors version video view views vpn web webui
    welcome window www zh android webos iphone ipod blackberry navigator useragent test toastr master chunk created
    intellij idea authlogin restore monitor keep signed sign remember frameborder framelayout mainframe roteador
    wireless qwebchannel
"""
_GENERIC_TOKENS = frozenset(_PLAIN_WORDS.split())
# Whole keywords a camera network is full of (compared case-folded, whitespace collapsed).
_GENERIC_PHRASES = frozenset(
    {
        "ip camera",
        "network camera",
        "web service",
        "netsurveillance",
        "netsurveillance web",
        "web client",
        "user login",
        "login page",
        "network video recorder login",
        "ssl vpn",
        "welcome to ssl vpn",
    }
)
# Chinese words that are ordinary UI text (login, video surveillance, management platform...), not a product.
_GENERIC_CJK = frozenset(
    {
        "登录",
        "登陆",
        "用户登录",
        "用户登陆",
        "欢迎登录",
        "欢迎登陆",
        "欢迎登陆系统",
        "欢迎登录系统",
        "视频监控",
        "网络视频监控",
        "网络视频监控系统",
        "视频监控系统",
        "视频监控平台",
        "监控系统",
        "管理系统",
        "管理平台",
        "综合管理平台",
        "安全网关",
        "安全接入网关",
        "版权所有",
        "网关管理系统",
        "综合",
    }
)
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_TOKEN = re.compile(r"[a-z0-9]+")
_LETTERS_ONLY = re.compile(r"^[A-Za-z]+$")
_HEXISH = re.compile(r"^(?:0x[0-9a-f]+|(?=[a-f]*\d)[0-9a-f]{4,}|\d+)$")  # numbers, hex constants, GUID parts
_MIN_LITERAL = 5
_MIN_CJK = 4


@dataclass(frozen=True, slots=True)
class EntryMaker:
    """The maker a corpus entry is about, with every name that may stand for it in a keyword."""

    maker: Maker
    names: tuple[str, ...]
    brand_only: bool


def _maker_names(maker: Maker, names: VendorNames) -> tuple[str, ...]:
    found: set[str] = set()
    vendor = names.vendors.get(maker.vendor) if maker.vendor else None
    if vendor is not None and maker.claim is not SignatureClaim.BRAND_ONLY:
        found.update([vendor.name, *vendor.legal_names, *vendor.aliases])
        found.update(c.text for c in CJK_MAKERS if names.resolve(c.registry_name) == maker)
    brand = names.brands.get(maker.brand) if maker.brand else None
    if brand is not None:
        found.update([brand.name, *brand.aliases])
    found.update(c.text for c in CJK_MAKERS if names.resolve(c.registry_name) == maker)
    keep = {n for n in found if len(n) >= 3 or _CJK_RUN.fullmatch(n)}
    return tuple(sorted(keep, key=lambda n: (-len(n), n)))


def entry_maker(
    names: VendorNames, texts: Iterable[str | None], aliases: dict[str, str] | None = None
) -> EntryMaker | None:
    """The one tracked maker an entry's names (vendor field, product, name...) point to, or None.

    ``aliases`` maps a corpus's own maker slugs ('dahuasecurity') to registry names. An entry whose names point
    to two different vendors, or to a brand that is a whole unrelated company, is skipped.
    """
    makers: dict[tuple[str | None, str | None], Maker] = {}
    for text in texts:
        if text is None:
            continue
        if _FALSE_FRIENDS.search(text):
            return None
        lookup = (aliases or {}).get(text.casefold())
        direct = names.resolve(lookup or text)
        if direct is not None:
            makers.setdefault((direct.vendor, direct.brand), direct)
        for found in names.mentioned(text):
            makers.setdefault((found.vendor, found.brand), found)
        for cjk in CJK_MAKERS:
            if cjk.text in text:
                resolved = names.resolve(cjk.registry_name)
                if resolved is not None:
                    makers.setdefault((resolved.vendor, resolved.brand), resolved)
    if not makers or any(m.brand in _DENY_BRANDS for m in makers.values()):
        return None
    vendors = {m.vendor for m in makers.values()}
    if len(vendors) != 1:
        return None
    # A brand named alongside its vendor's own name: the vendor's own brand wins (it makes the firmer claim).
    ranked = sorted(makers.values(), key=lambda m: (m.claim is not SignatureClaim.RESTRICTED, m.brand or ""))
    maker = ranked[0]
    return EntryMaker(maker, _maker_names(maker, names), maker.claim is SignatureClaim.BRAND_ONLY)


def names_maker(keyword: str, entry: EntryMaker) -> bool:
    """Whether the keyword itself contains one of the maker's names."""
    folded = keyword.casefold()
    for name in entry.names:
        lowered = name.casefold()
        if _CJK_RUN.fullmatch(name) or len(name) >= _MIN_LITERAL:
            if lowered in folded:
                return True
        # Short names ('ZTE', 'UNV', 'Hik') count only as whole words: 'aztec' does not name ZTE.
        elif re.search(rf"(?<![a-z0-9]){re.escape(lowered)}(?![a-z0-9])", folded):
            return True
    return False


def bare_name(keyword: str, entry: EntryMaker) -> bool:
    """Whether the keyword is nothing but one of the maker's names."""
    folded = " ".join(keyword.split()).casefold()
    return any(folded == name.casefold() for name in entry.names)


def is_specific(keyword: str, entry: EntryMaker | None = None) -> bool:
    """Whether a keyword alone can say which product a page is (not markup, not a common word, not too short)."""
    text = " ".join(keyword.split())
    if len(text) < _MIN_LITERAL:
        return False
    if entry is not None and names_maker(text, entry):
        return True
    if text.casefold() in _GENERIC_PHRASES:
        return False
    if _LETTERS_ONLY.match(text):
        return False  # one plain word ('moment', 'serviceip', 'sharecenter') is a common word or a variable name
    return _informative(text)


def _informative(text: str) -> bool:
    """Whether the text has a word that is not markup, plumbing, a number or a hex constant."""
    if any(len(run) >= _MIN_CJK and run not in _GENERIC_CJK for run in _CJK_RUN.findall(text)):
        return True
    tokens = _TOKEN.findall(text.casefold())
    return any(len(t) >= 4 and t not in _GENERIC_TOKENS and not _HEXISH.match(t) for t in tokens)


def _beyond_name(keyword: str, entry: EntryMaker) -> bool:
    """Whether the keyword says more than the maker's name ('h3c secpath series', not 'service@h3c.com')."""
    rest = keyword.casefold()
    for name in entry.names:
        rest = rest.replace(name.casefold(), " ")
    return _informative(rest)


def choose_keywords(keywords: Sequence[str], entry: EntryMaker) -> tuple[list[str], str | None]:
    """The keyword of an AND entry to emit, and a note naming the ones left out (RE2 cannot require them all).

    The most specific keyword stands for the entry: one that says more than the maker's name first, then one
    naming the maker, then the longest. No specific keyword: nothing.
    """
    specific = [k for k in keywords if is_specific(k, entry)]
    if not specific:
        return [], None
    if len(keywords) == 1:
        return specific, None
    best = sorted(
        specific,
        key=lambda k: (not _beyond_name(k, entry), not names_maker(k, entry), -len(k), k),
    )[0]
    rest = "; ".join(repr(k) for k in keywords if k != best)
    return [best], f"The entry also requires {rest}; only the most specific keyword is matched."


def header_target(keyword: str) -> tuple[str, str]:
    """The observation field and value a header keyword is about: 'Server: X' is http/server X, and so on."""
    name, sep, value = keyword.partition(":")
    if sep and re.fullmatch(r"[A-Za-z0-9-]+", name.strip()) and value.strip():
        field = name.strip().casefold()
        if field in {"server", "location", "www-authenticate"}:
            return field, value.strip()
    return "header", keyword.strip()


@dataclass(frozen=True, slots=True)
class KeywordRule:
    """Where one keyword came from and how the corpus matches it."""

    key: str
    path: str
    line: int | None
    entry_name: str
    location: str  # body, title, title-prefix, header
    case_insensitive: bool
    note: str | None = None


_NOT_EXAMPLES = {
    "body": ("<html><head><title>Login</title></head><body>Web Client</body></html>",),
    "title": ("Login", "Web Client", "NETSurveillance WEB", "AXIS"),
    "server": ("GoAhead-Webs", "Boa/0.94.14rc21", "lighttpd/1.4.35", "App-webs/"),
    "location": ("/index.html", "/doc/page/login.asp"),
    "header": ("Server: GoAhead-Webs", "Content-Type: text/html"),
    "www-authenticate": ('Basic realm="index.html"',),
}


def _confidence(location: str, keyword: str, entry: EntryMaker) -> Confidence:
    # A maker's or product's name in a title, or the maker's name with a product's, is direct; other markup
    # (script paths, element ids, a bare vendor domain) is a hint.
    if location in {"title", "title-prefix"} or (names_maker(keyword, entry) and _beyond_name(keyword, entry)):
        return Confidence.MEDIUM
    return Confidence.LOW


def keyword_candidate(rule: KeywordRule, keyword: str, entry: EntryMaker) -> tuple[Candidate | None, str]:
    """One candidate for one keyword, or None with the reason it was skipped."""
    if not is_specific(keyword, entry):
        return None, "keyword is not specific to a maker"
    if entry.brand_only and not names_maker(keyword, entry):
        return None, "relabel brand: the keyword does not name the brand"
    if rule.location == "body" and bare_name(keyword, entry):
        return None, "the maker's name alone in a page body is not a fingerprint"
    maker = entry.maker
    note = rule.note
    flags = ("i",) if rule.case_insensitive else ()
    literal = " ".join(keyword.split())
    if rule.location == "body":
        field, value = "body", literal
        pattern = literal_pattern(literal)
        example = f"<html><head></head><body>{literal}</body></html>"
    elif rule.location in {"title", "title-prefix"}:
        field, value = "title", literal
        body = literal_pattern(literal)
        pattern = f"^\\s*{body}" if rule.location == "title-prefix" else body
        example = literal
    else:
        field, value = header_target(literal)
        if not is_specific(value, entry):
            return None, "keyword is not specific to a maker"
        pattern = literal_pattern(value)
        # An http/header observation is 'Name: value'; a bare keyword (EHole searches all headers) is shown in
        # the Server header, where such product strings are sent.
        example = value if field != "header" or ":" in value else f"Server: {value}"
        if example != value:
            extra = "The corpus matches this keyword anywhere in the response headers; the example shows it in Server."
            note = f"{note} {extra}" if note else extra
    where = {"title-prefix": "title", "header": field}.get(rule.location, rule.location)
    candidate = Candidate(
        key=f"{rule.key}:{field}:{keyword}",
        channel="http",
        field=field,
        description=f"{maker.name}: {rule.entry_name} ({where} keyword)",
        vendor=maker.vendor,
        brand=maker.brand,
        claim=maker.claim,
        confidence=_confidence(rule.location, keyword, entry),
        pattern=pattern,
        flags=flags,
        examples=(Example(example),),
        not_examples=_NOT_EXAMPLES.get(field, ()),
        path=rule.path,
        line=rule.line,
        note=note,
    )
    return candidate, ""


_MMH3 = re.compile(r"^-?\d{1,10}$")
_MD5 = re.compile(r"^[0-9a-f]{32}$")


def favicon_candidate(rule: KeywordRule, value: str, entry: EntryMaker) -> tuple[Candidate | None, str]:
    """One candidate for a favicon hash: a signed 32-bit MurmurHash3 as decimal (Shodan's form) or an MD5."""
    text = value.strip().casefold()
    if _MMH3.match(text) and -(2**31) <= int(text) < 2**31:
        field = "mmh3"
    elif _MD5.match(text):
        field = "md5"
    else:
        return None, "favicon hash is neither a signed 32-bit mmh3 nor an md5"
    maker = entry.maker
    candidate = Candidate(
        key=f"{rule.key}:favicon:{text}",
        channel="favicon",
        field=field,
        description=f"{maker.name}: {rule.entry_name} (favicon {field})",
        vendor=maker.vendor,
        brand=maker.brand,
        claim=maker.claim,
        confidence=Confidence.MEDIUM,
        equals=text,
        examples=(Example(text),),
        path=rule.path,
        line=rule.line,
        note=rule.note,
    )
    return candidate, ""
