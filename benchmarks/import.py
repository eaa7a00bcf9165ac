"""Import benchmark: a 300,000-row asset list through `covered import`, with and without `--save`.

Run: ``python benchmarks/import.py`` (``--rows N`` to change the size, ``--keep`` to leave the files).

The CSV is generated with a fixed seed in a temporary folder: the columns an asset register exports (asset tag,
hostname, IP, MAC, manufacturer, model, serial, location), a mix of restricted makers, their relabels and other
brands, with blank cells, a few bad MACs and IPs, and some devices listed twice. Each `covered import` runs as a
child process; its wall time and peak resident memory (``getrusage(RUSAGE_CHILDREN).ru_maxrss`` of that child
alone, since each run is measured from a fresh helper process) are printed beside a plain ``csv.reader`` loop over
the same file in the same run. Target: 300,000 rows in under 60 s and under 500 MB with ``--save``.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADERS = ["Asset Tag", "Hostname", "IP Address", "MAC Address", "Manufacturer", "Model", "Serial Number", "Location"]

# (manufacturer as a register spells it, model stems, MAC prefixes); the prefixes are IEEE assignments of each
# maker (Hikvision 44:19:B6 and BC:AD:28, Dahua 08:ED:ED and 3C:EF:8C, Axis 00:40:8C and AC:CC:8E, Cisco 00:1B:54,
# HP 3C:D9:2B) so OUI matching has real work to do.
MAKERS = [
    ("Hikvision", ["DS-2CD2143G0-I", "DS-2CD2386G2-IU", "DS-7608NI-K2"], ["44:19:B6", "BC:AD:28"]),
    ("Dahua", ["IPC-HDW2431T-AS", "IPC-HFW5442E-ZE", "NVR4208-8P"], ["08:ED:ED", "3C:EF:8C"]),
    ("Lorex", ["LNB8005-C", "LNE9242B"], ["08:ED:ED"]),
    ("Annke", ["C800", "I91BF"], ["BC:AD:28"]),
    ("Axis", ["P3245-LVE", "M3106-L"], ["00:40:8C", "AC:CC:8E"]),
    ("Cisco", ["C9200L-24P", "ISR4331"], ["00:1B:54"]),
    ("HP", ["LaserJet M404", "EliteDesk 800"], ["3C:D9:2B"]),
    ("", [""], ["00:11:22"]),
]
SITES = ["HQ", "Depot North", "Depot South", "Warehouse 3", "Clinic", "Library", "Car park"]


def write_csv(path: Path, rows: int, seed: int = 300) -> None:
    """A realistic asset register with ``rows`` data rows."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for n in range(rows):
            maker, models, prefixes = MAKERS[rng.randrange(len(MAKERS))]
            if n > 0 and n % 97 == 0:
                n = rng.randrange(n)  # the same device listed twice (an asset moved between sheets)
            mac = f"{rng.choice(prefixes)}:{n >> 16 & 255:02X}:{n >> 8 & 255:02X}:{n & 255:02X}"
            ip = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
            if n % 501 == 0:
                mac = "unknown"
            if n % 733 == 0:
                ip = "10.0.0.300"
            writer.writerow(
                [
                    f"AT-{n:07d}",
                    f"dev-{n:06d}.example.org" if n % 5 else "",
                    ip if n % 11 else "",
                    mac if n % 7 else "",
                    maker,
                    rng.choice(models),
                    f"SN{rng.randrange(10**10):010d}" if n % 3 else "",
                    rng.choice(SITES),
                ]
            )


_CHILD = """
import resource, subprocess, sys, time, json
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall": wall, "rss_kib": peak, "code": done.returncode, "stderr": done.stderr[-2000:]}))
"""


def measure(command: list[str]) -> dict[str, float]:
    """Wall time and peak RSS of one command, run from a fresh helper so RUSAGE_CHILDREN sees only it."""
    result = subprocess.run([sys.executable, "-c", _CHILD, *command], capture_output=True, text=True, check=True)
    figures: dict[str, object] = json.loads(result.stdout)
    if figures["code"] not in (0, 1):  # 1 means restricted devices were found, which the list holds
        raise SystemExit(f"{' '.join(command)} failed ({figures['code']}): {figures['stderr']}")
    return {"wall": float(str(figures["wall"])), "rss_mb": int(str(figures["rss_kib"])) / 1024}


_PLAIN = """
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as handle:
    count = sum(1 for _ in csv.reader(handle))
print(count)
"""


def main() -> None:
    """Generate the file, measure each run and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder and print its path.")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="covered-import-bench-"))
    try:
        source = folder / "assets.csv"
        started = time.perf_counter()
        write_csv(source, args.rows)
        size = source.stat().st_size / 1e6
        print(f"{args.rows} rows, {size:.1f} MB, written in {time.perf_counter() - started:.1f} s")
        covered = str(Path(sys.executable).with_name("covered"))
        runs = [
            ("plain csv.reader loop (peer)", [sys.executable, "-c", _PLAIN, str(source)]),
            ("covered import", [covered, "import", str(source), "--json", "-o", str(folder / "out.jsonl")]),
            (
                "covered import --save",
                [
                    covered,
                    "import",
                    str(source),
                    "--save",
                    "--db",
                    str(folder / "bench.db"),
                    "--json",
                    "-o",
                    str(folder / "saved.jsonl"),
                ],
            ),
        ]
        figures = [(label, measure(command)) for label, command in runs]
        base = figures[0][1]
        print(f"{'run':<32} {'wall s':>8} {'peak RSS MB':>12} {'x peer time':>12} {'x peer RSS':>11} {'rows/s':>9}")
        for label, value in figures:
            print(
                f"{label:<32} {value['wall']:>8.1f} {value['rss_mb']:>12.0f} {value['wall'] / base['wall']:>12.1f} "
                f"{value['rss_mb'] / base['rss_mb']:>11.1f} {args.rows / value['wall']:>9.0f}"
            )
        print("target: covered import --save under 60 s and 500 MB at 300,000 rows")
    finally:
        if args.keep:
            print(f"files kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
