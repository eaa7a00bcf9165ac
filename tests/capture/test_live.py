"""Live capture on the loopback interface for a bounded time (needs root or CAP_NET_RAW; skipped otherwise)."""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from covered.capture.pipeline import CaptureInputs, run_capture
from covered.registry import Registry
from tests.capture import frames


def _can_capture() -> bool:
    import pcapy

    try:
        pcapy.open_live("lo", 128, False, 10).close()
    except pcapy.PcapError:
        return False
    return True


@pytest.mark.skipif(not hasattr(os, "geteuid") or not _can_capture(), reason="needs CAP_NET_RAW to capture on lo")
def test_sadp_reply_seen_live_on_loopback(registry: Registry) -> None:
    stop = threading.Event()

    def announce() -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            for _ in range(20):  # bounded: at most 20 datagrams over the capture window
                if stop.wait(0.25):
                    return
                sender.sendto(frames.SADP_REPLY.encode(), ("127.0.0.1", 37020))

    thread = threading.Thread(target=announce, daemon=True)
    thread.start()
    started = time.monotonic()
    try:
        result = run_capture(registry, CaptureInputs(interface="lo", duration=3.0, bpf_filter="udp port 37020"))
    finally:
        stop.set()
        thread.join(timeout=5)
    assert time.monotonic() - started < 60
    assert result.frames > 0
    found = [(d, a) for d, a in zip(result.devices, result.attributions, strict=True) if d.address == "127.0.0.1"]
    assert found
    assert found[0][1].vendor == "hikvision"
    assert found[0][0].observations[0].collector is not None
    assert found[0][0].observations[0].collector.startswith("capture:interface:lo:")
