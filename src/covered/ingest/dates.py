"""Dates in article text with their precision, relative ones resolved against a segment's anchor.

Month names and the relative phrases ('1 year ago': ['anno scorso']) come from dateparser's locale data for
every supported language. dateparser's own parser misses forms that articles use ('l'anno scorso', 'due giorni
fa', 'N giorni dopo', 'hace dos días', 'el pasado marzo'), so phrases are *searched* in the text and a small
table of our own adds the missing forms and number words. 'N days later' resolves against the date of the
preceding passage, not the article's date; every resolved date says what it was resolved from.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from dataclasses import dataclass
from functools import lru_cache

from covered.model import DatePrecision, DateRef

__all__ = ["DateHit", "find_dates", "resolve_relative", "shift"]

_LOCALES = {"nb": "nb", "nn": "nn"}

# Forms dateparser's locale data lacks (measured misses: it/es), and 'N units ago/later' in every language.
_EXTRA_RELATIVE: dict[str, dict[str, list[str]]] = {
    "en": {
        "-1y": ["last year", "the previous year", "a year earlier"],
        "0y": ["this year", "earlier this year"],
        "-1m": ["last month"],
        "0m": ["this month", "earlier this month"],
        "+1y": ["next year"],
    },
    "it": {
        "-1y": ["lo scorso anno", "dello scorso anno", "anno precedente"],
        "-1m": ["lo scorso mese"],
        "0y": ["quest’anno", "quest'anno", "questo anno"],
        "0m": ["questo mese"],
    },
    "es": {"-1y": ["año pasado", "pasado año"], "-1m": ["mes pasado", "pasado mes"], "0y": ["este año"]},
    "fr": {"-1y": ["année dernière", "an dernier", "l’année dernière"], "-1m": ["mois dernier"]},
    "de": {
        "-1y": ["vergangenen jahr", "letzten jahr", "im vorjahr", "vergangenes jahr"],
        "-1m": ["vergangenen monat", "letzten monat"],
        "0y": ["dieses jahr", "in diesem jahr"],
    },
    "pt": {"-1y": ["ano passado"], "-1m": ["mês passado"]},
    "da": {"-1y": ["sidste år", "sidste år"], "-1m": ["sidste måned"]},
    "sv": {"-1y": ["förra året", "i fjol"], "-1m": ["förra månaden"]},
    "nb": {"-1y": ["i fjor", "forrige år"], "-1m": ["forrige måned"]},
    "nn": {"-1y": ["i fjor", "førre år"], "-1m": ["førre månad"]},
    "is": {"-1y": ["í fyrra", "á síðasta ári"], "-1m": ["í síðasta mánuði"]},
    "fi": {"-1y": ["viime vuonna"], "-1m": ["viime kuussa"]},
    "nl": {"-1y": ["vorig jaar", "afgelopen jaar"], "-1m": ["vorige maand"]},
    "pl": {
        "-1y": ["w zeszłym roku", "w ubiegłym roku", "zeszłego roku", "ubiegłego roku"],
        "-1m": ["w zeszłym miesiącu", "w ubiegłym miesiącu"],
    },
    "uk": {"-1y": ["минулого року", "торік"], "-1m": ["минулого місяця"]},
    "zh": {"-1y": ["去年"], "0y": ["今年"], "-1m": ["上个月", "上月"]},
    "hi": {"-1y": ["पिछले साल", "पिछले वर्ष", "गत वर्ष"], "0y": ["इस साल", "इस वर्ष"], "-1m": ["पिछले महीने"]},
}

_NUMBER_WORDS: dict[str, dict[str, int]] = {
    "en": {
        "one": 1,
        "a": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
    },
    "it": {
        "un": 1,
        "uno": 1,
        "una": 1,
        "due": 2,
        "tre": 3,
        "quattro": 4,
        "cinque": 5,
        "sei": 6,
        "sette": 7,
        "otto": 8,
        "nove": 9,
        "dieci": 10,
    },
    "es": {"un": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8},
    "fr": {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6},
    "de": {"einem": 1, "einer": 1, "ein": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6},
    "pt": {"um": 1, "uma": 1, "dois": 2, "duas": 2, "três": 3, "quatro": 4, "cinco": 5},
    "da": {"et": 1, "en": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5},
    "sv": {"ett": 1, "en": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5},
    "nb": {"ett": 1, "en": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5},
    "nl": {"een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5},
    "pl": {"jeden": 1, "dwa": 2, "dwóch": 2, "trzy": 3, "cztery": 4, "pięć": 5},
    "uk": {"один": 1, "два": 2, "дві": 2, "три": 3, "чотири": 4, "п'ять": 5},
    "zh": {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6},
    "hi": {"एक": 1, "दो": 2, "तीन": 3, "चार": 4, "पांच": 5},
}

# unit words -> 'y', 'm' or 'd'
_UNITS: dict[str, dict[str, str]] = {
    "en": {"years?": "y", "months?": "m", "days?": "d", "weeks?": "w"},
    "it": {"anni|anno": "y", "mesi|mese": "m", "giorni|giorno": "d", "settimane|settimana": "w"},
    "es": {"años|año": "y", "meses|mes": "m", "días|día": "d", "semanas|semana": "w"},
    "fr": {"ans|an|années|année": "y", "mois": "m", "jours|jour": "d", "semaines|semaine": "w"},
    "de": {"jahren|jahre|jahr": "y", "monaten|monate|monat": "m", "tagen|tage|tag": "d", "wochen|woche": "w"},
    "pt": {"anos|ano": "y", "meses|mês": "m", "dias|dia": "d", "semanas|semana": "w"},
    "da": {"år": "y", "måneder|måned": "m", "dage|dag": "d", "uger|uge": "w"},
    "sv": {"år": "y", "månader|månad": "m", "dagar|dag": "d", "veckor|vecka": "w"},
    "nb": {"år": "y", "måneder|måned": "m", "dager|dag": "d", "uker|uke": "w"},
    "nl": {"jaar": "y", "maanden|maand": "m", "dagen|dag": "d", "weken|week": "w"},
    "pl": {"lata|lat|rok": "y", "miesiące|miesięcy|miesiąc": "m", "dni|dzień": "d", "tygodnie|tygodni": "w"},
    "uk": {"роки|років|рік": "y", "місяці|місяців|місяць": "m", "дні|днів|день": "d"},
    "zh": {"年": "y", "个月|月": "m", "天|日": "d"},
    "hi": {"साल|वर्ष": "y", "महीने|महीना": "m", "दिन": "d"},
}

# '{n} {u} ago' and '{n} {u} later' forms; {n} a number, {u} a unit word.
_AGO: dict[str, list[str]] = {
    "en": ["{n} {u} ago"],
    "it": ["{n} {u} fa"],
    "es": ["hace {n} {u}"],
    "fr": ["il y a {n} {u}"],
    "de": ["vor {n} {u}"],
    "pt": ["há {n} {u}", "{n} {u} atrás"],
    "da": ["for {n} {u} siden"],
    "sv": ["för {n} {u} sedan"],
    "nb": ["for {n} {u} siden"],
    "nl": ["{n} {u} geleden"],
    "pl": ["{n} {u} temu"],
    "uk": ["{n} {u} тому"],
    "zh": ["{n}{u}前"],
    "hi": ["{n} {u} पहले"],
}
_LATER: dict[str, list[str]] = {
    "en": ["{n} {u} later", "{n} {u} after"],
    "it": ["{n} {u} dopo", "dopo {n} {u}"],
    "es": ["{n} {u} después", "{n} {u} más tarde"],
    "fr": ["{n} {u} plus tard"],
    "de": ["{n} {u} später"],
    "pt": ["{n} {u} depois", "{n} {u} mais tarde"],
    "da": ["{n} {u} senere"],
    "sv": ["{n} {u} senare"],
    "nb": ["{n} {u} senere"],
    "nl": ["{n} {u} later"],
    "pl": ["{n} {u} później"],
    "uk": ["через {n} {u}"],
    "zh": ["{n}{u}后"],
    "hi": ["{n} {u} बाद"],
}
# 'the past March' forms: month named as the latest one before the anchor.
_PAST_MONTH: dict[str, list[str]] = {
    "es": ["el pasado {mo}", "pasado {mo}"],
    "it": ["lo scorso {mo}", "scorso {mo}"],
    "en": ["last {mo}"],
    "fr": ["{mo} dernier"],
    "pt": ["{mo} passado"],
    "de": ["im vergangenen {mo}"],
}

_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")


@dataclass(frozen=True, slots=True)
class DateHit:
    """A date expression found in text: where, what it says and how it resolves."""

    start: int
    end: int
    as_written: str
    kind: str  # 'explicit', 'relative' (to the anchor) or 'later' (to the previous date)
    value: str | None = None
    precision: DatePrecision = DatePrecision.UNKNOWN
    offset: tuple[int, str] = (0, "y")
    month: int | None = None  # day-month without year, or 'past March'


def _locale(lang: str) -> dict[str, object] | None:
    try:
        module = importlib.import_module(f"dateparser.data.date_translation_data.{_LOCALES.get(lang, lang)}")
    except ImportError:
        return None
    info: dict[str, object] = module.info
    return info


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=32)
def _patterns(lang: str) -> list[tuple[re.Pattern[str], str]]:
    info = _locale(lang) or {}
    months: dict[str, int] = {}
    names = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
    sources = [info, _locale("en") or {}] if lang != "en" else [info]
    for loc in sources:
        for index, name in enumerate(names, 1):
            for word in loc.get(name, []):  # type: ignore[attr-defined]
                if lang == "zh" or len(word) >= 3:
                    months.setdefault(word.casefold(), index)
    _MONTHS[lang] = months
    long_months = _alt([m for m in months if len(m) >= 4 or "月" in m])
    all_months = _alt(list(months))
    b, e = r"(?<!\w)", r"(?!\w)"
    out: list[tuple[re.Pattern[str], str]] = []
    flags = re.IGNORECASE
    out.append((re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"), "iso"))
    out.append((re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])"), "slash"))
    out.append((re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"), "zh-ymd"))
    out.append((re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月"), "zh-ym"))
    if months:
        out.append(
            (
                re.compile(
                    rf"{b}(\d{{1,2}})(?:\.|º|°|er|st|nd|rd|th)?\s+(?:de\s+|of\s+)?({all_months})\.?,?\s+(?:de\s+|del\s+|of\s+)?(\d{{4}}){e}",
                    flags,
                ),
                "dmy",
            )
        )
        out.append((re.compile(rf"{b}({all_months})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}){e}", flags), "mdy"))
        out.append(
            (
                re.compile(
                    rf"{b}({all_months})\.?,?\s+(?:de\s+|del\s+|dell’|dell'|of\s+|im\s+jahr\s+|roku\s+|року\s+)?(\d{{4}}){e}",
                    flags,
                ),
                "my",
            )
        )
        if long_months:
            out.append(
                (re.compile(rf"{b}(\d{{1,2}})(?:\.|º|°|er|st|nd|rd|th)?\s+(?:de\s+)?({long_months}){e}", flags), "dm")
            )
            for form in _PAST_MONTH.get(lang, []):
                out.append((re.compile(b + form.replace("{mo}", f"({long_months})") + e, flags), "pastmonth"))
    out.append((re.compile(r"(\d{4})\s*年(?!\s*\d{1,2}\s*月)"), "y"))
    out.append((re.compile(r"(?<![\d.,/-])((?:19|20)\d{2})(?![\d.,]\d|\s*年|-\d)"), "y"))
    # relative phrases
    phrases: dict[str, list[str]] = {}
    relative = info.get("relative-type", {})
    for key, words in relative.items():  # type: ignore[attr-defined]
        match = re.fullmatch(r"(?:in )?(\d+) (year|month)(?: ago)?", key)
        if match is None:
            continue
        sign = "+" if key.startswith("in ") else "-"
        amount = int(match.group(1))
        code = ("0" if amount == 0 else f"{sign}{amount}") + match.group(2)[0]
        for word in words:
            word = re.sub(r"^(?:el|le|la|l'|l’|the|lo|il)\s*", "", word, flags=re.IGNORECASE)
            if len(word) >= 4 or lang == "zh":
                phrases.setdefault(code, []).append(word)
    for code, words in _EXTRA_RELATIVE.get(lang, {}).items():
        phrases.setdefault(code, []).extend(words)
    for code, words in phrases.items():
        left = "" if lang in ("zh", "hi") else b
        right = "" if lang in ("zh", "hi") else e
        out.append((re.compile(f"{left}(?:{_alt(words)}){right}", flags), f"rel:{code}"))
    numbers = _NUMBER_WORDS.get(lang, {})
    number = r"(\d{1,3}|" + _alt(list(numbers)) + ")" if numbers else r"(\d{1,3})"
    for unit_words, unit in _UNITS.get(lang, {}).items():
        space = r"\s*" if lang == "zh" else r"\s+"
        for kind, forms in (("ago", _AGO), ("later", _LATER)):
            for form in forms.get(lang, []):
                text = re.escape(form).replace(r"\{n\}", number).replace(r"\{u\}", f"(?:{unit_words})")
                text = text.replace(r"\ ", space)
                out.append((re.compile(b + text + e if lang not in ("zh", "hi") else text, flags), f"{kind}:{unit}"))
    return out


_MONTHS: dict[str, dict[str, int]] = {}


def _number(word: str, lang: str) -> int:
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(lang, {}).get(word.casefold(), 1)


def _valid(y: int, m: int = 1, d: int = 1) -> bool:
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return 1900 <= y <= 2100


def find_dates(text: str, lang: str) -> list[DateHit]:
    """Every date expression in a passage, longest first where they overlap, in text order."""
    search = text.translate(_DEVANAGARI_DIGITS)
    hits: list[DateHit] = []
    taken: list[tuple[int, int]] = []
    for pattern, kind in _patterns(lang) + (_patterns("en") if lang != "en" else []):
        for match in pattern.finditer(search):
            a, z = match.span()
            if any(a < t_end and t_start < z for t_start, t_end in taken):
                continue
            hit = _hit(match, kind, lang, text[a:z], a, z)
            if hit is not None:
                hits.append(hit)
                taken.append((a, z))
    return sorted(hits, key=lambda h: h.start)


def _hit(match: re.Match[str], kind: str, lang: str, written: str, a: int, z: int) -> DateHit | None:
    g = match.groups()
    months = {**_MONTHS.get("en", {}), **_MONTHS.get(lang, {})}
    day_p, month_p, year_p = DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR
    if kind in ("iso", "zh-ymd"):
        y, m, d = int(g[0]), int(g[1]), int(g[2])
        return DateHit(a, z, written, "explicit", f"{y:04d}-{m:02d}-{d:02d}", day_p) if _valid(y, m, d) else None
    if kind == "slash":
        first, second, y = int(g[0]), int(g[1]), int(g[2])
        d, m = (second, first) if first <= 12 < second or (lang == "en" and second <= 12) else (first, second)
        return DateHit(a, z, written, "explicit", f"{y:04d}-{m:02d}-{d:02d}", day_p) if _valid(y, m, d) else None
    if kind == "zh-ym":
        y, m = int(g[0]), int(g[1])
        return DateHit(a, z, written, "explicit", f"{y:04d}-{m:02d}", month_p) if _valid(y, m) else None
    if kind == "dmy":
        d, m, y = int(g[0]), months.get(g[1].casefold(), 0), int(g[2])
        if not m or not _valid(y, m, d):
            return None
        return DateHit(a, z, written, "explicit", f"{y:04d}-{m:02d}-{d:02d}", day_p)
    if kind == "mdy":
        m, d, y = months.get(g[0].casefold(), 0), int(g[1]), int(g[2])
        if not m or not _valid(y, m, d):
            return None
        return DateHit(a, z, written, "explicit", f"{y:04d}-{m:02d}-{d:02d}", day_p)
    if kind == "my":
        m, y = months.get(g[0].casefold(), 0), int(g[1])
        if not m or not _valid(y, m):
            return None
        return DateHit(a, z, written, "explicit", f"{y:04d}-{m:02d}", month_p)
    if kind == "dm":
        d, m = int(g[0]), months.get(g[1].casefold(), 0)
        if not m or not 1 <= d <= 31:
            return None
        return DateHit(a, z, written, "relative", None, day_p, (0, "y"), month=m * 100 + d)
    if kind == "pastmonth":
        m = months.get(g[0].casefold(), 0)
        return None if not m else DateHit(a, z, written, "relative", None, month_p, (-1, "pm"), month=m)
    if kind == "y":
        y = int(g[0])
        return DateHit(a, z, written, "explicit", f"{y:04d}", year_p) if _valid(y) else None
    if kind.startswith("rel:"):
        code = kind[4:]
        amount, unit = int(code[:-1]), code[-1]
        return DateHit(a, z, written, "relative", None, year_p if unit == "y" else month_p, (amount, unit))
    direction, unit = kind.split(":")
    n = _number(g[0], lang)
    amount = -n if direction == "ago" else n
    precision = {"y": year_p, "m": month_p}.get(unit, day_p)
    if unit == "w":
        amount, unit = amount * 7, "d"
    return DateHit(a, z, written, "relative" if direction == "ago" else "later", None, precision, (amount, unit))


def _parts(ref: DateRef) -> tuple[int, int | None, int | None] | None:
    if ref.value is None:
        return None
    bits = [int(p) for p in ref.value.split("-")]
    return bits[0], bits[1] if len(bits) > 1 else None, bits[2] if len(bits) > 2 else None


def shift(base: DateRef, amount: int, unit: str) -> tuple[str, DatePrecision] | None:
    """The base date moved by amount years/months/days, no finer than the base's precision."""
    parts = _parts(base)
    if parts is None:
        return None
    y, m, d = parts
    if unit == "y":
        return f"{y + amount:04d}", DatePrecision.YEAR
    if unit == "m":
        if m is None:
            return f"{y:04d}", DatePrecision.YEAR
        total = y * 12 + (m - 1) + amount
        return f"{total // 12:04d}-{total % 12 + 1:02d}", DatePrecision.MONTH
    if d is None:
        return (f"{y:04d}-{m:02d}", DatePrecision.MONTH) if m is not None else (f"{y:04d}", DatePrecision.YEAR)
    day = dt.date(y, m or 1, d) + dt.timedelta(days=amount)
    return day.isoformat(), DatePrecision.DAY


