"""Ban-directory filters: each one checked against a brute-force reading of the same records."""

from __future__ import annotations

import datetime as dt

import pytest

from covered.errors import UsageError
from covered.model import Event
from covered.registry import EventQuery, Registry


def _ids(events: list[Event]) -> set[str]:
    return {e.id for e in events}


def _select(registry: Registry, **options: object) -> set[str]:
    return _ids(registry.event_index.select(EventQuery.parse(registry, **options)))  # type: ignore[arg-type]


def test_no_filter_returns_every_event_in_date_order(registry: Registry) -> None:
    events = registry.event_index.select(EventQuery())
    assert _ids(events) == set(registry.events)
    keys = [e.date.sort_key for e in events]
    assert keys == sorted(keys)


@pytest.mark.parametrize("name", ["hikvision", "Dahua", "Hangzhou Hikvision Digital Technology Co., Ltd.", "huawei"])
def test_vendor_filter_accepts_ids_names_and_legal_names(registry: Registry, name: str) -> None:
    vendor_id = registry.vendor_id(name)
    assert vendor_id is not None
    expected = {e.id for e in registry.events.values() if vendor_id in e.vendors}
    assert expected
    assert _select(registry, vendor=[name]) == expected


def test_country_includes_subdivisions_but_a_subdivision_is_exact(registry: Registry) -> None:
    gb = _select(registry, country=["uk"])
    scotland = _select(registry, country=["GB-SCT"])
    assert "gb-edinburgh-2022-hikvision-removal" in gb
    assert "gb-edinburgh-2022-hikvision-removal" in scotland
    assert "gb-2022-sensitive-sites" in gb
    assert "gb-2022-sensitive-sites" not in scotland
    assert scotland < gb
    brute = {e.id for e in registry.events.values() if registry.actors[e.actor].jurisdiction.split("-")[0] == "GB"}
    assert gb == brute


def test_actor_filter_follows_the_hierarchy(registry: Registry) -> None:
    uk = _select(registry, actor=["gb-government"])
    assert "gb-edinburgh-2022-hikvision-removal" in uk
    parliament = _select(registry, actor=["eu-parliament"])
    assert "eu-parliament-2021-hikvision-removal" in parliament
    assert "eu-commission-hikvision-retention" not in parliament


def test_counter_decisions_are_their_own_action(registry: Registry) -> None:
    assert "eu-commission-hikvision-retention" in _select(registry, action=["retention"])
    assert "onvif-2022-reinstatement" in _select(registry, action=["reinstatement"])


def test_date_window_overlaps_partial_dates(registry: Registry) -> None:
    since = _select(registry, since="2023")
    until = _select(registry, until="2022-12-31")
    assert "tesco-2023-phase-out" in since
    assert "tesco-2023-phase-out" not in until
    for event in registry.events.values():
        if event.date.value is None:
            assert event.id not in since | until
        else:
            assert (event.id in since) == (event.date.latest >= dt.date(2023, 1, 1))  # type: ignore[operator]


def test_filters_combine_as_and(registry: Registry) -> None:
    combined = _select(registry, vendor=["dahua"], reason=["human_rights"], country=["GB"])
    assert combined == (
        _select(registry, vendor=["dahua"])
        & _select(registry, reason=["human_rights"])
        & _select(registry, country=["GB"])
    )
    assert "tesco-2023-phase-out" in combined


def test_group_by_counts_each_action_once_per_group(registry: Registry) -> None:
    events = registry.event_index.select(EventQuery())
    by_vendor = dict(registry.event_index.count_by(events, "vendor"))
    for vendor, n in by_vendor.items():
        assert n == sum(1 for e in events if vendor in e.vendors)
    by_year = registry.event_index.count_by(events, "year")
    assert sum(n for _, n in by_year) == len(events)
    # Corroborating passages never add events.
    assert len(events) == len(registry.events)


@pytest.mark.parametrize(
    ("options", "option_name"),
    [
        ({"vendor": ["acme"]}, "--vendor"),
        ({"country": ["Narnia"]}, "--country"),
        ({"action": ["nuke"]}, "--action"),
        ({"reason": ["whim"]}, "--reason"),
        ({"status": ["maybe"]}, "--status"),
        ({"actor_type": ["wizard"]}, "--actor-type"),
        ({"since": "2023-13"}, "--since"),
        ({"until": "yesterday"}, "--until"),
        ({"since": "2023", "until": "2022"}, "--since"),
        ({"source": ["nope.txt"]}, "--source"),
        ({"actor": ["nobody"]}, "--actor"),
    ],
)
def test_bad_filter_values_name_the_option(registry: Registry, options: dict[str, object], option_name: str) -> None:
    with pytest.raises(UsageError) as caught:
        EventQuery.parse(registry, **options)  # type: ignore[arg-type]
    assert caught.value.option == option_name


def test_source_filter_accepts_the_seed_file_name(registry: Registry) -> None:
    by_file = _select(registry, source=["002_ec2b999e1edda5fe.txt"])
    by_id = _select(registry, source=["seed-002-ipvm-italian-compilation"])
    assert (
        by_file == by_id == {e.id for e in registry.events.values() if e.source == "seed-002-ipvm-italian-compilation"}
    )
