"""Full-text search: English queries reach Italian-sourced records; hits carry their quote and source."""

from __future__ import annotations

import pytest

from covered.errors import UsageError
from covered.registry import Registry


def test_english_query_finds_record_from_italian_source(registry: Registry) -> None:
    hits = registry.search_index.search("Tesco human rights")
    assert hits
    top = hits[0]
    assert "tesco" in top.id
    record = registry.records[top.kind][top.id]
    assert record.source == "seed-002-ipvm-italian-compilation"
    assert top.quote == record.quote


def test_italian_words_match_the_original_quote(registry: Registry) -> None:
    hits = registry.search_index.search("telecamere Hikvision rimosse", limit=50)
    assert any(h.quote and "telecamer" in h.quote for h in hits)


def test_ranking_puts_title_matches_first(registry: Registry) -> None:
    hits = registry.search_index.search("Edinburgh", kinds=("event",))
    # The council's two actions (its 2021 tender exclusion and its 2022 removal) both carry Edinburgh in their title.
    assert {h.id for h in hits[:2]} == {
        "gb-edinburgh-2021-tender-onvif-exclusion",
        "gb-edinburgh-2022-hikvision-removal",
    }
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_brands_and_rules_are_searchable(registry: Registry) -> None:
    assert any(h.id == "lorex" for h in registry.search_index.search("Lorex", kinds=("brand",)))
    rules = registry.search_index.search("Section 889 executive agencies", kinds=("rule",))
    assert rules[0].id.startswith("us-ndaa2019-889")


def test_falls_back_to_any_word(registry: Registry) -> None:
    assert registry.search_index.search("Edinburgh xyzzyplugh")


@pytest.mark.parametrize("text", ["", "  ", "!!!"])
def test_empty_query_is_a_usage_error(registry: Registry, text: str) -> None:
    with pytest.raises(UsageError):
        registry.search_index.search(text)


def test_unknown_kind_is_a_usage_error(registry: Registry) -> None:
    with pytest.raises(UsageError, match="--kind"):
        registry.search_index.search("Hikvision", kinds=("gossip",))


def test_query_syntax_characters_are_literal(registry: Registry) -> None:
    # FTS5 operators in user text must not raise: they are quoted as words.
    registry.search_index.search('Hikvision NEAR( "AND" OR * -')


def test_repeated_words_count_once_and_long_questions_are_refused(registry: Registry) -> None:
    from covered.registry.search import MAX_TERMS

    index = registry.search_index
    once = [h.id for h in index.search("hikvision supermarket")]
    assert once
    assert [h.id for h in index.search(" ".join(["hikvision", "Supermarket"] * 5_000))] == once
    with pytest.raises(UsageError, match=f"at most {MAX_TERMS}"):
        index.search(" ".join(f"word{i}" for i in range(MAX_TERMS + 1)))