def resolve_relative(hit: DateHit, anchor: DateRef, previous: DateRef | None) -> DateRef:
    """A DateRef for a hit: explicit as written, relative against the anchor, 'later' against the previous date."""
    if hit.kind == "explicit":
        return DateRef(value=hit.value, precision=hit.precision, as_written=hit.as_written)
    base = previous if hit.kind == "later" and previous is not None and previous.value else anchor
    base_name = "the preceding date" if base is previous else "the anchor"
    parts = _parts(base)
    if parts is None:
        return DateRef(
            precision=DatePrecision.UNKNOWN,
            as_written=hit.as_written,
            resolved_from=f"'{hit.as_written}' with no dated anchor",
        )
    y, m, _d = parts
    if hit.month is not None and hit.offset[1] == "pm":
        month = hit.month
        year = y if m is None or month < m else y - 1
        value, precision = f"{year:04d}-{month:02d}", DatePrecision.MONTH
    elif hit.month is not None:
        month, day = divmod(hit.month, 100)
        year = y if m is None or month <= m else y - 1
        if _valid(year, month, day):
            value, precision = f"{year:04d}-{month:02d}-{day:02d}", DatePrecision.DAY
        else:
            value, precision = f"{year:04d}-{month:02d}", DatePrecision.MONTH
    else:
        moved = shift(base, hit.offset[0], hit.offset[1])
        if moved is None:
            return DateRef(precision=DatePrecision.UNKNOWN, as_written=hit.as_written)
        value, precision = moved
    note = f"'{hit.as_written}' against {base_name} {base.value} -> {value}"
    return DateRef(value=value, precision=precision, as_written=hit.as_written, resolved_from=note)
