#!/usr/bin/env bash
# Sets up everything DragMesh needs on a fresh Debian machine: system packages (when run as root),
# the .venv with the pinned CPU build of torch, and the Node tools the tests use.
set -euo pipefail
cd "$(dirname "$0")/.."

# libusb: open3d imports it. EGL/Mesa: offscreen rendering. xvfb/xdotool/imagemagick: viewer tests.
SYSTEM_PACKAGES=(libusb-1.0-0 libegl1 libegl-mesa0 libgl1-mesa-dri libglu1-mesa xvfb xdotool imagemagick)
missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "setup: installing system packages: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "setup: missing system packages (install them as root): ${missing[*]}" >&2
    fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv"
    "$PYTHON" -m venv .venv
fi
# torch==2.13.0 is pinned in pyproject.toml: the CPU build that lies on this machine's disk.
.venv/bin/python -m pip install -q --upgrade pip
# [sim]: mujoco and usd-core, for the MJCF and USD exports (their tests run in `make test`).
.venv/bin/python -m pip install -q -e '.[test,sim]'

if command -v npm >/dev/null 2>&1 && [ -f tools/gltf-validator/package.json ]; then
    (cd tools/gltf-validator && npm install --silent --no-audit --no-fund >/dev/null)
fi
echo "setup: done"
