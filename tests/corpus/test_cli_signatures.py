"""`covered signatures`: list, show, test a value, the pinned corpora, and importing one from a git repository."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from covered.registry import Registry
from tests.corpus.conftest import MakeRepo
from tests.test_cli import run


def test_test_names_the_claiming_signature_its_source_and_the_verdict(registry: Registry) -> None:
    result = run("signatures", "test", "DNVRS-Webs", "--channel", "http", "--field", "server", "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["vendor"] == "hikvision"
    ids = [m["matcher"] for m in record["matches"]]
    assert ids
    assert all(registry.signatures.by_id[i].vendor == "hikvision" for i in ids)
    assert record["matches"][0]["reference"]


def test_test_of_an_unknown_string_says_so_and_a_bad_field_is_a_usage_error() -> None:
    result = run("signatures", "test", "nothing-like-it/1.0", "--channel", "http", "--field", "server")
    assert result.returncode == 0, result.stderr
    assert "no signature reads" in result.stdout
    bad = run("signatures", "test", "x", "--channel", "http", "--field", "nope")
    assert bad.returncode == 2
    assert bad.stderr.startswith("covered: --field: unknown field 'nope'")
    assert "Traceback" not in bad.stderr


def test_list_and_show_agree_with_the_registry(registry: Registry) -> None:
    listed = run("signatures", "list", "--vendor", "dahua", "--json")
    assert listed.returncode == 0, listed.stderr
    ids = {json.loads(line)["id"] for line in listed.stdout.splitlines()}
    assert ids == {s.id for s in registry.signatures.by_id.values() if s.vendor == "dahua"}
    one = sorted(ids)[0]
    shown = run("signatures", "show", one, "--json")
    assert json.loads(shown.stdout)["source"] == registry.signatures.by_id[one].source.model_dump(exclude_none=True)
    missing = run("signatures", "show", "no-such-signature")
    assert missing.returncode == 2
    assert "no signature 'no-such-signature'" in missing.stderr


def test_import_writes_the_corpus_folder_that_the_registry_then_loads(
    make_repo: MakeRepo, registry: Registry, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(registry.data_dir, data)
    for child in (data / "signatures").iterdir():
        if child.is_dir():
            shutil.rmtree(child)
    recog = (
        '<?xml version="1.0"?>\n<fingerprints matches="http_header.server">\n'
        '  <fingerprint pattern="^Hikvision-Webs$">\n    <description>Hikvision web server</description>\n'
        '    <example>Hikvision-Webs</example>\n    <param pos="0" name="hw.vendor" value="Hikvision"/>\n'
        "  </fingerprint>\n</fingerprints>\n"
    )
    path, commit = make_repo({"xml/http_servers.xml": recog})
    corpora = data / "corpora.yml"
    text = corpora.read_text(encoding="utf-8")
    pinned = next(line for line in text.splitlines() if line.strip().startswith("commit:"))
    corpora.write_text(text.replace(pinned, f"  commit: {commit}", 1), encoding="utf-8")
    result = run("--data", str(data), "signatures", "import", "recog", "--repo", str(path))
    assert result.returncode == 0, result.stderr
    assert "recog:" in result.stdout
    assert (data / "signatures" / "recog" / "review.md").is_file()
    again = run("--data", str(data), "signatures", "import", "recog", "--repo", str(path))
    assert "0 new, 0 changed, 0 dropped" in again.stdout
    bad = run("--data", str(data), "signatures", "import", "recog", "--repo", str(tmp_path / "missing"))
    assert bad.returncode == 2
    assert "not a git repository" in bad.stderr
