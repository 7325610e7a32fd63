"""Fixtures of the export tests: assets from export_assets.py and the Khronos glTF validator."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from export_assets import make_asset

REPO = Path(__file__).resolve().parents[2]
VALIDATOR = REPO / "tools" / "gltf-validator"


@pytest.fixture
def asset():
    return make_asset()


@pytest.fixture
def door_asset():
    return make_asset(parts=("door",))


@pytest.fixture(scope="session")
def gltf_validator():
    """A callable path -> Khronos validator report (dict). Installs tools/gltf-validator's npm
    package if needed; skips only when Node.js is missing."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed: the Khronos glTF validator (npm gltf-validator) needs it")
    if not (VALIDATOR / "node_modules" / "gltf-validator").is_dir():
        npm = shutil.which("npm")
        assert npm, "Node.js is installed but npm is not; cannot install the glTF validator"
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=VALIDATOR, check=True,
                       capture_output=True, timeout=300)

    def validate(path):
        proc = subprocess.run([node, str(VALIDATOR / "validate.js"), str(path)], capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode in (0, 1), f"validator failed to run: {proc.stderr}"
        return json.loads(proc.stdout)

    return validate
