"""Hand-written short articles in every supported language, one per rule of the registry's vocabulary: a ban by
a local body, a call for a ban (a fact, not an event), a reversal, a counter-decision, a duplicate of a
registry event (a corroboration), and an article about the vendors that reports no restriction (no event).

The articles are written for these tests (they report nothing real); each names its date so relative dates
('last year' in its own language) resolve against the publication date given.
"""

from __future__ import annotations

import pytest

from covered.ingest.candidate import Candidate
from covered.ingest.document import text_of_bytes
from covered.ingest.pipeline import ingest_document, parse_published
from covered.model import Action, ActorType, FactKind
from covered.registry import Registry

PUBLISHED = "2024-05-02"

# language -> (article: a local body banned buying Hikvision cameras last year, for security reasons;
#              the actor's name as written, its country, or None where the text leaves it open)
BANS: dict[str, tuple[str, str, str | None]] = {
    "en": (
        "The Springfield City Council banned purchases of Hikvision cameras last year over security concerns.",
        "Springfield City Council",
        None,
    ),
    "it": (
        "Il Comune di Bologna ha vietato l'anno scorso l'acquisto di telecamere Hikvision per motivi di sicurezza.",
        "Comune di Bologna",
        "IT",
    ),
    "es": (
        "El Ayuntamiento de Valencia prohibió el año pasado la compra de cámaras Hikvision por motivos de seguridad.",
        "Ayuntamiento de Valencia",
        None,
    ),
    "fr": (
        "La mairie de Lyon a interdit l'année dernière l'achat de caméras Hikvision pour des raisons de sécurité.",
        "mairie de Lyon",
        None,
    ),
    "de": (
        "Die Stadt München hat im vergangenen Jahr den Kauf von Hikvision-Kameras aus Sicherheitsgründen verboten.",
        "Stadt München",
        None,
    ),
    "pt": (
        "A Câmara Municipal de Lisboa proibiu no ano passado a compra de câmaras Hikvision por razões de segurança.",
        "Câmara Municipal de Lisboa",
        None,
    ),
    "da": (
        "Region Syddanmark forbød sidste år indkøb af Hikvision-kameraer af sikkerhedshensyn.",
        "Region Syddanmark",
        "DK",
    ),
    "sv": (
        "Stockholms stad förbjöd förra året inköp av kameror från Hikvision av säkerhetsskäl.",
        "Stockholms stad",
        "SE",
    ),
    "nb": ("Oslo kommune forbød i fjor kjøp av kameraer fra Hikvision av sikkerhetshensyn.", "Oslo kommune", "NO"),
    "nl": (
        "De gemeente Utrecht heeft vorig jaar de aankoop van Hikvision-camera's verboden om veiligheidsredenen.",
        "gemeente Utrecht",
        "NL",
    ),
    "pl": (
        "Urząd Miasta Krakowa w zeszłym roku zakazał zakupu kamer Hikvision ze względów bezpieczeństwa.",
        "Urząd Miasta Krakowa",
        "PL",
    ),
    "uk": (
        "Київська міська рада минулого року заборонила закупівлю камер Hikvision з міркувань безпеки.",
        "Київська міська рада",
        "UA",
    ),
    "zh": ("杭州市政府去年禁止采购海康威视摄像头，理由是安全问题。", "杭州市政府", None),
    "hi": (
        "दिल्ली नगर निगम ने पिछले साल सुरक्षा कारणों से Hikvision कैमरों की खरीद पर प्रतिबंध लगा दिया।",
        "दिल्ली नगर निगम",
        "IN",
    ),
    "fi": (
        "Helsingin kaupunki kielsi viime vuonna Hikvision-kameroiden hankinnan turvallisuussyistä.",
        "Helsingin kaupunki",
        "FI",
    ),
    "is": (
        "Reykjavíkurborg bannaði í fyrra kaup á Hikvision-myndavélum af öryggisástæðum.",
        "Reykjavíkurborg",
        "IS",
    ),
    "nn": (
        "Bergen kommune forbaud i fjor kjøp av kamera frå Hikvision av tryggleiksomsyn.",
        "Bergen kommune",
        "NO",
    ),
}
# Nynorsk in one sentence is read as Bokmål by the language detector; the Bokmål cue tables carry its forms.
DETECTED_AS = {"nn": "nb"}


def _ingest(registry: Registry, text: str, published: str = PUBLISHED) -> list[Candidate]:
    doc = text_of_bytes(text.encode("utf-8"), where="article")
    return ingest_document(doc, registry, published=parse_published(published)).candidates


def _events(candidates: list[Candidate]) -> list[Candidate]:
    return [c for c in candidates if c.kind == "event"]


