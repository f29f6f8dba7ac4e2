"""The Spark session settings that need no JVM: local mode's memory default, Spark Connect URLs."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from procesflow.errors import InputError
from procesflow.spark.source import connect_address, local_driver_memory

REPO = Path(__file__).resolve().parents[1]


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


@pytest.mark.parametrize(("url", "expected"), [
    ("sc://localhost:15099", ("localhost", 15099)),
    ("sc://spark.example.nl", ("spark.example.nl", 15002)),  # Spark Connect's default port
    ("sc://dbc.example.net:443/;use_ssl=true;token=abc", ("dbc.example.net", 443)),
    ("sc://[::1]:15003/;user_id=me", ("::1", 15003)),
])
def test_connect_address_reads_host_and_port_of_a_spark_connect_url(url, expected):
    assert connect_address(url) == expected


@pytest.mark.parametrize(("url", "message"), [("sc://:15002", "give a host"), ("sc://host:x", "not a number")])
def test_connect_address_rejects_a_malformed_url_in_one_line(url, message):
    with pytest.raises(InputError, match=message):
        connect_address(url)


def test_cli_names_an_unreachable_spark_connect_server_at_once(cli_run, tmp_path):
    """Nothing listens on the port: one line naming the address and what to do, exit 2, no output
    folder — instead of the client's minutes of retries."""
    with socket.socket() as probe:  # a port that was free a moment ago, with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = cli_run("discover", REPO / "sample_logs" / "vergunningen.parquet", "--engine", "spark",
                     "--spark-master", f"sc://127.0.0.1:{port}", "--out", tmp_path / "out", with_db=False)
    assert result.exit_code == 2, result.output
    assert f"no Spark Connect server answers at 127.0.0.1:{port}" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
