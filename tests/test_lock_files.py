"""The lock files agree with pyproject.toml and with what is installed.

The project itself is installed without dependencies (``pip install --no-deps -e .``), so a
dependency added to pyproject.toml without ``make lock`` would only show when its import
failed: here it fails at once, naming the package and the command to run.
"""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def locked(name: str) -> dict[str, str]:
    """The lock file's pins, by canonical name; every pin must carry its hashes."""
    pins: dict[str, str] = {}
    current: str | None = None
    hashed: set[str] = set()
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match[1])
            pins[current] = match[2]
        elif current and line.strip().startswith("--hash=sha256:"):
            hashed.add(current)
        elif line.strip() and not line.startswith((" ", "#")):
            raise AssertionError(f"{name}: a line that is not an exact pin: {line!r}")
    assert set(pins) == hashed, f"{name}: pins without a hash: {sorted(set(pins) - hashed)}"
    return pins


RUNTIME = locked("requirements.lock")
TEST = locked("requirements-test.lock")


def _unmet(requirements: list[str], pins: dict[str, str]) -> list[str]:
    unmet = []
    for text in requirements:
        requirement = Requirement(text)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None or not requirement.specifier.contains(pinned, prereleases=True):
            unmet.append(f"{text} (locked: {pinned or 'nothing'})")
    return unmet


def test_the_runtime_lock_covers_pyproject_s_dependencies_and_install_tools() -> None:
    wanted = PYPROJECT["project"]["dependencies"] + PYPROJECT["dependency-groups"]["install"]
    wanted += PYPROJECT["build-system"]["requires"]
    unmet = _unmet(wanted, RUNTIME)
    assert unmet == [], f"requirements.lock does not satisfy {unmet}: run `make lock`"


def test_the_test_lock_adds_the_test_tools_and_keeps_the_runtime_versions() -> None:
    unmet = _unmet(PYPROJECT["project"]["optional-dependencies"]["test"], TEST)
    assert unmet == [], f"requirements-test.lock does not satisfy {unmet}: run `make lock`"
    differ = {
        name: (pinned, TEST.get(name))
        for name, pinned in RUNTIME.items()
        if TEST.get(name) != pinned
    }
    assert differ == {}, f"the test lock differs from the runtime lock: {differ}; `make lock`"


def test_what_is_installed_is_what_the_test_lock_pins() -> None:
    installed: dict[str, str | None] = {}
    for name in TEST:
        try:
            installed[name] = version(name)
        except PackageNotFoundError:
            installed[name] = None
    differ = {
        name: f"locked {pinned}, installed {installed[name]}"
        for name, pinned in TEST.items()
        if installed[name] != pinned
    }
    assert differ == {}, f"the environment is not the lock's: {differ}; run `make test`"
