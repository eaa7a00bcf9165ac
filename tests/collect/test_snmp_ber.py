"""The SNMP BER codec: round trip against hand-assembled messages, and hostile input refused."""

from __future__ import annotations

import pytest

from covered.collect.snmp_ber import BerError, decode_oid, decode_response, encode_get, encode_oid


@pytest.mark.parametrize("oid", ["1.3.6.1.2.1.1.1.0", "1.3.6.1.4.1.39165.1.1", "1.3.6.1.4.1.2011.2.23.96", "2.5.4.3"])
def test_oid_round_trip(oid: str) -> None:
    assert decode_oid(encode_oid(oid)) == oid


def test_get_request_bytes() -> None:
    # RFC 3416 GetRequest, community "public", request-id 1, sysDescr.0: hand-assembled reference bytes.
    message = encode_get("public", 1, ["1.3.6.1.2.1.1.1.0"])
    expected = (
        b"\x30\x26\x02\x01\x01\x04\x06public\xa0\x19\x02\x01\x01\x02\x01\x00\x02\x01\x00"
        b"\x30\x0e\x30\x0c\x06\x08\x2b\x06\x01\x02\x01\x01\x01\x00\x05\x00"
    )
    assert message == expected


def _response(values: bytes) -> bytes:
    pdu_body = b"\x02\x01\x07" + b"\x02\x01\x00" + b"\x02\x01\x00" + b"\x30" + bytes([len(values)]) + values
    body = b"\x02\x01\x01" + b"\x04\x06public" + b"\xa2" + bytes([len(pdu_body)]) + pdu_body
    return b"\x30" + bytes([len(body)]) + body


def _tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag, len(value)]) + value


def test_decode_response() -> None:
    descr = _tlv(0x30, _tlv(0x06, encode_oid("1.3.6.1.2.1.1.1.0")) + _tlv(0x04, b"Huawei X"))
    object_id = _tlv(0x30, _tlv(0x06, encode_oid("1.3.6.1.2.1.1.2.0")) + _tlv(0x06, encode_oid("1.3.6.1.4.1.2011")))
    response = decode_response(_response(descr + object_id))
    assert response.request_id == 7
    assert response.values == {"1.3.6.1.2.1.1.1.0": "Huawei X", "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.2011"}


@pytest.mark.parametrize("data", [b"", b"\x30", b"\x30\x84\xff\xff\xff\xff", b"\x02\x01\x01", b"\x30\x03\x02\x01\x03"])
def test_hostile_messages_are_refused(data: bytes) -> None:
    with pytest.raises(BerError):
        decode_response(data)
