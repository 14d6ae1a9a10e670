#!/usr/bin/env bash
# Rebuilds perfgate/render/fonts/DejaVuSans-perfgate.ttf, the digest charts' font: DejaVu Sans (Debian's
# fonts-dejavu-core) cut down to the scripts and symbols a chart label can hold (Latin, Greek for µ, ±, →,
# ≤, ≥, dashes), so the wheel carries ~60 KB instead of 750 KB. Needs fonttools (pip install fonttools).
set -euo pipefail
cd "$(dirname "$0")/.."
source="${1:-/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf}"
pyftsubset "$source" \
  --unicodes="U+0020-007E,U+00A0-017F,U+0370-03FF,U+2010-2027,U+2030-205E,U+2190-21FF,U+2212,U+2248,U+2260-2265,U+221E,U+25A0-25FF,U+2713" \
  --layout-features='kern,liga' --no-hinting --desubroutinize \
  --output-file=perfgate/render/fonts/DejaVuSans-perfgate.ttf
cp /usr/share/doc/fonts-dejavu-core/copyright perfgate/render/fonts/DejaVuSans.LICENSE
