"""Scoring per persona class: maker named, restricted recall, false claims, relabels traced upstream, leads."""

from __future__ import annotations

from covered.sim.accuracy import score_by_class

TRUTH = {
    "127.0.0.1": {"persona": "annke-nvr", "vendor": "hikvision", "brand": "annke", "restricted": True},
    "127.0.0.2": {"persona": "annke-nvr", "vendor": "hikvision", "brand": "annke", "restricted": True},
    "127.0.0.3": {"persona": "axis-camera", "vendor": "axis", "brand": None, "restricted": False},
    "127.0.0.4": {"persona": "silent-37777", "vendor": "dahua", "brand": "dahua-brand", "restricted": True},
}


def test_each_class_is_counted_on_its_own() -> None:
    found = [
        ("127.0.0.1", True, "hikvision", False),
        ("127.0.0.2", None, None, False),
        ("127.0.0.3", True, "axis", False),
        ("127.0.0.4", None, None, True),
    ]
    classes = score_by_class(TRUTH, found)
    annke = classes["annke-nvr"]
    assert (annke.devices, annke.restricted, annke.restricted_called, annke.maker_named) == (2, 2, 1, 1)
    assert (annke.relabels, annke.relabel_upstream_named) == (2, 1)
    assert classes["axis-camera"].false_claims == 1
    silent = classes["silent-37777"]
    assert (silent.leads, silent.maker_named, silent.relabels) == (1, 0, 0)


def test_a_device_the_tool_never_reported_counts_as_missed() -> None:
    classes = score_by_class(TRUTH, [])
    assert sum(c.maker_named for c in classes.values()) == 0
    assert sum(c.restricted for c in classes.values()) == 3