@pytest.mark.parametrize("lang", sorted(BANS))
def test_a_local_ban_in_every_language(registry: Registry, lang: str) -> None:
    text, actor_name, country = BANS[lang]
    doc = text_of_bytes(text.encode("utf-8"), where="article")
    source = ingest_document(doc, registry, published=parse_published(PUBLISHED))
    assert source.language == [DETECTED_AS.get(lang, lang)]
    (event,) = _events(source.candidates)
    assert event.vendors == ["hikvision"]
    assert event.action in (Action.PROCUREMENT_BAN, Action.USE_BAN)
    # 'last year' in the article's own language, against the publication date.
    assert (event.date.value, event.date.precision.value) == ("2023", "year")
    assert event.date.as_written is not None
    assert event.date.as_written in text
    assert event.reason.value == "security"
    assert event.actor is not None
    assert event.actor.new
    assert event.actor.name == actor_name
    assert event.actor.type in (ActorType.LOCAL_GOVERNMENT, ActorType.SUBNATIONAL_GOVERNMENT)
    assert event.actor.jurisdiction == (country or "unknown")
    assert text[event.quote_start : event.quote_end] == event.quote
    assert event.quote_language == DETECTED_AS.get(lang, lang)
    assert event.quote_en == text if lang == "en" else event.quote_en.startswith("[gloss, not a translation]")


CALLS = {
    "en": "MP Jane Doe urged the government to ban Hikvision cameras from public buildings.",
    "it": "Il deputato Mario Rossi ha chiesto al governo di vietare le telecamere Hikvision.",
    "es": "La diputada Ana García pidió al gobierno prohibir las cámaras Hikvision.",
    "de": "Die Abgeordnete Anna Schmidt forderte die Regierung auf, Hikvision-Kameras zu verbieten.",
    "da": "Folketingsmedlem Lars Jensen opfordrede regeringen til at forbyde Hikvision-kameraer.",
    "fr": "La députée Claire Martin a demandé au gouvernement d'interdire les caméras Hikvision.",
    "pt": "O deputado João Silva pediu ao governo que proíba as câmaras Hikvision.",
    "sv": "Riksdagsledamoten Anna Svensson uppmanade regeringen att förbjuda Hikvision-kameror.",
    "nb": "Stortingsrepresentant Ola Nordmann ba regjeringen forby Hikvision-kameraer.",
    "nl": "Kamerlid Jan de Vries riep de regering op om Hikvision-camera's te verbieden.",
    "pl": "Poseł Jan Kowalski wezwał rząd do zakazania kamer Hikvision.",
    "uk": "Депутат Іван Петренко закликав уряд заборонити камери Hikvision.",
    "zh": "议员张伟呼吁政府禁止使用海康威视摄像头。",
    "hi": "सांसद राहुल शर्मा ने सरकार से Hikvision कैमरों पर प्रतिबंध लगाने की मांग की।",
    "fi": "Kansanedustaja Matti Virtanen vaati hallitusta kieltämään Hikvision-kamerat.",
    "is": "Þingmaðurinn Jón Jónsson hvatti ríkisstjórnina til að banna Hikvision-myndavélar.",
    "nn": "Stortingsrepresentant Kari Nordmann bad regjeringa forby Hikvision-kamera.",
}


@pytest.mark.parametrize("lang", sorted(CALLS))
def test_a_call_for_a_ban_is_a_fact_not_an_event(registry: Registry, lang: str) -> None:
    candidates = _ingest(registry, CALLS[lang])
    assert _events(candidates) == []
    assert [c.fact_kind for c in candidates] == [FactKind.CALL_FOR_BAN]
    assert candidates[0].vendors == ["hikvision"]


NEGATIVES = {
    "en": "Hikvision reported higher revenue this quarter, and Dahua opened a new factory in Hangzhou.",
    "it": "Hikvision ha presentato una nuova telecamera alla fiera di Milano.",
    "es": "Dahua presentó sus nuevas cámaras térmicas en una feria en Madrid.",
    "fr": "Hikvision a présenté une nouvelle gamme de caméras à Paris.",
    "zh": "海康威视发布了新款摄像头。",
    "de": "Hikvision stellte auf einer Messe in Berlin neue Kameras vor.",
    "pt": "A Dahua apresentou novas câmaras numa feira em Lisboa.",
    "da": "Hikvision præsenterede nye kameraer på en messe i København.",
    "sv": "Dahua visade nya kameror på en mässa i Stockholm.",
    "nb": "Hikvision viste fram nye kameraer på en messe i Oslo.",
    "nl": "Hikvision presenteerde nieuwe camera's op een beurs in Amsterdam.",
    "pl": "Dahua zaprezentowała nowe kamery na targach w Warszawie.",
    "uk": "Hikvision представила нові камери на виставці в Києві.",
    "hi": "Hikvision ने दिल्ली में एक प्रदर्शनी में नए कैमरे पेश किए।",
    "fi": "Hikvision esitteli uusia kameroita messuilla Helsingissä.",
    "is": "Hikvision kynnti nýjar myndavélar á sýningu í Reykjavík.",
    "nn": "Hikvision viste fram nye kamera på ei messe i Bergen.",
}


