"""Real storage faults for tests (run as root): a read-only bind mount and a small tmpfs to fill."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "skill"]


def _mount(*args: str) -> None:
    result = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.fail(f"mount {' '.join(args)} failed (these tests need root): {result.stderr}")


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


@contextmanager
def read_only_view(source: Path, where: Path) -> Iterator[Path]:
    """`source` bind-mounted read-only at `where`: writes fail with EROFS, even for root."""
    where.mkdir(parents=True, exist_ok=True)
    _mount("--bind", str(source), str(where))
    try:
        _mount("-o", "remount,bind,ro", str(where))
        yield where
    finally:
        _umount(where)


@contextmanager
def small_disk(where: Path, size: str = "2m") -> Iterator[Path]:
    """A private tmpfs of `size` at `where`, to be filled with fill_up()."""
    where.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where))
    try:
        yield where
    finally:
        _umount(where)


def fill_up(disk: Path) -> Path:
    """Write a filler file until the file system is full; delete it to free the space."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        chunk = b"\0" * 4096
        while True:
            os.write(fd, chunk)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def cli_env(home: Path) -> dict[str, str]:
    """The environment for a `cramp-coach` subprocess on data directory `home`."""
    env = dict(os.environ, CRAMP_COACH_HOME=str(home), PYTHONUNBUFFERED="1")
    env.pop("PULSE_SERVER", None)  # text speech: these tests are about files, not sound
    return env
