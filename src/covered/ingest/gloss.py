"""An English rendering made offline: the quote itself when English, otherwise a gloss built from the
candidate's slots (actor, action, vendors, date). It is a summary for the reviewer, not a translation; no
offline translation model is available on the package index (argostranslate fetches its models at run time)."""

from __future__ import annotations

from typing import Literal

from covered.model import Action, DateRef, FactKind

__all__ = ["gloss"]

_ACTION_WORDS: dict[Action, str] = {
    Action.PROCUREMENT_BAN: "bars procurement of",
    Action.USE_BAN: "bans the use of",
    Action.FUNDING_BAN: "bars funding for",
    Action.CONTRACTING_BAN: "bars contracting with users of",
    Action.AUTHORIZATION_BAN: "bars authorisation of",
    Action.REMOVAL: "removes or replaces",
    Action.EXPULSION: "expels",
    Action.EXHIBITION_BAN: "bars from exhibiting:",
    Action.DELISTING: "delists or suspends",
    Action.REINSTATEMENT: "reinstates",
    Action.SANCTION: "sanctions",
    Action.EXPORT_CONTROL: "imposes export controls on",
    Action.DESIGNATION: "designates as a threat:",
    Action.DIVESTMENT: "divests from",
    Action.SUPPLY_STOP: "stops supplying or ordering",
    Action.PARTNERSHIP_END: "ends its partnership with",
    Action.GUIDANCE: "issues guidance against",
    Action.CONSIDERATION: "considers restricting",
    Action.REVERSAL: "reverses a restriction on",
    Action.RETENTION: "keeps using",
    Action.NO_ACTION: "takes no action against",
}
_FACT_WORDS: dict[FactKind, str] = {
    FactKind.CALL_FOR_BAN: "a call to restrict",
    FactKind.DENIAL: "a denial concerning",
    FactKind.VOTE: "a vote concerning",
    FactKind.OWNERSHIP: "a stake or share concerning",
    FactKind.CONTRACT_VALUE: "an amount concerning",
    FactKind.DEVICE_COUNT: "a device count concerning",
}


def gloss(
    quote: str,
    lang: str,
    actor: str | None,
    vendors: list[str],
    action: Action | None,
    fact_kind: FactKind | None,
    date: DateRef,
) -> tuple[str, Literal["original", "gloss"]]:
    """(English rendering, method): the quote for English, else '[gloss] ...' from the slots."""
    if lang == "en":
        return quote, "original"
    who = actor or "An unnamed actor"
    what = ", ".join(vendors) or "the vendors"
    when = f" ({date.display()})" if date.value else ""
    if action is not None:
        return f"[gloss, not a translation] {who} {_ACTION_WORDS.get(action, action.value)} {what}{when}.", "gloss"
    kind = _FACT_WORDS.get(fact_kind, "a claim concerning") if fact_kind else "a claim concerning"
    return f"[gloss, not a translation] {who}: {kind} {what}{when}.", "gloss"
