#!/usr/bin/env bash
# Remakes the README's pictures: page 1 of the worksheet and of the key for seed 42.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
.venv/bin/rnnsheets generate --seed 42 --out "$out/seed-42"
pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$out/seed-42/worksheet.pdf" docs/worksheet
pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$out/seed-42/key.pdf" docs/key
