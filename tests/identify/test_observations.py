"""JSON Lines observations: bad lines become warnings with line numbers; the rest is read."""

from __future__ import annotations

from covered.identify.observations import ObservationReader, group_by_device

LINES = [
    '{"device": "cam1", "channel": "http", "field": "server", "value": "DNVRS-Webs"}',
    "",
    "not json",
    '{"device": "cam1", "channel": "http", "field": "colour", "value": "x"}',
    '{"device": "cam2", "channel": "telepathy", "field": "server", "value": "x"}',
    '{"device": "cam2", "channel": "MAC", "field": "address", "value": "44:19:b6:00:00:01", "extra": 1}',
    '["a", "list"]',
    '{"device": 7, "channel": "snmp", "field": "sysobjectid", "value": "1.3.6.1.4.1.39165.1.1"}',
    '{"channel": "http", "field": "server", "value": "x"}',
]


def test_reader_keeps_good_lines_and_reports_bad_ones() -> None:
    reader = ObservationReader(name="obs.jsonl")
    observations = list(reader.read(LINES))
    assert [(o.device, o.channel.value, o.field) for o in observations] == [
        ("cam1", "http", "server"),
        ("cam2", "mac", "address"),
        ("7", "snmp", "sysobjectid"),
    ]
    messages = {w.line: w.message for w in reader.warnings}
    assert messages[3].startswith("not JSON")
    assert "unknown field 'colour' for channel http" in messages[4]
    assert messages[5].startswith("channel:")
    assert messages[6] == "unknown keys ignored: extra"
    assert messages[7] == "not a JSON object: skipped"
    assert messages[9].startswith("device:")
    assert reader.stats.skipped == 5


def test_grouping_keeps_first_seen_order() -> None:
    reader = ObservationReader()
    devices = group_by_device(reader.read(LINES))
    assert list(devices) == ["cam1", "cam2", "7"]
