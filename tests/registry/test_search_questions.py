"""Questions over the shipped curated data: the named actor's records first, numbers, model numbers, reasons."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from covered.cli import app
from covered.errors import UsageError
from covered.registry import Registry
from covered.registry.questions import models_in
from covered.registry.search import MAX_CANDIDATES, MAX_TERMS


def _ids(registry: Registry, text: str, **kwargs: object) -> list[str]:
    return [h.id for h in registry.search_index.search(text, **kwargs)]  # type: ignore[arg-type]


def test_what_an_actor_decided_comes_before_facts_about_it(registry: Registry) -> None:
    hits = registry.search_index.search("what did Wesco decide about Hikvision")
    assert hits[0].id == "wesco-2023-stops-ordering-dahua-hikvision"
    assert hits[0].kind == "event"
    ids = [h.id for h in hits]
    # The fact about Wesco's stock also names Wesco, but it answers nothing about a decision.
    assert "wesco-stock-tripled" not in ids or ids.index("wesco-stock-tripled") > 0
    assert any("Wesco" in reason and "named in the question" in reason for reason in hits[0].why)


def test_an_actor_named_puts_its_own_records_before_others(registry: Registry) -> None:
    hits = registry.search_index.search("what did Tesco decide", limit=10)
    assert hits[0].id == "tesco-2023-phase-out"
    top_five = hits[:5]
    for hit in top_five:
        record = registry.records[hit.kind][hit.id]
        related = {record.actor} if hit.kind == "event" else set(record.actors) | {record.subject}
        assert "tesco" in related, hit.id


@pytest.mark.parametrize(
    ("question", "fact", "value"),
    [
        ("how many stores does Tesco have", "tesco-stores-3822", "3822"),
        ("how did the European Parliament vote", "eu-parliament-2021-vote-627-37", "627-37"),
        ("how many cameras did the Australian audit find", "au-paterson-audit-900-cameras", "900+"),
        ("how many cameras in the Xinjiang contract", "hikvision-xinjiang-35000-cameras-contract", "35000"),
        ("how big is CETC's stake in Hikvision", "hikvision-cetc-stake-40pct", "40%"),
    ],
)
def test_a_question_for_a_number_gets_the_fact_that_holds_it(
    registry: Registry, question: str, fact: str, value: str
) -> None:
    top = registry.search_index.search(question)[0]
    assert top.id == fact
    assert registry.facts[top.id].value == value
    assert any("holds the number asked for" in reason and value in reason for reason in top.why)


def test_the_same_words_without_asking_for_a_number_keep_the_event_first(registry: Registry) -> None:
    # "Tesco stores" names the actor and a word of its event; only "how many" asks for the count.
    assert _ids(registry, "Tesco stores")[0] == "tesco-2023-phase-out"
    assert _ids(registry, "how many stores does Tesco have")[0] == "tesco-stores-3822"


def test_which_cameras_names_the_model_numbers_records_carry(registry: Registry) -> None:
    hits = registry.search_index.search("which Dahua cameras detect race", limit=5)
    models = {m for h in hits for m in h.models}
    assert {
        "DH-IPC-HF8249F-FD",
        "DH-CP835-AU1F-LZF2070",
        "DH-SDT-5A404-C2F",
        "DH-IPC-MFW8449-ZHM-D47-LI-0832",
    } <= models
    for hit in hits:
        for model in hit.models:
            record = registry.records[hit.kind][hit.id]
            assert model in " ".join(filter(None, [record.value, record.claim, record.quote, record.quote_en]))


def test_a_model_number_in_the_question_finds_the_record_carrying_it(registry: Registry) -> None:
    top = registry.search_index.search("DH-SDT-5A404-C2F")[0]
    assert top.id == "dahua-dh-sdt-5a404-c2f-skin-colour"
    assert "DH-SDT-5A404-C2F" in top.models
    price = registry.search_index.search("how much does a Hikvision 2366G2 cost")[0]
    assert price.id == "hikvision-2366g2-turret-price-au-2023"
    assert registry.facts[price.id].value == "284"


def test_new_restriction_records_answer_their_questions(registry: Registry) -> None:
    assert _ids(registry, "US investment sanctions on Hikvision", kinds=("event",))[0] == (
        "us-treasury-hikvision-investment-sanctions"
    )
    edinburgh = _ids(registry, "what did Edinburgh decide", kinds=("event",))
    assert set(edinburgh[:2]) == {"gb-edinburgh-2021-tender-onvif-exclusion", "gb-edinburgh-2022-hikvision-removal"}
    assert _ids(registry, "Italian government project ONVIF", kinds=("event",))[0] == (
        "it-government-2021-hikvision-tender-loss"
    )


def test_every_hit_says_why_it_ranked(registry: Registry) -> None:
    hits = registry.search_index.search("Hikvision removal Australia", limit=30)
    assert hits
    for hit in hits:
        assert hit.why
        assert hit.why[0].startswith("matches ")
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_acronym_aliases_match_only_as_acronyms(registry: Registry) -> None:
    # 'EP' is the European Parliament's acronym; the word 'ep' in lower case is not taken for it.
    assert any("European Parliament" in r for r in registry.search_index.search("what did the EP decide")[0].why)
    assert not any(
        "European Parliament" in r for h in registry.search_index.search("ep hikvision", limit=5) for r in h.why
    )


def test_questions_stay_bounded(registry: Registry) -> None:
    index = registry.search_index
    # "Hikvision" matches far more records than the candidate bound; no actor is named, so none is added.
    assert len(index.search("Hikvision", limit=1000)) == MAX_CANDIDATES
    long_question = " ".join(f"word{i}" for i in range(MAX_TERMS)) + " what did Wesco decide"
    with pytest.raises(UsageError, match=f"at most {MAX_TERMS}"):
        index.search(long_question)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the DH-IPC-HF8249F-FD and 2366G2", ["DH-IPC-HF8249F-FD", "2366G2"]),
        ("in 2019, 2nd place, COVID-19, 5G and FY2019", []),
        ("Hanwha 8011R", ["8011R"]),
    ],
)
def test_model_numbers_are_told_from_years_and_ordinals(text: str, expected: list[str]) -> None:
    assert models_in(text) == expected


def test_cli_json_carries_reasons_and_models() -> None:
    result = CliRunner().invoke(app, ["search", "which Dahua camera models detect race", "--json", "--limit", "5"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert rows
    assert all(row["why"] for row in rows)
    assert any("DH-IPC-HF8249F-FD" in row["models"] for row in rows)
