#!/usr/bin/env bash
# One-time set-up on Debian or Ubuntu: the system packages vmapc's targets and tests use, then `npm ci`.
# Run it as root, with sudo (`sudo scripts/setup.sh`: npm then runs as you, so node_modules stays yours),
# or as yourself (apt-get goes through sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then as_root=(); else as_root=(sudo); fi

# The person the checkout belongs to: npm must not leave root-owned files in their node_modules.
run_npm() {
  if [ "$(id -u)" -eq 0 ] && [ -n "${SUDO_USER:-}" ] && [ "${SUDO_USER}" != root ]; then
    sudo -u "$SUDO_USER" -H env "PATH=$PATH" npm "$@"
  else
    npm "$@"
  fi
}

# The version apt would install of a package ('(none)' or nothing when it has none). apt-cache's output
# is read whole: piping it into `grep -q` under pipefail fails when grep closes the pipe early.
candidate() {
  local policy
  policy="$(apt-cache policy "$1" 2>/dev/null || true)"
  sed -n 's/^ *Candidate: //p' <<<"$policy"
}

if command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  echo "setup: installing system packages (apt-get)"
  "${as_root[@]}" apt-get update -qq
  # gcc, libc6-dev, libgomp1: the cpu target compiles its kernels with the system C compiler (OpenMP).
  # libegl1 libegl-mesa0 libgl1-mesa-dri libgles2: Mesa's CPU driver, on which Dawn runs WebGPU without a GPU.
  packages=(gcc libc6-dev libgomp1 libegl1 libegl-mesa0 libgl1-mesa-dri libgles2)
  # chromium: the browser test loads a package in headless Chromium (WebGPU on SwiftShader). Debian has it
  # as a package; Ubuntu only as a snap, which this script does not install.
  if [[ "$(candidate chromium)" =~ ^[0-9] ]]; then
    packages+=(chromium)
  else
    echo "setup: no 'chromium' apt package here; the browser test needs /usr/bin/chromium and fails without it" >&2
  fi
  # Node.js 20 or later, from apt when the distribution has it (Debian 13, Ubuntu 24.10 and later).
  if ! command -v node >/dev/null 2>&1 && [[ "$(candidate nodejs)" =~ ^(2[0-9]|[3-9][0-9])\. ]]; then
    packages+=(nodejs npm)
  fi
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
else
  echo "setup: no apt-get: install gcc, Mesa's EGL/GLES drivers and chromium with your package manager" >&2
fi

if ! command -v node >/dev/null 2>&1; then
  echo "setup: Node.js is not installed and apt has no Node 20 or later; install Node 20+ (https://nodejs.org, nvm or NodeSource), then run this again" >&2
  exit 1
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  echo "setup: Node.js $(node --version) is too old; vmapc needs Node 20 or later (https://nodejs.org, nvm or NodeSource)" >&2
  exit 1
fi

# --ignore-scripts: onnxruntime-node's install script downloads CUDA binaries (its CPU binaries ship in the
# package); every other dependency ships its binaries too (Dawn, koffi, esbuild), so no script is needed.
echo "setup: npm ci (node $(node --version))"
run_npm ci --ignore-scripts --no-audit --no-fund
echo "setup: done. Next: npm run demo, then npm test"
