"""Sentence cues that decide whether a restriction word reports an action: a hypothetical (conditional mood), a
cause ('because of the sanctions'), a reference back to an action already told ('this ban'), a vendor speaking
('Dahua said the ban...'), an order to an actor's own units (an order, not a call), generic Chinese-made
equipment (the vendors of the passage), and link lines ('Related: ...').

Tables per language, matched case-insensitively; a language without a table uses the English one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["SentenceCues", "is_link_line", "mask_urls", "sentence_cues"]

W = r"\w*"
_B = r"(?<!\w)"  # a word start that also works for Cyrillic and Devanagari
_E = r"(?!\w)"

# hypothetical: conditional verb forms and 'if approved'; reported speech that governs the action word directly
# ('said it would remove') is kept by the caller (the form must not stand right before the action word).
_HYPOTHETICAL = {
    "en": r"\b(?:would|could|might)\b|\bif approved\b",
    "it": r"\b\w+(?:rebbe|rebbero)\b|\bpotrebbe\b|\bse approvat\w*",
    "es": r"\b\w+(?:ría|rían)\b|\bsi se aprueba\b",
    "fr": r"\b\w+(?:rait|raient)\b|\bsi elle est approuvée\b",
    "de": r"\bwürde\w*|\bkönnte\w*|\bdürfte\w*|\bwäre\w*",
    "pt": r"\b\w+(?:ria|riam)\b|\bse aprovad\w*",
    "da": r"\bville\b|\bkunne\b",
    "sv": r"\bskulle\b|\bkunde\b",
    "nb": r"\bville\b|\bkunne\b",
    "nl": r"\bzou(?:den)?\b|\bkon(?:den)?\b",
    "pl": r"\b\w+(?:łby|łaby|łoby|liby|łyby)\b|\bmógłby\b|\bmogłaby\b",
    "uk": _B + r"(?:би|б)" + _E,
    "zh": r"可能|如果|若是|一旦",
    "hi": r"सकता|सकती|सकते|अगर|यदि",
}
# cause: the restriction word names why something else happened ('stopped selling because of the sanctions').
_CAUSE = {
    "en": r"\b(?:because of|due to|owing to|following|amid|in response to|as a result of)(?:\s+\S+){0,3}\s*$",
    "it": r"\b(?:a causa d\w*|per via d\w*|in seguito a\w*|dopo|in risposta a\w*|per effetto d\w*)(?:\s+\S+){0,3}\s*$",
    "es": r"\b(?:debido a|a causa de|por|tras|en respuesta a)(?:\s+\S+){0,3}\s*$",
    "fr": r"\b(?:à cause d\w*|en raison d\w*|suite à|après|en réponse à)(?:\s+\S+){0,3}\s*$",
    "de": r"\b(?:wegen|aufgrund|infolge|nach|als Reaktion auf)(?:\s+\S+){0,3}\s*$",
    "pt": r"\b(?:devido a\w*|por causa d\w*|após|em resposta a\w*)(?:\s+\S+){0,3}\s*$",
    "da": r"\b(?:på grund af|efter|som følge af)(?:\s+\S+){0,3}\s*$",
    "sv": r"\b(?:på grund av|efter|till följd av)(?:\s+\S+){0,3}\s*$",
    "nb": r"\b(?:på grunn av|etter|som følge av)(?:\s+\S+){0,3}\s*$",
    "nl": r"\b(?:vanwege|wegens|door|na|als gevolg van)(?:\s+\S+){0,3}\s*$",
    "pl": r"\b(?:z powodu|w związku z|po|w wyniku)(?:\s+\S+){0,3}\s*$",
    "uk": _B + r"(?:через|внаслідок|після|у зв['’]язку з)(?:\s+\S+){0,3}\s*$",
    "zh": r"(?:由于|因为|因)\S{0,12}$",
    "hi": r"(?:के कारण|की वजह से|के बाद)\s*$",
}
# a reference back to an action already told: a demonstrative right before the restriction word.
_BACK_REFERENCE = {
    "en": r"\b(?:this|these|those|such|that)(?:\s+\w+){0,2}\s*$",
    "it": r"\b(?:questo|questa|questi|queste|tale|tali|quel|quella|quei|quelle)(?:\s+\w+){0,2}\s*$",
    "es": r"\b(?:este|esta|estos|estas|ese|esa|esos|esas|dicho|dicha|tal|tales)(?:\s+\w+){0,2}\s*$",
    "fr": r"\b(?:ce|cet|cette|ces|de telles|de tels)(?:\s+\w+){0,2}\s*$",
    "de": r"\b(?:dies\w*|solche\w*|jene\w*)(?:\s+\w+){0,2}\s*$",
    "pt": r"\b(?:este|esta|estes|estas|esse|essa|esses|essas|tal|tais)(?:\s+\w+){0,2}\s*$",
    "da": r"\b(?:denne|dette|disse|sådanne)(?:\s+\w+){0,2}\s*$",
    "sv": r"\b(?:denna|detta|dessa|sådana)(?:\s+\w+){0,2}\s*$",
    "nb": r"\b(?:denne|dette|disse|slike)(?:\s+\w+){0,2}\s*$",
    "nl": r"\b(?:deze|dit|die|dergelijke|zulke)(?:\s+\w+){0,2}\s*$",
    "pl": r"\b(?:ten|ta|to|te|tego|tej|tych|takie|takich)(?:\s+\w+){0,2}\s*$",
    "uk": _B + r"(?:цей|ця|це|ці|цього|цієї|цих|такі|таких)(?:\s+\w+){0,2}\s*$",
    "zh": r"(?:该|这项|这些|此项|上述)\S{0,4}$",
    "hi": r"(?:यह|इस|इन|ऐसे)\s*(?:\S+\s*){0,2}$",
}
# a speaker's verb: when a vendor is the one speaking, a restriction word it mentions is not an action.
_SPEECH = {
    "en": r"\b(?:said|says|told|claimed|claims|argued|argues|stated|responded|called)\b",
    "it": rf"\b(?:ha|hanno) (?:detto|affermato|sostenuto|dichiarato|risposto|definito)\b|\bsostien{W}|\bafferma\b",
    "es": r"\b(?:dijo|afirmó|declaró|sostuvo|respondió|aseguró|calificó)\b",
    "fr": r"\ba (?:dit|déclaré|affirmé|répondu|qualifié)\b|\baffirme\b",
    "de": r"\b(?:sagte|erklärte|betonte|behauptete|antwortete|bezeichnete)\b",
    "pt": r"\b(?:disse|afirmou|declarou|respondeu|alegou|classificou)\b",
    "da": r"\b(?:sagde|udtalte|hævdede|svarede)\b",
    "sv": r"\b(?:sade|sa|uppgav|hävdade|svarade)\b",
    "nb": r"\b(?:sa|uttalte|hevdet|svarte)\b",
    "nl": r"\b(?:zei|verklaarde|stelde|beweerde|antwoordde)\b",
    "pl": r"\b(?:powiedział\w*|oświadczył\w*|stwierdził\w*|twierdzi|odpowiedział\w*)\b",
    "uk": _B + r"(?:заяви\w*|сказа\w*|стверджу\w*|відповів\w*)",
    "zh": r"表示|声称|称|回应",
    "hi": r"ने कहा|का कहना",
}
# an order to the actor's own units ('asked all its bases to remove'): the actor acts, no call for a ban.
_OWN_UNITS = {
    "en": r"^\W*(?:all\s+)?(?:of\s+)?(?:its|their)\b",
    "it": r"^\W*(?:a\s+)?(?:tutt[ei]\s+)?(?:(?:le|i|gli)\s+)?(?:su[oei]i?|propri[eo]?)\b",
    "es": r"^\W*(?:a\s+)?(?:tod[oa]s\s+)?(?:sus|los suyos)\b",
    "fr": r"^\W*(?:à\s+)?(?:tou(?:te)?s\s+)?(?:ses|leurs)\b",
    "de": r"^\W*(?:alle\s+)?(?:seine|ihre)\w*\b",
    "pt": r"^\W*(?:a\s+)?(?:tod[oa]s\s+)?(?:(?:as|os)\s+)?(?:suas|seus)\b",
    "da": r"^\W*(?:alle\s+)?(?:sine|deres)\b",
    "sv": r"^\W*(?:alla\s+)?(?:sina|deras)\b",
    "nb": r"^\W*(?:alle\s+)?(?:sine|deres)\b",
    "nl": r"^\W*(?:al\s+)?(?:zijn|haar|hun)\b",
    "pl": r"^\W*(?:wszystki\w+\s+)?(?:swo\w+)\b",
    "uk": r"^\W*(?:усі\w*\s+|всі\w*\s+)?(?:сво\w+)",
    "zh": r"^\W*(?:其|所属|下属|旗下)",
    "hi": r"^\W*(?:अपने|अपनी)",
}
# equipment named by its origin, not its maker ('cameras made in China'): the passage's vendors, carried over.
_CHINESE_MADE = {
    "en": r"\bChinese[- ](?:made|manufactured|built)\b|\bmade in China\b|\bChinese (?:cameras|CCTV|equipment)\b",
    "it": rf"\b(?:fabbricat|prodott|realizzat){W} (?:in Cina|nella Repubblica Popolare Cinese)|\b(?:telecamere|CCTV) cinesi\b",  # noqa: E501
    "es": rf"\b(?:fabricad|producid){W} en China\b|\bcámaras chinas\b",
    "fr": rf"\b(?:fabriqu|produit){W} en Chine\b|\bcaméras chinoises\b",
    "de": rf"\bin China (?:hergestellt|gefertigt|produziert){W}|\bchinesische\w* (?:Kameras|Überwachungstechnik)\b",
    "pt": rf"\b(?:fabricad|produzid){W} na China\b|\bcâmeras chinesas\b",
    "da": r"\bkinesisk(?:e|producerede)? (?:kameraer|overvågningskameraer)\b|\bfremstillet i Kina\b",
    "sv": r"\bkinesiska (?:kameror|övervakningskameror)\b|\btillverkade i Kina\b",
    "nb": r"\bkinesiske (?:kameraer|overvåkingskameraer)\b|\bprodusert i Kina\b",
    "nl": r"\bChinese (?:camera's|bewakingscamera's)\b|\bgemaakt in China\b",
    "pl": rf"\bchińsk{W} (?:kamer{W}|sprzęt{W})|\bwyprodukowan{W} w Chinach\b",
    "uk": _B + r"(?:китайськ\w* (?:камер\w*|обладнанн\w*)|виготовлен\w* в Китаї)",
    "zh": r"中国制造的?(?:摄像头|监控)|中国产(?:摄像头|监控)|国产摄像头",
    "hi": r"चीनी (?:कैमर|उपकरण)|चीन में बने",
}
# a link line: 'Related: ...', 'See also ...'
_LINK_LINE = re.compile(
    r"^\W*(?:related|see also|read (?:also|more)|correlat[oi]|vedi anche|leggi anche|lee también|véase también|"
    r"voir aussi|lire aussi|siehe auch|lesen sie auch|leia também|veja também|læs også|läs också|les også|"
    r"lees ook|zobacz (?:też|także)|czytaj (?:też|także)|читайте також|дивіться також|相关|延伸阅读|यह भी पढ़ें)\b",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://\S+|www\.\S+")


@dataclass(frozen=True)
class SentenceCues:
    """The compiled cue patterns of one language."""

    hypothetical: re.Pattern[str]
    cause: re.Pattern[str]
    back_reference: re.Pattern[str]
    speech: re.Pattern[str]
    own_units: re.Pattern[str]
    chinese_made: re.Pattern[str]

    def is_hypothetical(self, clause: str, cue_at: int, cue_end: int) -> bool:
        """A conditional form in the clause that does not govern the action word itself ('said it would ban')."""
        for m in self.hypothetical.finditer(clause):
            if cue_at - 16 <= m.start() <= cue_end:
                continue
            return True
        return False

    def is_cause(self, before: str) -> bool:
        """The action word is the object of 'because of', 'a causa di'... (a reason for something else)."""
        return self.cause.search(before[-60:]) is not None

    def is_back_reference(self, before: str) -> bool:
        """The action word follows a demonstrative ('this ban', 'queste ultime sanzioni')."""
        return self.back_reference.search(before[-40:]) is not None

    def orders_own_units(self, after_call: str) -> bool:
        """The 'call' is addressed to the actor's own units ('asked all its bases to remove')."""
        return self.own_units.search(after_call[:40]) is not None


@lru_cache(maxsize=32)
def sentence_cues(lang: str) -> SentenceCues:
    """The cue patterns of a language (English for one without a table)."""

    def one(table: dict[str, str]) -> re.Pattern[str]:
        return re.compile(table.get(lang, table["en"]), re.IGNORECASE)

    return SentenceCues(
        hypothetical=one(_HYPOTHETICAL),
        cause=one(_CAUSE),
        back_reference=one(_BACK_REFERENCE),
        speech=one(_SPEECH),
        own_units=one(_OWN_UNITS),
        chinese_made=one(_CHINESE_MADE),
    )


def is_link_line(sentence: str) -> bool:
    """'Related: ...', 'Leggi anche ...': a pointer to another article, not a report."""
    return _LINK_LINE.search(sentence) is not None


def mask_urls(sentence: str) -> str:
    """The sentence with its web addresses blanked (same length, so offsets hold)."""
    return _URL.sub(lambda m: " " * len(m.group()), sentence)
