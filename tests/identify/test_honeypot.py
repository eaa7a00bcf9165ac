"""The weak-matcher honeypot over the whole corpus: no generic string, alone or in pairs, makes a restricted claim.

Every example of every generic signature (curated or imported) that is that generic string and nothing more is
attributed on its own; and pairs of them from different fields, as a device full of generic answers would give.
"""

from __future__ import annotations

import itertools
import random

import pytest

from covered.identify import identifier_for
from covered.identify.signatures import matches_whole
from covered.model import Channel, Observation, SignatureClaim
from covered.registry import Registry, load_registry


def _generic_values() -> list[tuple[str, str, str]]:
    registry = load_registry()
    out: set[tuple[str, str, str]] = set()
    for signature in registry.signatures.by_id.values():
        if signature.claim is not SignatureClaim.GENERIC or signature.vendor is not None:
            continue
        for example in signature.examples:
            if matches_whole(signature, example.value):
                out.add((signature.channel.value, signature.field, example.value))
    return sorted(out)


GENERIC = _generic_values()


def test_the_corpus_has_generic_strings_to_test() -> None:
    assert len(GENERIC) >= 40


@pytest.mark.parametrize("item", GENERIC, ids=lambda i: f"{i[0]}/{i[1]}:{i[2][:30]}")
def test_a_generic_string_alone_names_no_restricted_maker(registry: Registry, item: tuple[str, str, str]) -> None:
    channel, field, value = item
    result = identifier_for(registry).attribute(
        "honeypot", [Observation(device="honeypot", channel=Channel(channel), field=field, value=value)]
    )
    assert result.restricted is not True, result.explanation


def test_pairs_of_generic_strings_never_make_a_restricted_claim(registry: Registry) -> None:
    pairs = [p for p in itertools.combinations(GENERIC, 2) if p[0][:2] != p[1][:2]]
    sample = random.Random(7).sample(pairs, min(len(pairs), 3000))  # noqa: S311 - a fixed sample, not a secret
    identifier = identifier_for(registry)
    claimed = []
    for pair in sample:
        observations = [
            Observation(device="honeypot", channel=Channel(c), field=f, value=v) for c, f, v in pair
        ]
        if identifier.attribute("honeypot", observations).restricted is True:
            claimed.append(pair)
    assert not claimed, claimed[:5]
