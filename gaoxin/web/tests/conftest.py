"""Fixtures of the web tests: the shared org and grid layer, one user per role and place (the case tests'
``people``), a logged-in client per role, and small real images."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable

import pytest
from django.test import Client

from gaoxin.accounts.models import User
from gaoxin.cases.tests.conftest import People, people, report  # noqa: F401  (fixture re-export)
from gaoxin.enterprises.tests.conftest import make_enterprise, refdata, staff  # noqa: F401  (fixtures reused)
from gaoxin.web import suggest


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A valid PNG (so the magic-byte check has a real image to pass)."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def upload(name: str = "photo.png", data: bytes | None = None) -> io.BytesIO:
    f = io.BytesIO(png_bytes() if data is None else data)
    f.name = name
    return f


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture(autouse=True)
def _fresh_suggest_index():
    suggest.reset()
    yield
    suggest.reset()
