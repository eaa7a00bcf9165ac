"""Find who acts in a passage: registry actors by name, alias or distinctive words, else a country and an
institution ('Ministero della difesa' + 'australiano' -> Australian Department of Defence), else a proposed new
actor with its parent and jurisdiction."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from covered.model import Actor, ActorType
from covered.registry import Registry

__all__ = ["COUNTRIES", "ActorHit", "ActorMatcher"]

# ISO code -> name stems in the supported languages (matched case-insensitively at a word start).
COUNTRIES: dict[str, tuple[str, list[str]]] = {
    "US": (
        "United States",
        [
            r"United States",
            r"\bU\.S\.",
            r"\bUS\b",
            r"American",
            r"Stati Uniti",
            r"statunitens",
            r"americano",
            r"Estados Unidos",
            r"estadounidense",
            r"États-Unis",
            r"américain",
            r"Vereinigten Staaten",
            r"\bUSA\b",
            r"amerikan",
            r"Verenigde Staten",
            r"Stany Zjednoczone",
            r"\bUSA\b",
            r"США",
            r"美国",
            r"अमेरिका",
            r"Forenede Stater",
            r"Förenta staterna",
        ],
    ),
    "GB": (
        "United Kingdom",
        [
            r"United Kingdom",
            r"\bUK\b",
            r"British",
            r"Britain",
            r"Regno Unito",
            r"britannic",
            r"Reino Unido",
            r"británic",
            r"Royaume-Uni",
            r"britanni",
            r"Großbritannien",
            r"Vereinigte Königreich",
            r"britisch",
            r"Storbritannien",
            r"britisk",
            r"Verenigd Koninkrijk",
            r"Wielka Brytania",
            r"Wielkiej Brytanii",
            r"brytyjsk",
            r"Велика Британія",
            r"Британі",
            r"英国",
            r"ब्रिटेन",
            r"Reino Unido",
            r"brit",
        ],
    ),
    "AU": ("Australia", [r"Australi", r"Австралі", r"澳大利亚", r"ऑस्ट्रेलिया"]),
    "NZ": (
        "New Zealand",
        [
            r"New Zealand",
            r"Nuova Zelanda",
            r"Nueva Zelanda",
            r"Nouvelle-Zélande",
            r"Neuseeland",
            r"Nova Zelândia",
            r"New Zealand",
            r"Nowa Zelandia",
            r"Нова Зеландія",
            r"新西兰",
        ],
    ),
    "DK": (
        "Denmark",
        [
            r"Denmark",
            r"Danish",
            r"Danimarca",
            r"danes",
            r"Dinamarca",
            r"Danemark",
            r"danois",
            r"Dänemark",
            r"dänisch",
            r"Danmark",
            r"dansk",
            r"Denemarken",
            r"Deens",
            r"Dani[ai]",
            r"duńsk",
            r"Данія",
            r"丹麦",
            r"डेनमार्क",
        ],
    ),
    "NO": (
        "Norway",
        [
            r"Norway",
            r"Norwegian",
            r"Norveg",
            r"Noruega",
            r"Norvège",
            r"Norwegen",
            r"Norge",
            r"norsk",
            r"Noorwegen",
            r"Norwegi",
            r"Норвегі",
            r"挪威",
        ],
    ),
    "SE": (
        "Sweden",
        [
            r"Sweden",
            r"Swedish",
            r"Svezia",
            r"svedes",
            r"Suecia",
            r"Suède",
            r"Schweden",
            r"Sverige",
            r"svensk",
            r"Zweden",
            r"Szwecj",
            r"Швеці",
            r"瑞典",
        ],
    ),
    "FI": ("Finland", [r"Finland", r"Finnish", r"Finlandia", r"Finlande", r"Finnland", r"Suomi", r"Фінлянді", r"芬兰"]),
    "IS": ("Iceland", [r"Iceland", r"Islanda", r"Islandia", r"Islande", r"Island\b", r"Ísland", r"冰岛"]),
    "TW": ("Taiwan", [r"Taiwan", r"Taiw[aá]n", r"Tajwan", r"Тайван", r"台湾", r"ताइवान"]),
    "IN": (
        "India",
        [
            r"India\b",
            r"Indian",
            r"Indiano",
            r"Indiana\b",
            r"Inde\b",
            r"Indien",
            r"Índia",
            r"Indie\b",
            r"Індія",
            r"印度",
            r"भारत",
        ],
    ),
    "CA": ("Canada", [r"Canad", r"Kanad", r"Канад", r"加拿大"]),
    "DE": (
        "Germany",
        [
            r"Germany",
            r"German\b",
            r"Germania",
            r"tedesc",
            r"Alemania",
            r"alemán",
            r"Allemagne",
            r"allemand",
            r"Deutschland",
            r"deutsch",
            r"Duitsland",
            r"Niemcy",
            r"Niemiec",
            r"niemieck",
            r"Німеччин",
            r"德国",
            r"जर्मनी",
            r"Tyskland",
            r"tysk",
        ],
    ),
    "FR": (
        "France",
        [
            r"France",
            r"French",
            r"Francia",
            r"frances",
            r"Frankreich",
            r"französisch",
            r"França",
            r"Frankrijk",
            r"Francj",
            r"Франці",
            r"法国",
            r"फ्रांस",
            r"Frankrig",
        ],
    ),
    "IT": (
        "Italy",
        [
            r"Italy",
            r"Italian",
            r"Italia",
            r"italian",
            r"Italien",
            r"Itália",
            r"Italië",
            r"Włoch",
            r"Італі",
            r"意大利",
            r"इटली",
        ],
    ),
    "ES": (
        "Spain",
        [
            r"Spain",
            r"Spanish",
            r"Spagna",
            r"España",
            r"español",
            r"Espagne",
            r"Spanien",
            r"Espanha",
            r"Spanje",
            r"Hiszpani",
            r"Іспані",
            r"西班牙",
        ],
    ),
    "PT": ("Portugal", [r"Portugal", r"Portogallo", r"portugu", r"Portugalia", r"Португалі", r"葡萄牙"]),
    "NL": (
        "Netherlands",
        [
            r"Netherlands",
            r"Dutch",
            r"Paesi Bassi",
            r"olandes",
            r"Países Bajos",
            r"Pays-Bas",
            r"Niederlande",
            r"niederländisch",
            r"Nederland",
            r"Holandi",
            r"Нідерланд",
            r"荷兰",
        ],
    ),
    "PL": (
        "Poland",
        [
            r"Poland",
            r"Polish",
            r"Polonia",
            r"Pologne",
            r"Polen",
            r"Polônia",
            r"Polska",
            r"Polsce",
            r"polsk",
            r"Польщ",
            r"波兰",
        ],
    ),
    "UA": ("Ukraine", [r"Ukrain", r"Ucrain", r"Україн", r"乌克兰", r"यूक्रेन"]),
    "LT": ("Lithuania", [r"Lithuania", r"Lituania", r"Litauen", r"Lituanie", r"Litwa", r"Литв"]),
    "EU": (
        "European Union",
        [
            r"European Union",
            r"\bEU\b",
            r"Unione Europea",
            r"Unión Europea",
            r"Union européenne",
            r"Europäische Union",
            r"Europese Unie",
            r"Unia Europejska",
            r"Європейськ",
            r"欧盟",
        ],
    ),
    "CN": (
        "China",
        [
            r"China\b",
            r"Chinese",
            r"Cina\b",
            r"cines",
            r"Chine\b",
            r"chinois",
            r"chinesisch",
            r"Kina\b",
            r"kinesisk",
            r"Chiny",
            r"chińsk",
            r"Китай",
            r"中国",
            r"चीन",
        ],
    ),
}
_SUBDIVISIONS = {
    "Scozi": "GB-SCT",
    "Scotland": "GB-SCT",
    "Escocia": "GB-SCT",
    "Écosse": "GB-SCT",
    "Schottland": "GB-SCT",
    "Galles": "GB-WLS",
    "Wales": "GB-WLS",
}

# institution key -> (words in the supported languages, words to look for in registry actors' English names, type)
INSTITUTIONS: dict[str, tuple[list[str], list[str], ActorType]] = {
    "defence": (
        [
            r"defen[cs]e",
            r"difesa",
            r"defensa",
            r"défense",
            r"Verteidigung",
            r"defesa",
            r"forsvar",
            r"försvar",
            r"defensie",
            r"obrony",
            r"оборони",
            r"国防",
            r"रक्षा",
            r"Bundeswehr",
            r"Pentagon",
        ],
        ["Defence", "Defense"],
        ActorType.MILITARY,
    ),
    "foreign": (
        [
            r"foreign affairs",
            r"affari esteri",
            r"ministero degli esteri",
            r"esteri\b",
            r"asuntos exteriores",
            r"affaires étrangères",
            r"Auswärtig",
            r"negócios estrangeiros",
            r"udenrigs",
            r"utrikes",
            r"utenriks",
            r"buitenlandse zaken",
            r"spraw zagranicznych",
            r"закордонних справ",
            r"外交部",
            r"विदेश",
        ],
        ["Foreign"],
        ActorType.GOVERNMENT_AGENCY,
    ),
    "health": (
        [
            r"health",
            r"sanità",
            r"salute",
            r"sanidad",
            r"salud",
            r"santé",
            r"Gesundheit",
            r"saúde",
            r"sundhed",
            r"hälsa",
            r"helse",
            r"volksgezondheid",
            r"zdrowia",
            r"охорони здоров",
            r"卫生",
            r"स्वास्थ्य",
        ],
        ["Health"],
        ActorType.GOVERNMENT_AGENCY,
    ),
    "finance": (
        [
            r"financ",
            r"finanz",
            r"finanze",
            r"hacienda",
            r"Finanzen",
            r"finans",
            r"financiën",
            r"finansów",
            r"фінансів",
            r"财政",
            r"वित्त",
        ],
        ["Finance"],
        ActorType.GOVERNMENT_AGENCY,
    ),
    "interior": (
        [
            r"home office",
            r"interior",
            r"interno",
            r"intérieur",
            r"Innern",
            r"inneministeriet",
            r"indenrigs",
            r"binnenlandse zaken",
            r"spraw wewnętrznych",
            r"внутрішніх справ",
            r"内政",
            r"गृह मंत्रालय",
        ],
        ["Home Office", "Interior"],
        ActorType.GOVERNMENT_AGENCY,
    ),
    "intelligence": (
        [
            r"intelligence",
            r"servizi segreti",
            r"inteligencia",
            r"renseignement",
            r"Nachrichtendienst",
            r"efterretning",
            r"underrättelse",
            r"etterretning",
            r"inlichtingen",
            r"wywiad",
            r"розвідк",
            r"情报",
            r"खुफिया",
        ],
        ["Intelligence"],
        ActorType.GOVERNMENT_AGENCY,
    ),
    "police": (
        [
            r"polic",
            r"polizia",
            r"policía",
            r"Polizei",
            r"polícia",
            r"politi",
            r"polis",
            r"politie",
            r"policj",
            r"поліці",
            r"警察",
            r"警方",
            r"पुलिस",
        ],
        ["Police"],
        ActorType.POLICE,
    ),
    "army": (
        [
            r"\barmy\b",
            r"esercito",
            r"ejército",
            r"armée de terre",
            r"\bHeer\b",
            r"exército",
            r"hæren",
            r"armén",
            r"hæren",
            r"landmacht",
            r"wojsk",
            r"армі",
            r"陆军",
            r"सेना",
        ],
        ["Army"],
        ActorType.MILITARY,
    ),
    "navy": (
        [
            r"\bnavy\b",
            r"marina",
            r"armada",
            r"marine",
            r"Marine",
            r"søværn",
            r"flottan",
            r"marynark",
            r"флот",
            r"海军",
            r"नौसेना",
        ],
        ["Navy"],
        ActorType.MILITARY,
    ),
    "parliament": (
        [
            r"parliament",
            r"parlament",
            r"parlamento",
            r"Bundestag",
            r"Folketing",
            r"riksdag",
            r"Storting",
            r"Tweede Kamer",
            r"Sejm",
            r"Верховна Рада",
            r"议会",
            r"संसद",
            r"congress",
            r"congresso",
        ],
        ["Parliament", "Congress"],
        ActorType.LEGISLATURE,
    ),
    "government": (
        [
            r"government",
            r"governo",
            r"gobierno",
            r"gouvernement",
            r"Regierung",
            r"Bundesregierung",
            r"governo",
            r"regering",
            r"regjering",
            r"rząd",
            r"уряд",
            r"政府",
            r"सरकार",
            r"Commonwealth",
        ],
        [],
        ActorType.NATIONAL_GOVERNMENT,
    ),
}

_GENERIC = {
    "the",
    "of",
    "and",
    "for",
    "de",
    "del",
    "della",
    "di",
    "la",
    "le",
    "el",
    "des",
    "der",
    "die",
    "das",
    "und",
    "government",
    "department",
    "ministry",
    "city",
    "council",
    "state",
    "federal",
    "national",
    "agency",
    "office",
    "authority",
    "region",
    "county",
    "district",
    "borough",
    "commission",
    "parliament",
    "police",
    "army",
    "navy",
    "defence",
    "defense",
    "health",
    "foreign",
    "affairs",
    "trade",
    "finance",
    "house",
    "group",
    "company",
    "services",
    "security",
    "systems",
    "united",
    "states",
    "kingdom",
    "new",
    "south",
    "north",
    "west",
    "east",
    "greater",
    "international",
    "inc",
    "ltd",
    "plc",
    "llc",
    "co",
    "corporation",
    "bank",
    "fund",
    "president",
    "secretary",
    "general",
    "attorney",
    "republic",
    "people",
    "european",
    "union",
    "public",
    "institute",
    "association",
    "industry",
    "standards",
    "body",
    "board",
    "committee",
    "court",
    "supreme",
    "high",
    "law",
    "administration",
    "forces",
    "force",
    "air",
    "capital",
    "memorial",
    "war",
    "insurance",
    "disability",
    "business",
    "innovation",
    "employment",
    "communications",
    "technology",
    "technologies",
    "digital",
    "media",
    "news",
    "broadcasting",
    "centre",
    "center",
    "university",
    "school",
    "hospital",
    "port",
    "airport",
}
_COUNTRY_WORDS = {w.casefold() for _, (name, _stems) in COUNTRIES.items() for w in name.split()} | {
    "australian",
    "american",
    "british",
    "danish",
    "norwegian",
    "swedish",
    "indian",
    "chinese",
    "scottish",
    "welsh",
    "taiwanese",
    "canadian",
    "german",
    "french",
    "italian",
    "spanish",
    "dutch",
    "polish",
    "ukrainian",
    "australia",
    "scotland",
    "wales",
    "england",
    "victoria",
    "zealand",
}


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a text (for name matching)."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch)).replace("’", "'")


@dataclass(frozen=True, slots=True)
class ActorHit:
    """An actor found in a passage: a registry actor (id) or a proposal (new), with where and why."""

    start: int
    end: int
    actor_id: str
    name: str
    actor_type: ActorType
    jurisdiction: str
    parent: str | None
    new: bool
    cue: str


class ActorMatcher:
    """Actor lookups built once per registry."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    @cached_property
    def _names(self) -> list[tuple[re.Pattern[str], str]]:
        out: list[tuple[re.Pattern[str], str]] = []
        vendor_names = {fold(n) for v in self.registry.vendors.values() for n in (v.name, v.id, *v.aliases)}
        for actor in self.registry.actors.values():
            names = {actor.name, *(actor.aliases or []), *([actor.name_original] if actor.name_original else [])}
            for name in names:
                if len(name) < 2:
                    continue
                flags = 0 if len(name) <= 4 or name.isupper() else re.IGNORECASE
                out.append((re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", flags), actor.id))
            # distinctive proper-noun words of the English name ('Suffolk', 'Tonbridge', 'Geelong', 'Nevada')
            words = [w for w in re.findall(r"[A-Z][\w'’&-]+", actor.name) if fold(w) not in _GENERIC]
            words = [w for w in words if fold(w) not in _COUNTRY_WORDS and len(w) >= 3]
            if words and fold(" ".join(words)) not in vendor_names:
                pattern = r"(?<!\w)" + r"\W+(?:\w+\W+){0,2}".join(re.escape(w) for w in words) + r"(?!\w)"
                out.append((re.compile(pattern), actor.id))
        return out

    @cached_property
    def _countries(self) -> list[tuple[re.Pattern[str], str]]:
        out = []
        for code, (_name, stems) in COUNTRIES.items():
            for stem in stems:
                prefix = "" if stem.startswith(r"\b") or not stem[0].isalpha() or ord(stem[0]) > 0x2E80 else r"(?<!\w)"
                out.append((re.compile(prefix + stem, re.IGNORECASE if not stem.isupper() else 0), code))
        for stem, code in _SUBDIVISIONS.items():
            out.append((re.compile(r"(?<!\w)" + stem, re.IGNORECASE), code))
        return out

    @cached_property
    def _institutions(self) -> list[tuple[re.Pattern[str], str]]:
        # Devanagari words have no \b edges Python's re knows ('रक्षा', defence, sits inside 'सुरक्षा', security).
        return [
            (re.compile(("(?<![\u0900-\u097f])" if "\u0900" <= w[0] <= "\u097f" else "") + w, re.IGNORECASE), key)
            for key, (words, _, _) in INSTITUTIONS.items()
            for w in words
        ]

    def countries(self, text: str) -> list[tuple[int, str]]:
        """(offset, ISO code) of every country named in a text, in order."""
        found = [(m.start(), code) for pattern, code in self._countries for m in pattern.finditer(text)]
        return sorted(set(found))

    def named(self, text: str, offset: int = 0) -> list[ActorHit]:
        """Registry actors named in a text (longest match wins where names overlap)."""
        hits: list[tuple[int, int, str, str]] = []
        for pattern, actor_id in self._names:
            for m in pattern.finditer(text):
                hits.append((m.start(), m.end(), actor_id, m.group()))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        out: list[ActorHit] = []
        last_end = -1
        seen: set[str] = set()
        for a, z, actor_id, written in hits:
            if a < last_end or actor_id in seen:
                continue
            actor = self.registry.actors[actor_id]
            out.append(self._hit(actor, offset + a, offset + z, f"actor name '{written}'"))
            last_end = z
            seen.add(actor_id)
        return out

    def _hit(self, actor: Actor, a: int, z: int, cue: str) -> ActorHit:
        return ActorHit(a, z, actor.id, actor.name, actor.type, actor.jurisdiction, actor.parent, False, cue)

    def institutional(self, text: str, offset: int = 0, default_country: str | None = None) -> list[ActorHit]:
        """Actors named as country + institution ('il Ministero della difesa australiano'), matched or proposed."""
        out: list[ActorHit] = []
        countries = self.countries(text)
        for pattern, key in self._institutions:
            for m in pattern.finditer(text):
                near = [c for c in countries if abs(c[0] - m.start()) <= 60]
                code = min(near, key=lambda c: abs(c[0] - m.start()))[1] if near else default_country
                if code is None or code == "CN":
                    continue
                hit = self._institution(key, code, offset + m.start(), offset + m.end(), m.group())
                if hit is not None and all(h.actor_id != hit.actor_id for h in out):
                    out.append(hit)
        return out

    def _national(self, code: str) -> Actor | None:
        for actor in self.registry.actors.values():
            if actor.jurisdiction == code and actor.type is ActorType.NATIONAL_GOVERNMENT and actor.parent is None:
                return actor
        return None

    def _institution(self, key: str, code: str, a: int, z: int, written: str) -> ActorHit | None:
        _words, english, actor_type = INSTITUTIONS[key]
        country = code.split("-")[0]
        if key == "government":
            actors = [
                x
                for x in self.registry.actors.values()
                if x.jurisdiction == code
                and x.type in (ActorType.NATIONAL_GOVERNMENT, ActorType.SUBNATIONAL_GOVERNMENT)
            ]
            actors.sort(key=lambda x: (x.parent is not None, len(x.id)))
            if actors:
                return self._hit(actors[0], a, z, f"'{written}' of {code}")
        else:
            for actor in self.registry.actors.values():
                if actor.jurisdiction.split("-")[0] == country and any(e in actor.name for e in english):
                    return self._hit(actor, a, z, f"'{written}' of {code}")
        country_name = COUNTRIES.get(country, (code, []))[0]
        label = {"government": "Government", "parliament": "Parliament"}.get(key, key.capitalize())
        name = f"{country_name} {label}" if key != "foreign" else f"{country_name} Foreign Ministry"
        parent = self._national(country)
        new_id = re.sub(r"[^a-z0-9]+", "-", f"{country.lower()}-{key}").strip("-")
        return ActorHit(
            a,
            z,
            new_id,
            name,
            actor_type,
            code,
            parent.id if parent and parent.id != new_id else None,
            True,
            f"'{written}' of {code} (no registry actor: proposed)",
        )

    def proposed(
        self,
        name: str,
        a: int,
        z: int,
        country: str | None,
        actor_type: ActorType = ActorType.OTHER,
        cue: str | None = None,
    ) -> ActorHit:
        """A new actor named in the text but not in the registry (a capitalised name before the action).

        Without a country in the text its jurisdiction is 'unknown', which `registry check` refuses until the
        reviewer sets it: an actor is never silently placed.
        """
        slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:60].strip("-")
        prefix = country.lower() + "-" if country and slug and not slug.startswith(country.lower() + "-") else ""
        if not slug:  # a name in a script without Latin letters: a stable id from its hash
            slug = "actor-" + hashlib.sha256(name.encode()).hexdigest()[:8]
        new_id = prefix + slug
        parent = self._national(country.split("-")[0]) if country else None
        return ActorHit(
            a,
            z,
            new_id,
            name,
            actor_type,
            country or "unknown",
            parent.id if parent else None,
            True,
            cue or f"capitalised name '{name}' before the action (no registry actor: proposed)",
        )


_CAP = r"[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯІЇЄҐ][\w’'-]+"
# Local and regional bodies named the way each language names them: (pattern, type). The whole match is the
# proposed name, as written (a leading article dropped).
_LOCAL_BODIES: dict[str, list[tuple[str, ActorType]]] = {
    "en": [
        (
            rf"(?:[Cc]ity|[Tt]own|[Cc]ounty|[Bb]orough|[Dd]istrict) (?:[Cc]ouncil|[Gg]overnment) of {_CAP}(?: {_CAP})?",
            ActorType.LOCAL_GOVERNMENT,
        ),
        (rf"{_CAP}(?: {_CAP})? (?:City |County |Borough |District |Town )?Council\b", ActorType.LOCAL_GOVERNMENT),
        (rf"(?:[Cc]ity|[Tt]own) of {_CAP}", ActorType.LOCAL_GOVERNMENT),
    ],
    "it": [
        (rf"Comune di {_CAP}", ActorType.LOCAL_GOVERNMENT),
        (rf"(?:Regione|Provincia(?: autonoma)? di) {_CAP}", ActorType.SUBNATIONAL_GOVERNMENT),
    ],
    "es": [
        (rf"Ayuntamiento de {_CAP}", ActorType.LOCAL_GOVERNMENT),
        (rf"(?:Generalitat|Junta|Comunidad|Gobierno) de {_CAP}", ActorType.SUBNATIONAL_GOVERNMENT),
    ],
    "fr": [
        (rf"(?:[Mm]airie|[Vv]ille|[Mm]étropole) de {_CAP}", ActorType.LOCAL_GOVERNMENT),
        (rf"[Rr]égion {_CAP}", ActorType.SUBNATIONAL_GOVERNMENT),
    ],
    "de": [
        (rf"(?:Stadt|Gemeinde|Landkreis|Stadtverwaltung|Stadtrat) {_CAP}", ActorType.LOCAL_GOVERNMENT),
        (rf"(?:Land|Freistaat|Kanton) {_CAP}", ActorType.SUBNATIONAL_GOVERNMENT),
    ],
    "pt": [
        (rf"(?:Câmara Municipal|Prefeitura|Município) d[eoa] {_CAP}", ActorType.LOCAL_GOVERNMENT),
    ],
    "da": [(rf"{_CAP} [Kk]ommune", ActorType.LOCAL_GOVERNMENT), (rf"Region {_CAP}", ActorType.SUBNATIONAL_GOVERNMENT)],
    "nb": [
        (rf"{_CAP} [Kk]ommune", ActorType.LOCAL_GOVERNMENT),
        (rf"{_CAP} fylkeskommune", ActorType.SUBNATIONAL_GOVERNMENT),
    ],
    "sv": [
        (rf"{_CAP} (?:stad|kommun)", ActorType.LOCAL_GOVERNMENT),
        (rf"Region {_CAP}", ActorType.SUBNATIONAL_GOVERNMENT),
    ],
    "fi": [(rf"{_CAP} kaupunki", ActorType.LOCAL_GOVERNMENT)],
    # Icelandic towns name themselves in one word: Reykjavíkurborg (the city of Reykjavík), Kópavogsbær.
    "is": [(r"[A-ZÁÐÉÍÓÚÝÞÆÖ]\w+(?:borg|bær)(?!\w)", ActorType.LOCAL_GOVERNMENT)],
    "nl": [
        (rf"[Gg]emeente {_CAP}", ActorType.LOCAL_GOVERNMENT),
        (rf"[Pp]rovincie {_CAP}", ActorType.SUBNATIONAL_GOVERNMENT),
    ],
    "pl": [
        (rf"(?:Urząd|Rada|Prezydent) Miasta {_CAP}", ActorType.LOCAL_GOVERNMENT),
        (rf"[Mm]iasto {_CAP}", ActorType.LOCAL_GOVERNMENT),
    ],
    "uk": [(r"[А-ЯІЇЄҐ][\w’'-]+ міськ\w* рад\w*", ActorType.LOCAL_GOVERNMENT)],
    "hi": [
        (r"[\u0900-\u097F]+ (?:नगर निगम|नगर पालिका|नगर परिषद|महानगरपालिका)", ActorType.LOCAL_GOVERNMENT),
        (r"[\u0900-\u097F]+ राज्य सरकार", ActorType.SUBNATIONAL_GOVERNMENT),
    ],
    "zh": [
        (r"[\u4e00-\u9fff]{2,4}(?:市|县|区)(?:政府|议会|人民政府)?", ActorType.LOCAL_GOVERNMENT),
        (r"[\u4e00-\u9fff]{2,3}省(?:政府)?", ActorType.SUBNATIONAL_GOVERNMENT),
    ],
}
_LEADING_ARTICLE = re.compile(r"^(?:the|il|lo|la|l'|el|le|der|die|das|de|het|o|a)\s+", re.IGNORECASE)

LANGUAGE_COUNTRY: dict[str, str] = {
    "it": "IT",
    "da": "DK",
    "nb": "NO",
    "sv": "SE",
    "fi": "FI",
    "is": "IS",
    "pl": "PL",
    "uk": "UA",
    "nl": "NL",
    "hi": "IN",
}
"""Languages spoken as the main language of one country: a local body's country when the text names none (a
guess, said so in the cues; Dutch is Belgian too, German and French several countries', so they are not here)."""


def local_bodies(text: str, lang: str) -> list[tuple[int, int, str, ActorType]]:
    """(start, end, name, type) of the local and regional bodies a sentence names, in order."""
    found: list[tuple[int, int, str, ActorType]] = []
    for pattern, actor_type in _LOCAL_BODIES.get(lang, []):
        for m in re.finditer(pattern, text):
            if any(a <= m.start() < z for a, z, _n, _t in found):
                continue
            found.append((m.start(), m.end(), _LEADING_ARTICLE.sub("", m.group()), actor_type))
    return sorted(found)