@pytest.mark.parametrize("lang", sorted(NEGATIVES))
def test_an_article_without_a_restriction_yields_no_event(registry: Registry, lang: str) -> None:
    assert _events(_ingest(registry, NEGATIVES[lang])) == []


REVERSALS = {
    "en": "The Springfield City Council lifted its ban on Hikvision cameras.",
    "it": "Il Comune di Bologna ha revocato il divieto sulle telecamere Hikvision.",
    "es": "El Ayuntamiento de Valencia levantó la prohibición de las cámaras Hikvision.",
    "fr": "La mairie de Lyon a levé l'interdiction des caméras Hikvision.",
    "de": "Die Stadt München hob das Verbot von Hikvision-Kameras auf.",
    "pt": "A Câmara Municipal de Lisboa levantou a proibição das câmaras Hikvision.",
    "da": "Region Syddanmark ophævede forbuddet mod Hikvision-kameraer.",
    "sv": "Stockholms stad hävde förbudet mot Hikvision-kameror.",
    "nb": "Oslo kommune opphevet forbudet mot Hikvision-kameraer.",
    "nl": "De gemeente Utrecht hief het verbod op Hikvision-camera's op.",
    "pl": "Urząd Miasta Krakowa uchylił zakaz kamer Hikvision.",
    "uk": "Київська міська рада скасувала заборону на камери Hikvision.",
    "zh": "杭州市政府取消了对海康威视摄像头的禁令。",
    "hi": "दिल्ली नगर निगम ने Hikvision कैमरों पर लगा प्रतिबंध हटा लिया।",
    "fi": "Helsingin kaupunki kumosi Hikvision-kameroita koskevan kiellon.",
    "is": "Reykjavíkurborg aflétti banni við Hikvision-myndavélum.",
    "nn": "Bergen kommune oppheva forbodet mot Hikvision-kamera.",
}


@pytest.mark.parametrize("lang", sorted(REVERSALS))
def test_a_lifted_ban_is_a_reversal_in_every_language(registry: Registry, lang: str) -> None:
    (event,) = _events(_ingest(registry, REVERSALS[lang]))
    assert event.action is Action.REVERSAL
    assert event.vendors == ["hikvision"]


RETENTIONS = {
    "en": "The Springfield City Council decided to keep its Hikvision cameras after a review.",
    "it": "Il Comune di Bologna continuerà a usare le telecamere Hikvision.",
    "es": "El Ayuntamiento de Valencia seguirá usando las cámaras Hikvision.",
    "fr": "La mairie de Lyon continuera à utiliser les caméras Hikvision.",
    "de": "Die Stadt München wird die Hikvision-Kameras weiter nutzen.",
    "pt": "A Câmara Municipal de Lisboa vai continuar a usar as câmaras Hikvision.",
    "da": "Region Syddanmark vil fortsat bruge Hikvision-kameraerne.",
    "sv": "Stockholms stad kommer att fortsätta använda Hikvision-kamerorna.",
    "nb": "Oslo kommune vil fortsette å bruke Hikvision-kameraene.",
    "nl": "De gemeente Utrecht blijft de Hikvision-camera's gebruiken.",
    "pl": "Urząd Miasta Krakowa nadal będzie używać kamer Hikvision.",
    "uk": "Київська міська рада продовжить використовувати камери Hikvision.",
    "zh": "杭州市政府决定继续使用海康威视摄像头。",
    "hi": "दिल्ली नगर निगम ने Hikvision कैमरों का उपयोग जारी रखने का फैसला किया।",
    "fi": "Helsingin kaupunki jatkaa Hikvision-kameroiden käyttöä.",
    "is": "Reykjavíkurborg mun áfram nota Hikvision-myndavélar.",
    "nn": "Bergen kommune vil halde fram med å bruke Hikvision-kameraa.",
}


@pytest.mark.parametrize("lang", sorted(RETENTIONS))
def test_keeping_the_cameras_is_a_counter_decision_in_every_language(registry: Registry, lang: str) -> None:
    (event,) = _events(_ingest(registry, RETENTIONS[lang]))
    assert event.action is Action.RETENTION


def test_every_rule_is_written_in_every_language_the_ingest_supports() -> None:
    from covered.ingest.language import SUPPORTED

    for table in (BANS, CALLS, NEGATIVES, REVERSALS, RETENTIONS):
        assert set(table) == set(SUPPORTED), sorted(set(SUPPORTED) ^ set(table))


