"""Passive discovery: devices found and identified from traffic they send on their own, without a probe.

Readers (pcap/pcapng files, Zeek logs, a live interface) turn traffic into the records of
:mod:`covered.capture.records`; the rest of covered (identification, storage, assessment) sees the same
observations a scan produces, each keeping the frame it came from.
"""
