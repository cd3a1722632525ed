"""Shared fixtures: one mirror server per test session, on loopback."""

from __future__ import annotations

import pytest

from mirror.server import MirrorServer


@pytest.fixture(scope="session")
def mirror_server():
    with MirrorServer() as server:
        yield server


@pytest.fixture
def mirror(mirror_server):
    """The session mirror with no faults or overrides left over from another test."""
    mirror_server.clear_faults()
    mirror_server.clear_overrides()
    yield mirror_server
    mirror_server.clear_faults()
    mirror_server.clear_overrides()
