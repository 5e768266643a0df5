#!/usr/bin/env bash
# Remake the web fonts (pb_public/static/fonts/*.woff2), the @font-face block of
# pb_public/static/app.css and the shaping test's broken fonts from the upstream
# Noto fonts in pb_public/fonts-src/upstream. See pb_public/fonts-src/README.md for what and why.
# Needs Debian's fonttools and woff2:  apt-get install fonttools woff2
# Usage: pb_public/fonts-src/make.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v woff2_compress >/dev/null || { echo "needs woff2_compress: apt-get install woff2" >&2; exit 2; }
PY=
for p in "${PYTHON:-}" /usr/bin/python3 python3; do
  [ -n "$p" ] && "$p" -c 'import fontTools.subset' 2>/dev/null && { PY=$p; break; }
done
[ -n "$PY" ] || { echo "needs a python3 with fontTools: apt-get install fonttools" >&2; exit 2; }
echo "fontTools $("$PY" -c 'import fontTools; print(fontTools.version)'), woff2 $(dpkg-query -W -f='${Version}' woff2 2>/dev/null || echo '?')" >&2
exec "$PY" pb_public/fonts-src/make.py
