"""The event keys a merge gives are random version-4 UUIDs, written as str(uuid.uuid4()) writes them."""

from __future__ import annotations

import os
import uuid

from reports import merge as merge_module
from reports.merge import _random_uuids


def test_keys_are_distinct_version_4_uuids_in_the_usual_form():
    keys = _random_uuids(500)
    assert len(set(keys)) == 500
    for key in keys:
        parsed = uuid.UUID(key)
        assert str(parsed) == key and parsed.version == 4 and parsed.variant == uuid.RFC_4122
    assert _random_uuids(0) == []


def test_keys_are_what_uuid_makes_of_the_same_random_bytes(monkeypatch):
    for seed in (b"\x00" * 48, b"\xff" * 48, bytes(range(48)), os.urandom(48)):
        monkeypatch.setattr(merge_module.os, "urandom", lambda n, seed=seed: seed[:n])
        assert _random_uuids(3) == [str(uuid.UUID(bytes=seed[i:i + 16], version=4)) for i in (0, 16, 32)]
