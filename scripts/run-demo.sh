#!/usr/bin/env bash
# Set up on a fresh machine and run covered's main job on embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/covered demo
