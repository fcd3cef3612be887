#!/usr/bin/env bash
# Install the programs syncam needs that pip cannot: ffmpeg/ffprobe, a font for burned-in text, and
# Python's venv module. Only what is missing is installed. Where no package manager we know is
# available, say exactly what to install and fail.
set -euo pipefail

# --test: only the headless browser of the report's and the view's browser tests (Debian's chromium),
# where apt is available; those tests skip without it, so failing to install it only says so.
if [ "${1:-}" = "--test" ]; then
  if command -v chromium >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then exit 0; fi
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
  echo "syncam: installing chromium with apt-get (for the report's and the view's browser tests)" >&2
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
      --no-install-recommends chromium >/dev/null; } \
    || echo "syncam: chromium not installed; the browser tests will skip" >&2
  exit 0
fi

need=()
command -v ffmpeg  >/dev/null 2>&1 || need+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
# burned-in clocks: Tesseract and its English model (the bootstrap reads); the clock tests draw their
# overlays in these fonts
if command -v apt-get >/dev/null 2>&1; then
  command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
  ls /usr/share/tesseract-ocr/*/tessdata/eng.traineddata >/dev/null 2>&1 || need+=(tesseract-ocr-eng)
  [ -e /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || need+=(fonts-liberation)
  [ -d /usr/share/fonts/opentype/urw-base35 ] || need+=(fonts-urw-base35)
fi
PY=${PYTHON:-python3}
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then need+=(python3-venv); fi
[ ${#need[@]} -eq 0 ] && exit 0

# unique
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "syncam: need root to install: ${need[*]} (run: apt-get install ${need[*]})" >&2; exit 1
    fi
  fi
  echo "syncam: installing ${need[*]} with apt-get" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
elif command -v brew >/dev/null 2>&1; then
  brew install ffmpeg
else
  echo "syncam: please install: ${need[*]} (ffmpeg with ffprobe, a TrueType font, Python venv)" >&2
  exit 1
fi
