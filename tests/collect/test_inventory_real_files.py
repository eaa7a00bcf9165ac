"""Asset lists as Europeans' spreadsheets write them: encodings, languages, title rows, several sheets."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import openpyxl
import pytest

from covered.collect import import_file, parse_mapping
from covered.errors import DataError
from covered.identify import identifier_for
from covered.registry import Registry

FRENCH = (
    "Adresse MAC;Marque;Modèle;Numéro de série;Commentaire\n"
    "58:50:ED:00:00:01;Hikvision;DS-2CD2143G0-I;S1;l’entrée – 5 €\n"
)


def fields(result: object, key: str) -> dict[str, str]:
    devices = result.devices  # type: ignore[attr-defined]
    return {o.field: o.value for o in devices[key]}


def test_excel_csv_with_a_utf8_mark_over_cp1252_bytes(tmp_path: Path) -> None:
    path = tmp_path / "parc.csv"
    path.write_bytes(codecs.BOM_UTF8 + FRENCH.encode("cp1252"))
    result = import_file(path)
    assert result.columns == {
        "Adresse MAC": "mac",
        "Marque": "brand",
        "Modèle": "model",
        "Numéro de série": "serial",
    }
    assert result.unmapped == ["Commentaire"]
    assert fields(result, "58:50:ED:00:00:01")["model"] == "DS-2CD2143G0-I"
    assert any("read as cp1252" in w.message for w in result.warnings)


def test_cp1252_characters_are_kept_not_deleted(tmp_path: Path) -> None:
    path = tmp_path / "parc.csv"
    path.write_bytes(FRENCH.replace("Commentaire", "Site").encode("cp1252"))
    result = import_file(path)
    assert fields(result, "58:50:ED:00:00:01")["site"] == "l’entrée – 5 €"


def test_utf16_unicode_text_from_excel(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    text = "Hersteller\tModell\tSeriennummer\nDahua\tIPC-HFW2431S\tSN9\n"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    result = import_file(path)
    assert result.columns == {"Hersteller": "manufacturer", "Modell": "model", "Seriennummer": "serial"}
    assert fields(result, "SN9")["manufacturer"] == "Dahua"


@pytest.mark.parametrize("data", [bytes(range(256)) * 40, b"\x00\x01\x02PK\x03\x04" * 500], ids=["bytes", "zip-like"])
def test_binary_junk_is_one_clean_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "junk.csv"
    path.write_bytes(data)
    with pytest.raises(DataError, match="not a text file"):
        import_file(path)


def test_title_rows_above_the_header_are_skipped_and_lines_numbered_as_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "inventario.csv"
    path.write_text(
        "Inventario telecamere 2026;;\n;;\nIndirizzo MAC;Produttore;Modello\n"
        "not-a-mac;Hikvision;DS-2CD\n08:ED:ED:00:00:09;Dahua;IPC\n",
        encoding="utf-8",
    )
    result = import_file(path)
    assert result.columns == {"Indirizzo MAC": "mac", "Produttore": "manufacturer", "Modello": "model"}
    messages = {w.line: w.message for w in result.warnings}
    assert messages[3].startswith("header found on line 3: line(s) 1 above skipped")
    assert messages[4] == "'not-a-mac' is not a MAC address: ignored"
    assert "08:ED:ED:00:00:09" in result.devices


def test_every_sheet_is_read_and_named(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Notes"
    first.append(["This workbook lists the cameras of two buildings."])
    north = book.create_sheet("North")
    north.append(["Camera inventory, north building"])
    north.append(["Marca", "Modelo", "Número de serie"])
    north.append(["Hikvision", "DS-7608NI", "N1"])
    south = book.create_sheet("South")
    south.append(["Merk", "Model", "Serienummer"])
    south.append(["Axis", "P3245", "Z1"])
    south.append(["Dahua", "NVR4104", "not-a-mac-but-fine"])
    path = tmp_path / "cameras.xlsx"
    book.save(path)
    result = import_file(path)
    assert result.sheets == ["North", "South"]
    assert set(result.devices) == {"N1", "Z1", "not-a-mac-but-fine"}
    assert any(w.message == "sheet 'Notes': no inventory columns: skipped" for w in result.warnings)
    # Row numbers are the spreadsheet's own: N1 sits on row 3 of North.
    assert result.devices["N1"][0].collector == "import:cameras.xlsx:3"


def test_map_wins_over_a_recognised_column(tmp_path: Path) -> None:
    path = tmp_path / "assets.csv"
    path.write_text("Asset Tag,Serial Number,Manufacturer\nAT-1,SN-1,Hikvision\n", encoding="utf-8")
    result = import_file(path, parse_mapping(["Asset Tag=serial"]))
    assert result.columns["Asset Tag"] == "serial"
    assert "Serial Number" in result.unmapped
    assert "AT-1" in result.devices


def test_a_one_line_json_lines_file_is_one_device(tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"mac": "08:ED:ED:00:00:03", "brand": "Dahua"}) + "\n", encoding="utf-8")
    assert list(import_file(path).devices) == ["08:ED:ED:00:00:03"]


def test_no_column_naming_a_device_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_text("Site,Owner\nHQ,alice\n", encoding="utf-8")
    with pytest.raises(DataError, match="no column names a device"):
        import_file(path)


@pytest.mark.parametrize(
    ("make", "vendor"),
    [
        ("Axis", "axis"),
        ("AXIS Communications AB", "axis"),
        ("Hanwha", "hanwha"),
        ("Bosch", "bosch"),
        ("Mobotix", "mobotix"),
        ("Hangzhou Hikvision Digital Technology Co., Ltd.", "hikvision"),
    ],
)
def test_makers_no_rule_restricts_come_out_not_restricted(
    tmp_path: Path, registry: Registry, make: str, vendor: str
) -> None:
    path = tmp_path / "assets.csv"
    path.write_text(f'Manufacturer,Serial\n"{make}",S1\n', encoding="utf-8")
    attribution = identifier_for(registry).attribute("S1", import_file(path).devices["S1"])
    assert attribution.vendor == vendor
    assert attribution.restricted is (vendor == "hikvision")
