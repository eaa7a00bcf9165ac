"""Per-language cue tables: restriction actions, calls, denials, counter-decisions, status and reason words.

Hand-written for each supported language (see docs/ingest.md for what each covers). Patterns are regular
expressions matched case-insensitively on a sentence; stems end in ``\\w*`` to take inflections. Order matters:
the first action pattern that matches a clause wins, so specific actions (reversal, authorisation ban) come
before generic ones (ban).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from covered.model import Action

__all__ = ["LANGUAGES", "Lexicon", "lexicon"]

W = r"\w*"


@dataclass(frozen=True)
class Lexicon:
    """Cue patterns of one language, compiled."""

    actions: list[tuple[re.Pattern[str], Action]]
    call: re.Pattern[str]
    deny: re.Pattern[str]
    future: re.Pattern[str]
    progressive: re.Pattern[str]
    negation: re.Pattern[str]
    security: re.Pattern[str]
    human_rights: re.Pattern[str]
    court: re.Pattern[str]
    clause_split: re.Pattern[str]
    objects: dict[str, re.Pattern[str]] = field(default_factory=dict)


# action tables: (pattern, action); object words refine a generic ban (procure, fund, contract, authorise).
_RAW: dict[str, dict[str, object]] = {
    "en": {
        "actions": [
            (
                rf"\b(?:lift{W}|revers{W}|overturn{W}|rescind{W}|repeal{W}|struck down|strikes down|annul{W})\b",
                Action.REVERSAL,
            ),
            (rf"\bremand{W}\b|\bsent (?:it )?back\b|\bvacat{W}\b", Action.REVERSAL),
            (rf"\breinstat{W}|\breadmit{W}|\brestored\b", Action.REINSTATEMENT),
            (
                rf"\b(?:continue|keep|keeps|kept|will keep|carry on) (?:to use|using)\b|\bdecided to keep\b|\bretain{W}\b",  # noqa: E501
                Action.RETENTION,
            ),
            (
                r"\bnot taking any (?:action|steps)\b|\bno plans? to (?:ban|remove)\b|\bdecided against\b",
                Action.NO_ACTION,
            ),
            (
                rf"\bauthori[sz]ation{W}\b.*\b(?:ban{W}|prohibit{W}|bar{W}|den{W})\b|\b(?:ban{W}|prohibit{W}|bar{W})\b.*\bauthori[sz]ation{W}",
                Action.AUTHORIZATION_BAN,
            ),
            (rf"\bexport control{W}|\bentity list\b", Action.EXPORT_CONTROL),
            (rf"\bsanction{W}\b", Action.SANCTION),
            (rf"\bnational security threat\b|\bcovered list\b|\bdesignat{W}", Action.DESIGNATION),
            (rf"\bdivest{W}|\bno longer in the fund|\bsold (?:its|their) (?:stake|shares|holding)", Action.DIVESTMENT),
            (rf"\bremov{W}|\brip{W} out\b|\breplac{W}|\bphas{W} out\b|\btak{W} down\b", Action.REMOVAL),
            (rf"\bexpel{W}|\bexpulsion\b", Action.EXPULSION),
            (r"\b(?:will not|won't|not) exhibit\b|\bbarred from (?:exhibiting|the show)", Action.EXHIBITION_BAN),
            (
                rf"\bstop{W} (?:selling|distributing|supplying|ordering)|\bno longer (?:sell{W}|order{W}|distribut{W}|stock{W})|\bdropped\b|\bcut ties\b",  # noqa: E501
                Action.SUPPLY_STOP,
            ),
            (rf"\bend{W} (?:its |the |their )?partnership|\bterminat{W} .*partner", Action.PARTNERSHIP_END),
            (rf"\bsuspend{W}|\bdelist{W}", Action.DELISTING),
            (rf"\bexclud{W}|\bblacklist{W}", Action.PROCUREMENT_BAN),
            (
                r"\bno longer (?:buy|purchas|procur)\w*|\b(?:will not|won't|not to) (?:buy|purchase|procure)\b",
                Action.PROCUREMENT_BAN,
            ),
            (rf"\bguidance\b|\badvis{W} against\b|\bwarn{W} against\b|\bwarned\b", Action.GUIDANCE),
            (rf"\bconsider{W}|\breview{W} whether\b|\bweigh{W} a ban\b|\bexamin{W}", Action.CONSIDERATION),
            (rf"\bban{W}\b|\bprohibit{W}|\bbarr{W}\b|\bbars\b|\bforb{W}|\boutlaw{W}", Action.USE_BAN),
        ],
        "call": rf"\bcall{W} (?:for|on)\b|\burg{W}\b|\bdemand{W}\b|\bask{W} .{{0,40}}\bto (?:ban|remove|exclude)|\bpetition{W}\b",  # noqa: E501
        "deny": rf"\bden(?:y|ies|ied)\b|\breject{W} the (?:claim|accusation|allegation)",
        "future": r"\bwill\b|\bplans? to\b|\bis to\b|\bto be (?:removed|replaced|banned)\b|\bannounc\w*",
        "progressive": r"\b(?:is|are|was|were) (?:\w+ )?\w+ing\b|\bunder way\b|\bin the process of\b",
        "negation": r"\bno evidence\b|\bnot (?:banned|restricted)\b|\bhas not (?:banned|restricted)",
        "security": rf"\bsecurity\b|\bespionage\b|\bspy{W}|\bcyber{W}",
        "human_rights": rf"\bhuman rights\b|\bUy[g]?hur{W}|\bXinjiang\b|\babuses\b|\brepression\b",
        "court": rf"\bcourt\b|\btribunal\b|\bjudge{W}",
        "split": r";|\bwhile\b|\bwhereas\b|, (?:and|but) |\band (?=(?:has |have |had )?\w+ed\b)",
        "objects": {
            "procure": rf"\bprocur{W}|\bpurchas{W}|\bbuy{W}|\bbought\b|\btender{W}|\bsuppliers?\b|\bacquir{W}|\bnew installations\b",  # noqa: E501
            "fund": rf"\bfund{W}|\bgrant{W}|\bfederal (?:dollars|money)\b",
            "contract": rf"\bcontractor{W}|\bcontract{W} with\b",
        },
    },
    "it": {
        "actions": [
            (
                rf"\brevoc{W} (?:il|la|del) (?:divieto|bando)|\bannullat{W}|\bannull{W}|\bha invertito\b|\binvertit{W}\b|\bha ritirato il divieto|\bsospes{W} il divieto",  # noqa: E501
                Action.REVERSAL,
            ),
            (rf"\brinvi{W}\b|\brimandat{W}\b", Action.REVERSAL),
            (rf"\briattiv{W}|\breintegr{W}|\briammess{W}", Action.REINSTATEMENT),
            (
                rf"\bcontinu{W} a (?:usare|utilizzare)\b|\bmanterr{W}|\bmantien{W}|\bcontinuare a usare\b",
                Action.RETENTION,
            ),
            (
                r"\bnon ‘?'?sta prendendo alcuna iniziativa|\bnon (?:intende|ha intenzione di) (?:vietare|rimuovere)",
                Action.NO_ACTION,
            ),
            (rf"\bautorizzazion{W}", Action.AUTHORIZATION_BAN),
            (rf"\bcontroll{W} sulle esportazioni|\besportazion{W}|\bentity list\b", Action.EXPORT_CONTROL),
            (rf"\bsanzion{W}", Action.SANCTION),
            (r"\bminaccia alla sicurezza nazionale\b|\bcovered list\b", Action.DESIGNATION),
            (rf"\bdisinvest{W}|\bvendut{W} (?:la sua|le sue) (?:quota|azioni)", Action.DIVESTMENT),
            (rf"\brimuov{W}|\brimoss{W}|\brimozion{W}|\bsostitu{W}|\beliminat{W}", Action.REMOVAL),
            (rf"\bespuls{W}|\bespell{W}|\blasciato la\b", Action.EXPULSION),
            (rf"\bnon espor{W}", Action.EXHIBITION_BAN),
            (
                rf"\bsmess{W} di vendere|\bsmetterà di vendere|\bnon sta più ordinando|\bsmesso di (?:fornire|distribuire)",  # noqa: E501
                Action.SUPPLY_STOP,
            ),
            (rf"\binterrott{W} le partnership|\bterminato lo status|\bpartnership\b", Action.PARTNERSHIP_END),
            (rf"\bsmesso di sostenere|\bbloccat{W} dalla conformità|\bsospes{W}", Action.DELISTING),
            (rf"\bescluder{W}|\bescluso\b|\besclus{W}|\babbandonat{W}", Action.PROCUREMENT_BAN),
            (
                rf"\bnon (?:acquist|compr){W} più\b|\bnon (?:acquisterà|comprerà|acquisteranno)\b",
                Action.PROCUREMENT_BAN,
            ),
            (rf"\blinee guida\b|\bmess{W} in guardia|\bsconsigliat{W}|\bavvertit{W}", Action.GUIDANCE),
            (
                r"\bvalutando\b|\ball'esame\b|\ball’esame\b|\bprendendo in considerazione|\bconsiderando\b|\besaminando\b",  # noqa: E501
                Action.CONSIDERATION,
            ),
            (
                rf"\bvietat{W}|\bvieta\b|\bvietano\b|\bvietare\b|\bdivieto\b|\bdivieti\b|\bproibi{W}|\bmess{W} al bando|\bmettere al bando|\bbandit{W}",  # noqa: E501
                Action.USE_BAN,
            ),
        ],
        "call": rf"\binvoc{W}|\bchied{W} (?:di|che|al|alla|ai)\b|\bsollecit{W}|\besort{W}|\bappell{W}|\bha chiesto\b",
        "deny": rf"\bnega{W}|\bnegat{W}|\bsmentit{W}|\bha respinto\b",
        "future": r"\b\w+(?:erà|irà|arà|eranno|iranno|aranno)\b|\bha annunciato\b|\bprevede di\b|\bintende\b",
        "progressive": r"\bsta(?:nno)? \w+(?:ando|endo)\b|\bin corso\b",
        "negation": r"\bnessuna prova\b|\bnon (?:ha|hanno) (?:vietato|bandito)",
        "security": rf"\bsicurezza\b|\bspionaggio\b|\bcyber{W}",
        "human_rights": rf"\bdiritti umani\b|\buigur{W}|\buigh{W}|\bXinjiang\b|\brepression{W}|\bcodice etico\b",
        "court": rf"\btribunal{W}|\bcorte\b|\bgiudic{W}|\bTAR\b|\bConsiglio di Stato\b",
        "split": r";|\bmentre\b|, ma |\be (?=ha\b|hanno\b)|\bDi contro\b",
        "objects": {
            "procure": rf"\bacquist{W}|\bacquistare\b|\bprocurar{W}|\bapprovvigionament{W}|\bappalt{W}\b|\bfornitor{W}|\bcomprare\b|\bnuove installazioni\b|\bbando per\b",  # noqa: E501
            "fund": rf"\bdollari federali\b|\bfond{W}|\bspendere\b",
            "contract": rf"\bappaltator{W}|\bfare affari\b",
        },
    },
    "es": {
        "actions": [
            (rf"\blevant{W} (?:la|el) (?:prohibición|veto)|\brevoc{W}|\banul{W}|\brevirti{W}", Action.REVERSAL),
            (rf"\bdevuelt{W} al tribunal|\breenvi{W}", Action.REVERSAL),
            (rf"\breincorpor{W}|\breadmiti{W}|\brestableci{W}", Action.REINSTATEMENT),
            (
                rf"\bseguir{W} (?:usando|utilizando)|\bcontinuar{W} (?:usando|utilizando)|\bmantendr{W}|\bmantiene{W}|\bconservar{W}",  # noqa: E501
                Action.RETENTION,
            ),
            (
                r"\bno (?:está tomando|tomará) ninguna medida|\bno (?:tiene previsto|planea) (?:prohibir|retirar)",
                Action.NO_ACTION,
            ),
            (rf"\bautorizacion{W}", Action.AUTHORIZATION_BAN),
            (rf"\bcontrol{W} (?:a las|de) exportaci{W}|\bexportaci{W}", Action.EXPORT_CONTROL),
            (rf"\bsancion{W}", Action.SANCTION),
            (r"\bamenaza a la seguridad nacional\b", Action.DESIGNATION),
            (rf"\bdesinvert{W}|\bdesinvir{W}", Action.DIVESTMENT),
            (rf"\bretir{W}|\belimin{W}|\bsustitu{W}|\breemplaz{W}|\bdesmont{W}", Action.REMOVAL),
            (rf"\bexpuls{W}", Action.EXPULSION),
            (rf"\bdej{W} de vender|\bdejará de vender|\bya no (?:vende|pide|distribuye)", Action.SUPPLY_STOP),
            (rf"\bexclu{W}|\bexcluy{W}", Action.PROCUREMENT_BAN),
            (rf"\badvert{W} contra|\brecomend{W} no|\bdirectrices\b", Action.GUIDANCE),
            (rf"\bestudi{W} (?:prohibir|una prohibición)|\bconsider{W}|\bevalu{W}", Action.CONSIDERATION),
            (rf"\bprohib{W}|\bvet{W}\b|\bvetó\b", Action.USE_BAN),
        ],
        "call": rf"\bpid{W}\b|\bpide\b|\bpidió\b|\bexig{W}|\binst{W} a\b|\breclam{W}|\bllam{W} a\b",
        "deny": rf"\bneg(?:ó|a|aron|ado)\b|\bdesmint{W}|\brechaz{W} las acusaciones",
        "future": rf"\b\w+(?:ará|erá|irá|arán|erán|irán)\b|\banunci{W}",
        "progressive": r"\best(?:á|án) \w+(?:ando|iendo)\b|\ben curso\b",
        "negation": r"\bninguna prueba\b",
        "security": rf"\bseguridad\b|\bespionaje\b|\bciber{W}",
        "human_rights": rf"\bderechos humanos\b|\buigur{W}|\bXinjiang\b",
        "court": rf"\btribunal{W}|\bcorte\b|\bjuez{W}|\bAudiencia\b",
        "split": r";|\bmientras\b|, pero |\by (?=ha\b|han\b)",
        "objects": {
            "procure": rf"\bcompr{W}|\badquisici{W}|\blicitaci{W}|\bcontrataci{W} pública|\bproveedor{W}",
            "fund": rf"\bfondos\b|\bfinanci{W}",
            "contract": rf"\bcontratist{W}",
        },
    },
    "fr": {
        "actions": [
            (rf"\blev{W} l['’]interdiction|\bannul{W}|\babrog{W}|\brevenu sur\b", Action.REVERSAL),
            (rf"\brenvo{W}", Action.REVERSAL),
            (rf"\bréintégr{W}|\bréadmi{W}|\brétabli{W}", Action.REINSTATEMENT),
            (rf"\bcontinuer{W} (?:à|d['’]) ?utiliser|\bconserver{W}|\bgarder{W}|\bmaintien{W}", Action.RETENTION),
            (r"\bne prend(?:ra)? aucune mesure|\bn['’]envisage pas d['’]interdire", Action.NO_ACTION),
            (rf"\bautorisation{W}", Action.AUTHORIZATION_BAN),
            (rf"\bcontrôl{W} (?:à|des) l['’]?exportation{W}|\bexportation{W}", Action.EXPORT_CONTROL),
            (rf"\bsanction{W}", Action.SANCTION),
            (r"\bmenace pour la sécurité nationale\b", Action.DESIGNATION),
            (rf"\bdésinvest{W}|\bcédé sa participation", Action.DIVESTMENT),
            (rf"\bretir{W}|\bremplac{W}|\bdémont{W}|\bsuppression\b", Action.REMOVAL),
            (rf"\bexclu{W}|\bexpuls{W}", Action.EXPULSION),
            (rf"\bcess{W} de vendre|\bne vend plus|\bn['’]achète plus", Action.SUPPLY_STOP),
            (rf"\bécart{W}", Action.PROCUREMENT_BAN),
            (rf"\bmis en garde|\brecommand{W} de ne pas|\bdéconseill{W}", Action.GUIDANCE),
            (rf"\benvisag{W}|\bexamin{W}|\bétudi{W}", Action.CONSIDERATION),
            (rf"\binterdi{W}|\bprohib{W}|\bbanni{W}|\bbannir\b", Action.USE_BAN),
        ],
        "call": rf"\bappel{W} à\b|\bappelle{W}|\bdemand{W}\b|\bexig{W}|\bréclam{W}|\bexhort{W}",
        "deny": rf"\bdément{W}|\bdémenti\b|\bni[ée]\b|\bnie\b|\brejet{W} les accusations",
        "future": rf"\b\w+(?:era|ira|era|eront|iront|ront)\b|\bva \w+er\b|\bannonc{W}",
        "progressive": r"\ben train de\b|\ben cours\b",
        "negation": r"\baucune preuve\b",
        "security": rf"\bsécurité\b|\bespionnage\b|\bcyber{W}",
        "human_rights": rf"\bdroits (?:de l['’]homme|humains)\b|\bouïghour{W}|\bXinjiang\b",
        "court": rf"\btribunal\b|\bcour\b|\bjuge{W}|\bConseil d['’]État\b",
        "split": r";|\btandis que\b|, mais |\bet (?=a\b|ont\b)",
        "objects": {
            "procure": rf"\bachat{W}|\bacheter\b|\bappel{W} d['’]offres|\bmarchés publics\b|\bfournisseur{W}",
            "fund": rf"\bfinancement{W}|\bfonds\b",
            "contract": rf"\bprestataire{W}|\bsous-traitant{W}",
        },
    },
    "de": {
        "actions": [
            (
                rf"\baufgehoben\b|\bhebt? .{{0,40}}auf\b|\bhob .{{0,40}}auf\b|\bzurückgenommen\b|\bgekippt\b|\bkippt{W}|\bwiderruf{W}",  # noqa: E501
                Action.REVERSAL,
            ),
            (rf"\bzurückverwiesen\b|\bzurückverweis{W}", Action.REVERSAL),
            (r"\bwieder aufgenommen\b|\bwieder zugelassen\b", Action.REINSTATEMENT),
            (
                r"\bweiter(?:hin)? (?:nutzen|verwenden|betreiben)|\bbehält\b|\bbehalten\b|\bhält .{0,30}fest",
                Action.RETENTION,
            ),
            (r"\bkeine (?:Maßnahmen|Schritte) (?:ergreifen|plant)|\bkein Verbot geplant", Action.NO_ACTION),
            (rf"\bZulassung{W}|\bGenehmigung{W}", Action.AUTHORIZATION_BAN),
            (rf"\bExportkontroll{W}|\bAusfuhrkontroll{W}|\bEntity List\b", Action.EXPORT_CONTROL),
            (rf"\bSanktion{W}", Action.SANCTION),
            (r"\bBedrohung der nationalen Sicherheit\b", Action.DESIGNATION),
            (rf"\bdesinvest{W}|\bverkauft{W} (?:seine|ihre) Anteile|\bAnteile verkauft", Action.DIVESTMENT),
            (rf"\bentfern{W}|\bausgetauscht\b|\baustausch{W}|\bersetz{W}|\babgebaut\b|\babbau{W}", Action.REMOVAL),
            (rf"\bausgeschlossen\b|\bausschluss\b|\bausgeschloss{W}", Action.PROCUREMENT_BAN),
            (
                rf"\bverkauf{W} .{{0,30}}nicht mehr|\bstellt{W} den Verkauf ein|\bnicht mehr (?:verkauf{W}|bestell{W}|vertreib{W})",  # noqa: E501
                Action.SUPPLY_STOP,
            ),
            (rf"\bgewarnt\b|\bwarnt{W}|\bEmpfehlung{W}|\brät .{{0,20}}ab\b", Action.GUIDANCE),
            (rf"\bprüf{W}|\berwäg{W}|\bdenkt? über .{{0,30}}nach", Action.CONSIDERATION),
            (rf"\bverbiete{W}|\bverboten\b|\bVerbot{W}|\buntersagt{W}|\bverbannt\b", Action.USE_BAN),
        ],
        "call": rf"\bforder{W}|\bforderte\b|\brief{W} .{{0,30}}auf\b|\bappellier{W}|\bdräng{W}",
        "deny": rf"\bbestreit{W}|\bbestritt{W}|\bwies .{{0,30}}zurück|\bdementier{W}",
        "future": rf"\bwird\b|\bwerden\b|\bsoll(?:en)?\b|\bplant\b|\bangekündigt\b|\bkündigt{W}",
        "progressive": r"\bderzeit\b|\bgerade dabei\b|\blaufend\b",
        "negation": r"\bkeine Beweise\b",
        "security": rf"\bSicherheit{W}|\bSpionage\b|\bCyber{W}",
        "human_rights": rf"\bMenschenrecht{W}|\bUigur{W}|\bXinjiang\b",
        "court": rf"\bGericht{W}|\bRichter{W}|\bBundesverfassungsgericht\b",
        "split": r";|\bwährend\b|, aber |\bund (?=hat\b|haben\b)",
        "objects": {
            "procure": rf"\bBeschaffung{W}|\bkauf{W}|\bAusschreibung{W}|\bLieferant{W}|\banzuschaffen\b|\bAnschaffung{W}",  # noqa: E501
            "fund": rf"\bFördermittel{W}|\bFinanzierung{W}",
            "contract": rf"\bAuftragnehmer{W}",
        },
    },
    "pt": {
        "actions": [
            (rf"\brevog{W}|\banul{W}|\blevant{W} a proibição|\bderrub{W}", Action.REVERSAL),
            (rf"\bdevolv{W} ao tribunal|\breenvi{W}", Action.REVERSAL),
            (rf"\breadmit{W}|\breintegr{W}|\brestabelec{W}", Action.REINSTATEMENT),
            (rf"\bcontinuar{W} a (?:usar|utilizar)|\bcontinuará usando\b|\bmanter{W}|\bmantém\b", Action.RETENTION),
            (r"\bnão (?:está a tomar|tomará) nenhuma medida|\bnão (?:pretende|planeia) proibir", Action.NO_ACTION),
            (r"\bautoriza(?:ção|ções)\b", Action.AUTHORIZATION_BAN),
            (rf"\bcontrol{W} de exporta|\bexporta(?:ção|ções)\b", Action.EXPORT_CONTROL),
            (rf"\bsan(?:ção|ções|cion{W})", Action.SANCTION),
            (r"\bameaça à segurança nacional\b", Action.DESIGNATION),
            (rf"\bdesinvest{W}", Action.DIVESTMENT),
            (rf"\bremov{W}|\bretir{W}|\bsubstitu{W}", Action.REMOVAL),
            (rf"\bexpuls{W}", Action.EXPULSION),
            (rf"\bdeix{W} de vender|\bparou de vender|\bjá não (?:vende|encomenda)", Action.SUPPLY_STOP),
            (rf"\bexclu{W}", Action.PROCUREMENT_BAN),
            (rf"\balert{W} contra|\brecomend{W} não|\bdiretrizes\b|\borienta(?:ção|ções)\b", Action.GUIDANCE),
            (rf"\bconsider{W}|\bavali{W}|\bestud{W}", Action.CONSIDERATION),
            (rf"\bproib{W}|\bproíb{W}|\bbaniu\b|\bbanid{W}|\bveta{W}|\bvetou\b", Action.USE_BAN),
        ],
        "call": rf"\bpede{W}?\b|\bpediu\b|\bexig{W}|\bapel{W}|\breclam{W}|\binst{W} o\b",
        "deny": rf"\bneg(?:ou|a|aram)\b|\bdesment{W}|\brejeit{W} as acusações",
        "future": rf"\b\w+(?:ará|erá|irá|arão|erão|irão)\b|\banunci{W}|\bvai \w+r\b",
        "progressive": r"\best(?:á|ão) a \w+r\b|\best(?:á|ão) \w+ndo\b|\bem curso\b",
        "negation": r"\bnenhuma prova\b",
        "security": rf"\bseguran(?:ça)\b|\bespionagem\b|\bciber{W}",
        "human_rights": rf"\bdireitos humanos\b|\buigur{W}|\bXinjiang\b",
        "court": rf"\btribunal\b|\bjuiz{W}|\bSupremo\b",
        "split": r";|\benquanto\b|, mas |\be (?=tem\b|têm\b)",
        "objects": {
            "procure": rf"\bcompr{W}|\baquisi(?:ção|ções)\b|\blicita(?:ção|ções)\b|\bfornecedor{W}",
            "fund": rf"\bfundos\b|\bfinanciament{W}",
            "contract": rf"\bcontratad{W}|\bempreiteir{W}",
        },
    },
    "da": {
        "actions": [
            (rf"\bophæv{W}|\bomstød{W}|\btilbagekald{W}|\bannuller{W}", Action.REVERSAL),
            (rf"\bhjemvis{W}|\bsendt tilbage\b", Action.REVERSAL),
            (rf"\bgenoptag{W}|\bgenindsat{W}", Action.REINSTATEMENT),
            (rf"\bfortsætte med at bruge|\bbeholde{W}|\bbeholder\b|\bfortsat bruge", Action.RETENTION),
            (r"\bikke (?:træffe|tage) nogen (?:foranstaltninger|skridt)", Action.NO_ACTION),
            (rf"\bsanktion{W}", Action.SANCTION),
            (rf"\beksportkontrol{W}", Action.EXPORT_CONTROL),
            (rf"\bfjern{W}|\budskift{W}|\berstat{W}|\bnedtag{W}", Action.REMOVAL),
            (rf"\budeluk{W}|\bekskluder{W}|\budelukket\b", Action.PROCUREMENT_BAN),
            (rf"\bstop{W} salget|\bsælger ikke længere|\bholdt op med at sælge", Action.SUPPLY_STOP),
            (rf"\badvar{W} mod|\bvejledning{W}|\bfraråd{W}", Action.GUIDANCE),
            (rf"\boverveje{W}|\bundersøge{W}|\bvurdere{W}", Action.CONSIDERATION),
            (rf"\bforbud{W}|\bforbyd{W}|\bforbudt\b|\bforbød\b|\bbandlys{W}", Action.USE_BAN),
        ],
        "call": rf"\bopfordr{W}|\bkræv{W}|\bkræver\b|\bappeller{W}|\bbed(?:er|t) om\b",
        "deny": rf"\bafvis{W} (?:anklager|beskyldning{W})|\bbenægt{W}|\bafviser\b",
        "future": rf"\bvil\b|\bskal\b|\bplanlægger\b|\bannoncer{W}|\bmeddelt\b",
        "progressive": r"\ber i gang med\b|\bi øjeblikket\b|\bigangværende\b",
        "negation": r"\bingen beviser\b",
        "security": rf"\bsikkerhed{W}|\bspionage\b|\bcyber{W}",
        "human_rights": rf"\bmenneskerettighed{W}|\buigur{W}|\bXinjiang\b",
        "court": rf"\bret(?:ten)?\b|\bdomstol{W}|\bdommer{W}|\bHøjesteret\b|\bLandsret{W}",
        "split": r";|\bmens\b|, men |\bog (?=har\b)",
        "objects": {
            "procure": rf"\bindkøb{W}|\bkøb{W}|\budbud{W}|\bleverandør{W}",
            "fund": rf"\bstøttemidler\b|\bfinansier{W}",
            "contract": rf"\bentreprenør{W}",
        },
    },
    "sv": {
        "actions": [
            (rf"\bupphäv{W}|\bhävt{W}|\bhäver\b|\bhävde\b|\båterkall{W}", Action.REVERSAL),
            (rf"\båterförvis{W}", Action.REVERSAL),
            (rf"\båterinför{W}|\båterinsatt{W}", Action.REINSTATEMENT),
            (rf"\bfortsätta (?:att )?använda|\bbehåll{W}", Action.RETENTION),
            (r"\binte vidta några åtgärder", Action.NO_ACTION),
            (rf"\bsanktion{W}", Action.SANCTION),
            (rf"\bexportkontroll{W}", Action.EXPORT_CONTROL),
            (
                rf"\btas bort\b|\bta bort\b|\btog bort\b|\btagit bort\b|\bavlägsn{W}|\bbyt{W} ut|\bersätt{W}|\bmonter{W} ned",  # noqa: E501
                Action.REMOVAL,
            ),
            (rf"\butesl{W}|\bexkluder{W}", Action.PROCUREMENT_BAN),
            (r"\bslutat sälja|\bslutar sälja|\bsäljer inte längre", Action.SUPPLY_STOP),
            (rf"\bvarn{W} för|\bvägledning{W}|\bavråd{W}", Action.GUIDANCE),
            (rf"\bövervä{W}|\butred{W}", Action.CONSIDERATION),
            (rf"\bförbj{W}|\bförbud{W}|\bförbjud{W}|\bförbjöd\b", Action.USE_BAN),
        ],
        "call": rf"\buppman{W}|\bkräv{W}|\bkräver\b|\bvädj{W}",
        "deny": rf"\bförneka{W}|\bavvisa{W} anklagelser{W}|\btillbakavisa{W}",
        "future": r"\bkommer att\b|\bska\b|\bplanerar\b|\bmeddela\w*",
        "progressive": r"\bhåller på att\b|\bpågår\b|\bför närvarande\b",
        "negation": r"\binga bevis\b",
        "security": rf"\bsäkerhet{W}|\bspionage\b|\bcyber{W}",
        "human_rights": rf"\bmänskliga rättigheter{W}|\buigur{W}|\bXinjiang\b",
        "court": rf"\bdomstol{W}|\brätt(?:en)?\b|\bdomare\b|\bförvaltningsrätt{W}",
        "split": r";|\bmedan\b|, men |\boch (?=har\b)",
        "objects": {
            "procure": rf"\bupphandl{W}|\binköp{W}|\bköp{W}|\bleverantör{W}",
            "fund": rf"\bbidrag\b|\bfinansier{W}",
            "contract": rf"\bentreprenör{W}",
        },
    },
    "nb": {
        "actions": [
            (rf"\bopphev{W}|\bomgjort\b|\btilbakekall{W}", Action.REVERSAL),
            (rf"\bsendt tilbake\b|\bhjemvis{W}", Action.REVERSAL),
            (rf"\bgjeninnført{W}|\bgjenopptatt\b", Action.REINSTATEMENT),
            (
                rf"\bfortsette å bruke|\bbeholde{W}|\bbeholder\b|\bhalde fram med å bruke|\bheld fram med å bruke",
                Action.RETENTION,
            ),
            (r"\bikke (?:iverksette|gjøre) noen tiltak", Action.NO_ACTION),
            (rf"\bsanksjon{W}", Action.SANCTION),
            (rf"\beksportkontroll{W}", Action.EXPORT_CONTROL),
            (rf"\butelukk{W}|\bekskluder{W}|\bsolgt seg ut|\bikke lenger i fondets portefølje", Action.DIVESTMENT),
            (rf"\bfjern{W}|\bskift{W} ut|\berstatt{W}|\bbytte{W} ut", Action.REMOVAL),
            (rf"\bslutt{W} å selge|\bselger ikke lenger", Action.SUPPLY_STOP),
            (rf"\badvar{W} mot|\bveiledning{W}|\bfraråd{W}|\banbefal{W}", Action.GUIDANCE),
            (rf"\bvurder{W}|\bundersøk{W}", Action.CONSIDERATION),
            # Bokmål, and Nynorsk's forms (forbaud, forbod), which detection on short texts reads as Bokmål.
            (rf"\bforbud{W}|\bforby{W}|\bforbudt\b|\bforbød\b|\bforbaud\b|\bforbod{W}", Action.USE_BAN),
        ],
        "call": rf"\boppfordr{W}|\bkrev{W}|\bkrever\b|\bber om\b|\bbad?(?= (?:om\b|\w+ (?:om å |å )?forby))|\bappeller{W}",  # noqa: E501
        "deny": rf"\bbenekt{W}|\bavvis{W} (?:anklagene|beskyldningene)|\btilbakeviser\b",
        "future": r"\bvil\b|\bskal\b|\bplanlegger\b|\bkunngj\w*",
        "progressive": r"\ber i gang med\b|\bfor tiden\b|\bpågår\b",
        "negation": r"\bingen bevis\b",
        "security": rf"\bsikkerhet{W}|\btryggleik{W}|\bspionasje\b|\bcyber{W}",
        "human_rights": rf"\bmenneskerettighet{W}|\buigur{W}|\bXinjiang\b",
        "court": rf"\bretten\b|\bdomstol{W}|\bdommer{W}|\bHøyesterett\b|\blagmannsrett{W}",
        "split": r";|\bmens\b|, men |\bog (?=har\b)",
        "objects": {
            "procure": rf"\binnkjøp{W}|\bkjøp{W}|\banskaff{W}|\bleverandør{W}",
            "fund": rf"\bfinansier{W}",
            "contract": rf"\bentreprenør{W}",
        },
    },
    "fi": {
        "actions": [
            (rf"\bkumo{W}|\bperu{W} kiellon", Action.REVERSAL),
            (rf"\bjatka{W} .{{0,40}}käyttö{W}|\bsäilyttä{W}", Action.RETENTION),
            (rf"\bpoista{W}|\bvaihde{W}|\bkorva{W}", Action.REMOVAL),
            (rf"\bsulje{W} pois|\bsulki{W} pois", Action.PROCUREMENT_BAN),
            (rf"\bharkitse{W}|\bselvittä{W}", Action.CONSIDERATION),
            (rf"\bkiel{W}|\bkielsi\b|\bkieltä{W}", Action.USE_BAN),
        ],
        "call": rf"\bvaati{W}|\bkehott{W}",
        "deny": rf"\bkiistä{W}|\bkiisti\b",
        "future": r"\baikoo\b|\btulee\b",
        "progressive": r"\bparhaillaan\b",
        "negation": r"\bei todisteita\b",
        "security": rf"\bturvallisuu{W}|\bvakoilu{W}",
        "human_rights": rf"\bihmisoikeu{W}|\buiguur{W}|\bXinjiang\b",
        "court": rf"\btuomioistu{W}|\boikeus\b|\bhallinto-oikeus\b",
        "split": r";|, mutta ",
        "objects": {"procure": rf"\bhankin{W}|\bosto{W}"},
    },
    "nl": {
        "actions": [
            (
                rf"\bopgeheven\b|\bheft .{{0,30}}op\b|\bhief .{{0,30}}op\b|\bteruggedraaid\b|\bingetrokken\b|\bvernietig{W}",  # noqa: E501
                Action.REVERSAL,
            ),
            (rf"\bterugverwez{W}|\bterugverwijz{W}", Action.REVERSAL),
            (r"\bweer toegelaten\b|\bhersteld\b", Action.REINSTATEMENT),
            (
                rf"\bblijft .{{0,30}}gebruiken|\bblijven .{{0,30}}gebruiken|\bbehoud{W}|\bhoudt .{{0,30}}aan\b",
                Action.RETENTION,
            ),
            (r"\bgeen maatregelen (?:nemen|treffen)", Action.NO_ACTION),
            (rf"\bsanctie{W}", Action.SANCTION),
            (rf"\bexportcontrole{W}|\bexportbeperking{W}", Action.EXPORT_CONTROL),
            (rf"\bverwijder{W}|\bvervang{W}|\bvervangen\b|\bweggehaald\b|\bgedemonteerd\b", Action.REMOVAL),
            (rf"\buitgeslot{W}|\buitsluit{W}", Action.PROCUREMENT_BAN),
            (r"\bstopt? met (?:de )?verkoop|\bverkoopt .{0,30}niet meer", Action.SUPPLY_STOP),
            (rf"\bwaarschuw{W}|\brichtlijn{W}|\bafgeraden\b|\bontraad{W}", Action.GUIDANCE),
            (rf"\boverweeg{W}|\boverwogen\b|\bonderzoek{W} (?:of|een verbod)", Action.CONSIDERATION),
            (rf"\bverbod{W}|\bverbied{W}|\bverboden\b|\bverbood\b|\bin de ban\b", Action.USE_BAN),
        ],
        "call": rf"\broep{W} op\b|\broept .{{0,40}}op\b|\briep{W} .{{0,40}}op\b|\beis{W}|\bdring{W} aan\b|\bvraagt om\b",  # noqa: E501
        "deny": rf"\bontken{W}|\bweerspreek{W}|\bwijst .{{0,30}}van de hand",
        "future": r"\bzal\b|\bzullen\b|\bgaat\b|\bgaan\b|\bkondig\w* .{0,20}aan\b|\bvan plan\b",
        "progressive": r"\bis bezig\b|\bzijn bezig\b|\bmomenteel\b",
        "negation": r"\bgeen bewijs\b",
        "security": rf"\bveiligheid{W}|\bspionage\b|\bcyber{W}",
        "human_rights": rf"\bmensenrecht{W}|\boeigoer{W}|\bXinjiang\b",
        "court": rf"\brechter{W}|\brechtbank{W}|\bRaad van State\b|\bhof\b",
        "split": r";|\bterwijl\b|, maar |\ben (?=heeft\b|hebben\b)",
        "objects": {
            "procure": rf"\baanbested{W}|\binkoop{W}|\baanschaf{W}|\bkopen\b|\bleverancier{W}",
            "fund": rf"\bsubsidie{W}|\bfinanci{W}",
            "contract": rf"\bopdrachtnemer{W}|\baannemer{W}",
        },
    },
    "pl": {
        "actions": [
            (rf"\buchyli{W}|\bzniósł zakaz|\bzniesi{W} zakaz|\bunieważni{W}|\bcofn{W}", Action.REVERSAL),
            (rf"\bprzekaza{W} do ponownego rozpatrzenia|\bzwróci{W} sprawę", Action.REVERSAL),
            (rf"\bprzywróci{W}", Action.REINSTATEMENT),
            (rf"\bnadal (?:będzie )?(?:używa|korzysta){W}|\bzachowa{W}|\bpozostawi{W}", Action.RETENTION),
            (r"\bnie podejmuje żadnych działań|\bnie planuje zakazu", Action.NO_ACTION),
            (rf"\bsankcj{W}", Action.SANCTION),
            (rf"\bkontrol{W} eksportu|\bograniczenia eksportowe", Action.EXPORT_CONTROL),
            (rf"\busun{W}|\busuwa{W}|\bwymieni{W}|\bwymian{W}|\bzastąpi{W}|\bdemont{W}", Action.REMOVAL),
            (rf"\bwyklucz{W}|\bwykluczy{W}", Action.PROCUREMENT_BAN),
            (rf"\bprzesta{W} sprzedawać|\bnie sprzedaje już", Action.SUPPLY_STOP),
            (rf"\bostrzeg{W}|\bostrzeż{W}|\bwytyczn{W}|\brekomend{W}", Action.GUIDANCE),
            (rf"\brozważa{W}|\banalizuje\b|\brozpatruje\b", Action.CONSIDERATION),
            (rf"\bzakaz{W}|\bzakaza{W}|\bzabroni{W}|\bzakazuje\b", Action.USE_BAN),
        ],
        "call": rf"\bwzywa{W}|\bwezwa{W}|\bapeluj{W}|\bdomaga{W} się|\bżąda{W}",
        "deny": rf"\bzaprzecz{W}|\bzaprzecza\b|\bodrzuca{W} zarzuty|\bdementuje\b",
        "future": r"\bbędzie\b|\bbędą\b|\bplanuje\b|\bzapowiedzia\w*|\bogłosi\w*",
        "progressive": r"\bw trakcie\b|\bobecnie\b|\btrwa\b",
        "negation": r"\bbrak dowodów\b",
        "security": rf"\bbezpieczeństw{W}|\bszpieg{W}|\bcyber{W}",
        "human_rights": rf"\bpraw człowieka\b|\bujgur{W}|\bSinciang{W}|\bXinjiang\b",
        "court": rf"\bsąd{W}|\bsędzi{W}|\bNSA\b|\bWSA\b|\btrybunał{W}",
        "split": r";|\bpodczas gdy\b|, ale |, a ",
        "objects": {
            "procure": rf"\bzakup{W}|\bzamówie{W} publiczn{W}|\bprzetarg{W}|\bdostawc{W}",
            "fund": rf"\bfinansowani{W}|\bśrodk{W} publiczn{W}",
            "contract": rf"\bwykonawc{W}",
        },
    },
    "uk": {
        "actions": [
            (rf"(?<!\w)скасува{W}|(?<!\w)скасовано(?!\w)|(?<!\w)відмінив{W}|(?<!\w)зняв заборону", Action.REVERSAL),
            (r"(?<!\w)повернув справу|(?<!\w)направив на новий розгляд", Action.REVERSAL),
            (rf"(?<!\w)відновив{W}|(?<!\w)поновив{W}", Action.REINSTATEMENT),
            (rf"(?<!\w)продовж{W} використовувати|(?<!\w)залиш{W} .{{0,30}}камери", Action.RETENTION),
            (r"(?<!\w)не вживатиме жодних заходів|(?<!\w)не планує заборон", Action.NO_ACTION),
            (rf"(?<!\w)санкці{W}", Action.SANCTION),
            (rf"(?<!\w)експортн{W} контрол{W}|(?<!\w)контрол{W} експорту", Action.EXPORT_CONTROL),
            (rf"(?<!\w)демонту{W}|(?<!\w)прибра{W}|(?<!\w)видали{W}|(?<!\w)замін{W}|(?<!\w)вилуч{W}", Action.REMOVAL),
            (rf"(?<!\w)виключ{W}|(?<!\w)відсторон{W}", Action.PROCUREMENT_BAN),
            (rf"(?<!\w)припини{W} продаж|(?<!\w)більше не продає", Action.SUPPLY_STOP),
            (rf"(?<!\w)застеріг{W}|(?<!\w)попереди{W}|(?<!\w)рекоменд{W}", Action.GUIDANCE),
            (rf"(?<!\w)розгляда{W}|(?<!\w)вивча{W}", Action.CONSIDERATION),
            (rf"(?<!\w)заборон{W}", Action.USE_BAN),
        ],
        "call": rf"(?<!\w)закли{W}|(?<!\w)вимага{W}|(?<!\w)вимог{W}|(?<!\w)звернул{W}",
        "deny": rf"(?<!\w)запереч{W}|(?<!\w)спростува{W}|(?<!\w)відкида{W} звинувачення",
        "future": rf"(?<!\w)буде(?!\w)|(?<!\w)будуть(?!\w)|(?<!\w)планує(?!\w)|(?<!\w)оголоси{W}|\w+тиме(?!\w)",
        "progressive": r"(?<!\w)наразі(?!\w)|(?<!\w)триває(?!\w)|(?<!\w)зараз(?!\w)",
        "negation": r"(?<!\w)немає доказів",
        "security": rf"(?<!\w)безпек{W}|(?<!\w)шпигун{W}|(?<!\w)кібер{W}",
        "human_rights": rf"(?<!\w)прав людини|(?<!\w)уйгур{W}|(?<!\w)Сіньцзян{W}",
        "court": rf"(?<!\w)суд{W}|(?<!\w)судд{W}",
        "split": r";|(?<!\w)тоді як(?!\w)|, але |, а ",
        "objects": {
            "procure": rf"(?<!\w)закупів{W}|(?<!\w)закупівл{W}|(?<!\w)придба{W}|(?<!\w)постачальник{W}|(?<!\w)тендер{W}",  # noqa: E501
            "fund": rf"(?<!\w)фінансуванн{W}|(?<!\w)кошт{W}",
            "contract": rf"(?<!\w)підрядник{W}",
        },
    },
    "zh": {
        "actions": [
            (
                r"撤销(?:了)?(?:该|这项)?禁令|解除(?:了)?(?:对.{0,20})?禁令|推翻|取消(?:了)?(?:对.{0,20})?禁令",
                Action.REVERSAL,
            ),
            (r"发回重审|发回", Action.REVERSAL),
            (r"恢复(?:了)?.{0,10}(?:会员|资格|合作)", Action.REINSTATEMENT),
            (r"继续使用|保留(?:了)?.{0,10}(?:摄像头|设备)", Action.RETENTION),
            (r"不会采取任何行动|不打算禁止", Action.NO_ACTION),
            (r"出口管制|实体清单", Action.EXPORT_CONTROL),
            (r"制裁", Action.SANCTION),
            (r"国家安全威胁", Action.DESIGNATION),
            (r"拆除|移除|更换|替换|撤下", Action.REMOVAL),
            (r"排除|剔除", Action.PROCUREMENT_BAN),
            (r"停止(?:销售|供货|订购)|不再(?:销售|订购)", Action.SUPPLY_STOP),
            (r"警告|指导意见|建议不要", Action.GUIDANCE),
            (r"考虑|研究是否|正在评估", Action.CONSIDERATION),
            (r"禁止|禁用|禁令|封禁", Action.USE_BAN),
        ],
        "call": r"呼吁|要求|敦促|促请",
        "deny": r"否认|驳斥|拒绝接受.{0,10}指控",
        "future": r"将|计划|宣布|即将",
        "progressive": r"正在|目前正",
        "negation": r"没有证据",
        "security": r"安全|间谍|网络安全",
        "human_rights": r"人权|维吾尔|新疆",
        "court": r"法院|法官|法庭",
        "split": r"；|，而|，但",
        "objects": {"procure": r"采购|购买|招标|供应商", "fund": r"资金|拨款", "contract": r"承包商"},
    },
    "hi": {
        "actions": [
            (r"प्रतिबंध (?:को )?(?:हटा|वापस ले|रद्द कर)|रद्द कर दिया|पलट दिया", Action.REVERSAL),
            (r"वापस भेज दिया|पुनर्विचार के लिए", Action.REVERSAL),
            (r"बहाल कर", Action.REINSTATEMENT),
            (r"इस्तेमाल जारी रख|उपयोग जारी रख|बनाए रखने", Action.RETENTION),
            (r"कोई कार्रवाई नहीं", Action.NO_ACTION),
            (r"निर्यात नियंत्रण", Action.EXPORT_CONTROL),
            (r"प्रतिबंध(?:ों)? लगा(?:ए|या)?.{0,20}(?:आर्थिक)|आर्थिक प्रतिबंध", Action.SANCTION),
            (r"हटा(?:ने|या|ए|एगा|एगी|एंगे| दिया| दिए)|बदल(?:ने|ा|े) |निकाल", Action.REMOVAL),
            (r"बाहर कर|बहिष्कृत", Action.PROCUREMENT_BAN),
            (r"बिक्री बंद", Action.SUPPLY_STOP),
            (r"चेतावनी|दिशानिर्देश|सलाह", Action.GUIDANCE),
            (r"विचार कर|समीक्षा कर", Action.CONSIDERATION),
            (r"प्रतिबंध|रोक लगा", Action.USE_BAN),
        ],
        "call": r"मांग की|मांग कर|आह्वान|अपील",
        "deny": r"खंडन|इनकार",
        "future": r"(?:ेगा|ेगी|ेंगे|एगा|एगी|एंगे)(?:\s|$|।)|योजना",
        "progressive": r"रहा है|रही है|रहे हैं",
        "negation": r"कोई सबूत नहीं",
        "security": r"सुरक्षा|जासूसी",
        "human_rights": r"मानवाधिकार|उइगर|शिनजियांग",
        "court": r"अदालत|न्यायालय|न्यायाधीश",
        "split": r";|जबकि|, लेकिन",
        "objects": {"procure": r"खरीद|निविदा|आपूर्तिकर्ता", "fund": r"धन|अनुदान", "contract": r"ठेकेदार"},
    },
}
_RAW["nn"] = _RAW["nb"]
_RAW["is"] = {
    "actions": [
        (rf"\bfelld{W} úr gildi|\bafturkall{W}|\baflétt{W}", Action.REVERSAL),
        (rf"\bhald{W} áfram að nota|\báfram (?:að )?nota\b|\bnota áfram\b", Action.RETENTION),
        (rf"\bfjarlæg{W}|\bskipt{W} út", Action.REMOVAL),
        (rf"\bútiloka{W}", Action.PROCUREMENT_BAN),
        (rf"\bíhuga{W}|\bskoða{W}", Action.CONSIDERATION),
        (rf"\bbann{W}|\bbönnu{W}", Action.USE_BAN),
    ],
    "call": rf"\bhvet{W}|\bhvatt{W}|\bkref{W}",
    "deny": rf"\bneita{W}|\bhafna{W} ásökun{W}",
    "future": r"\bmun\b|\bmunu\b|\bætlar\b",
    "progressive": r"\bvinnur nú að\b",
    "negation": r"\bengar sannanir\b",
    "security": rf"\böryggi{W}|\bnjósn{W}",
    "human_rights": rf"\bmannréttind{W}|\búígúr{W}|\bXinjiang\b",
    "court": rf"\bdómstól{W}|\bdóm{W}|\bHæstarétt{W}",
    "split": r";|, en ",
    "objects": {"procure": rf"\binnkaup{W}|\bkaup{W}"},
}

LANGUAGES: tuple[str, ...] = tuple(_RAW)
"""Languages with cue tables."""


@lru_cache(maxsize=32)
def lexicon(lang: str) -> Lexicon:
    """The compiled cue tables of a language (English for one without tables)."""
    raw = _RAW.get(lang, _RAW["en"])
    flags = re.IGNORECASE
    actions = [(re.compile(p, flags), a) for p, a in raw["actions"]]  # type: ignore[attr-defined]

    def one(key: str) -> re.Pattern[str]:
        return re.compile(str(raw[key]), flags)

    objects = {k: re.compile(v, flags) for k, v in raw.get("objects", {}).items()}  # type: ignore[attr-defined]
    return Lexicon(
        actions=actions,
        call=one("call"),
        deny=one("deny"),
        future=one("future"),
        progressive=one("progressive"),
        negation=one("negation"),
        security=one("security"),
        human_rights=one("human_rights"),
        court=one("court"),
        clause_split=one("split"),
        objects=objects,
    )
