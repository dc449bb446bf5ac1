#!/usr/bin/env bash
# Sets up a Debian/Ubuntu machine for rnnsheets: TeX Live, Noto fonts, poppler and Chromium from
# the distribution's packages, then a virtual environment .venv with rnnsheets and
# its test tools, and axe-core (npm) for the accessibility test of sheet.html. Safe to
# run again; installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# TeX Live builds the PDFs; poppler reads them back in tests; Chromium runs the HTML
# tests (Debian's chromium packages; where the distribution has none, as on Ubuntu,
# those tests are skipped outside CI).
debs="latexmk texlive-latex-base texlive-latex-recommended texlive-pictures lmodern poppler-utils"
# Names and words in other scripts (Chinese, Japanese, Korean, Greek, Cyrillic, Arabic,
# Hebrew, Devanagari, Thai) are typeset by LuaLaTeX with the Noto fonts.
debs="$debs texlive-luatex fonts-noto-core fonts-noto-cjk"
if ! python3 -c "import venv, ensurepip" >/dev/null 2>&1; then
  debs="$debs python3 python3-venv python3-pip"
fi
# npm installs axe-core for the tests; a machine with Node.js and npm of its own keeps them.
if ! command -v npm >/dev/null 2>&1; then
  debs="$debs nodejs npm"
fi
missing=""
for p in $debs chromium chromium-driver; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing:$missing"
  $sudo apt-get update -qq
  for p in chromium chromium-driver; do
    case " $missing " in
      *" $p "*) apt-cache show "$p" >/dev/null 2>&1 || { echo "note: no $p package here"; missing=${missing/ $p/}; } ;;
    esac
  done
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e '.[test]' >.venv/pip.log 2>&1 || { cat .venv/pip.log; exit 1; }
# Byte-compiled once here, so that every command starts 0.06 s sooner where Python is
# told not to write its caches (PYTHONDONTWRITEBYTECODE); an edited module is compiled
# afresh as usual.
.venv/bin/python -m compileall -q rnnsheets >/dev/null

# axe-core audits sheet.html in tests/test_html_layout.py: the version and checksum pinned
# in tests/axe/package-lock.json, into tests/axe/node_modules (a test tool, never shipped).
axe=tests/axe/node_modules/axe-core/axe.min.js
if [ ! -f "$axe" ] || [ tests/axe/package-lock.json -nt "$axe" ]; then
  npm ci --prefix tests/axe --ignore-scripts --no-audit --no-fund --silent
fi