def test_a_reversal_and_the_ban_it_reverses_are_two_events(registry: Registry) -> None:
    text = (
        "In 2022 the Springfield City Council banned Hikvision cameras. "
        "Two years later the Springfield City Council lifted the ban on Hikvision cameras."
    )
    events = _events(_ingest(registry, text))
    assert [(e.action, e.date.value) for e in events] == [(Action.USE_BAN, "2022"), (Action.REVERSAL, "2024")]
    assert events[1].date.resolved_from is not None
    assert "preceding date" in events[1].date.resolved_from


def test_a_court_remand_is_its_own_action(registry: Registry) -> None:
    text = "Il tribunale amministrativo ha annullato il divieto del Comune di Bologna sulle telecamere Hikvision."
    (event,) = _events(_ingest(registry, text))
    assert event.action is Action.REVERSAL
    assert any("court" in cue for cue in event.cues)


def test_a_counter_decision_is_recorded_as_retention(registry: Registry) -> None:
    text = "The Springfield City Council decided to keep its Hikvision cameras after a review."
    (event,) = _events(_ingest(registry, text))
    assert event.action is Action.RETENTION


def test_separate_actors_are_separate_events(registry: Registry) -> None:
    text = "L’anno scorso, Ingram Micro, PSA e ScanSource hanno abbandonato Hikvision USA."
    events = _events(_ingest(registry, text, "2024-05-02"))
    assert sorted(e.actor.id for e in events if e.actor) == ["ingram-micro", "psa-security", "scansource"]
    assert {e.date.value for e in events} == {"2023"}


def test_a_registry_event_reported_again_is_a_duplicate(registry: Registry) -> None:
    text = "Il 16 marzo Tesco ha annunciato che non acquisterà più telecamere Hikvision e Dahua."
    (event,) = _events(_ingest(registry, text, "2023-03-20"))
    assert event.actor is not None
    assert event.actor.id == "tesco"
    assert event.date.value == "2023-03-16"
    assert event.duplicate_of == "tesco-2023-phase-out"


def test_a_repeat_within_the_article_points_to_its_first_report(registry: Registry) -> None:
    text = (
        "The Springfield City Council banned Hikvision cameras in 2022.\n\n"
        "As reported above, the Springfield City Council banned Hikvision cameras in 2022."
    )
    first, second = _events(_ingest(registry, text))
    assert first.duplicate_of is None
    assert second.duplicate_of == f"candidate:{first.key}"


@pytest.mark.parametrize(
    ("lang", "phrase", "expected"),
    [
        ("it", "l'anno scorso", "2023"),
        ("it", "due giorni fa", "2024-04-30"),
        ("it", "lo scorso marzo", "2024-03"),
        ("es", "hace dos días", "2024-04-30"),
        ("es", "el pasado marzo", "2024-03"),
        ("en", "last year", "2023"),
        ("da", "sidste år", "2023"),
        ("sv", "förra året", "2023"),
        ("nb", "i fjor", "2023"),
        ("fr", "il y a deux jours", "2024-04-30"),
        ("de", "vor zwei Tagen", "2024-04-30"),
        ("pt", "ano passado", "2023"),
        ("nl", "vorig jaar", "2023"),
        ("pl", "w zeszłym roku", "2023"),
        ("uk", "минулого року", "2023"),
        ("zh", "去年", "2023"),
        ("hi", "पिछले साल", "2023"),
    ],
)
def test_relative_dates_resolve_against_the_anchor(lang: str, phrase: str, expected: str) -> None:
    from covered.ingest.dates import find_dates, resolve_relative

    anchor = parse_published(PUBLISHED)
    assert anchor is not None
    (hit,) = find_dates(phrase, lang)
    ref = resolve_relative(hit, anchor, None)
    assert ref.value == expected
    assert ref.resolved_from is not None
    assert PUBLISHED in ref.resolved_from


def test_n_days_later_resolves_against_the_preceding_date() -> None:
    from covered.ingest.dates import find_dates, resolve_relative

    anchor = parse_published(PUBLISHED)
    previous = parse_published("2021-03-03")
    assert anchor is not None
    assert previous is not None
    (hit,) = find_dates("due giorni dopo", "it")
    assert resolve_relative(hit, anchor, previous).value == "2021-03-05"


def test_vendor_names_in_other_scripts(registry: Registry) -> None:
    from covered.ingest.vendors import VendorMatcher

    matcher = VendorMatcher(registry)
    found = {hit.vendor for hit in matcher.find("海康威视、大华和华为; Хіквіжн; हिकविज़न; Hangzhou Hikvision Digital")}
    assert found == {"hikvision", "dahua", "huawei"}
