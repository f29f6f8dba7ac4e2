"""The local-mode Spark session's memory default (no JVM needed)."""

from __future__ import annotations

import os

import pytest

from procesflow.spark.source import local_driver_memory


@pytest.mark.parametrize(("gib", "expected"), [(24, "8g"), (4, "2g"), (128, "16g"), (9, "3g")])
def test_local_driver_memory_is_a_third_of_the_machine_within_2_to_16_gb(monkeypatch, gib, expected):
    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": gib * 2**30 // 4096}
    monkeypatch.setattr(os, "sysconf", lambda name: pages[name])
    assert local_driver_memory() == expected


def test_local_driver_memory_without_sysconf_keeps_the_former_default(monkeypatch):
    def unsupported(name):
        raise ValueError(name)

    monkeypatch.setattr(os, "sysconf", unsupported)
    assert local_driver_memory() == "4g"
