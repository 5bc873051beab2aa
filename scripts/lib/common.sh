# Shared by scripts/*.sh: the project root, the Debian packages the project needs, and installing
# the missing ones (apt, as root or through sudo). Sourced, not run.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Every package a fresh Debian 12 needs to build, test and demo the project.
required_packages=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-test1.81-dev
  libssl-dev openssl libsqlite3-dev libcli11-dev
  postgresql libpq-dev # the host on PostgreSQL and its tests (a throw-away server per test run)
  python3 python3-jsonschema curl binutils clang-format
  clang-14 libclang-rt-14-dev clang-tidy-14 # scripts/fuzz.sh (libFuzzer, sanitizers), scripts/tidy.sh
  chromium                                   # tests/browser: the web console in a real browser
)

# Commands needed whatever package provides them, as command:Debian-package. node 18+ and npm run the
# browser tests; NodeSource's nodejs bundles npm (and conflicts with Debian's npm package), so the
# command is checked, and Debian's packages are installed only when the command is missing.
required_commands=(node:nodejs npm:npm)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_packages() {
  local missing=() pkg
  for pkg in "${required_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  local entry
  for entry in "${required_commands[@]}"; do
    command -v "${entry%%:*}" >/dev/null || missing+=("${entry#*:}")
  done
  ((${#missing[@]} == 0)) && return 0
  say "installing missing Debian packages: ${missing[*]}"
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || { echo "error: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The browser tests' node packages (tests/browser/node_modules, never committed), installed with
# `npm ci` from package-lock.json when missing or when the lockfile changed since the last install.
ensure_node_modules() {
  local dir="$root/tests/browser"
  local stamp="$dir/node_modules/.installed-from-lockfile" wanted
  wanted=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  [[ -f $stamp && $(<"$stamp") == "$wanted" ]] && return 0
  say "installing the browser tests' node packages (npm ci in tests/browser)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  printf '%s\n' "$wanted" >"$stamp"
}

# ccache, when the machine has it, keeps compiled objects between builds and between clones (paths are
# taken relative to the repository root); without it every build compiles everything.
use_ccache() {
  command -v ccache >/dev/null || return 0
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache
  export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
}

# build_preset NAME: configure and build one CMake preset. Configuring every time (a few seconds when
# nothing changed) applies the preset's cache variables to an existing build tree too, such as an
# option a preset turned on after that tree was made (SAMPLE_HOST_TEST_CLOCK).
build_preset() {
  local preset=$1
  say "building ($preset)"
  use_ccache
  cmake --preset "$preset" -S "$root" >/dev/null
  cmake --build --preset "$preset" --parallel "$(nproc)"
}
