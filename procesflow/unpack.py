"""Compressed inputs, read with bounds so that a zip or gzip bomb cannot fill the disk or memory.

Limits (documented in the README, section "Security"): decompressed data may be at most
`MAX_RATIO` times the compressed size (for outputs above 100 MB) and at most `MAX_BYTES` in total;
both can be raised with the environment variables PROCESFLOW_MAX_RATIO and PROCESFLOW_MAX_BYTES.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from .errors import InputError

MAX_RATIO = int(os.environ.get("PROCESFLOW_MAX_RATIO", "1000"))
MAX_BYTES = int(os.environ.get("PROCESFLOW_MAX_BYTES", str(50 * 1024**3)))
_RATIO_FLOOR = 100 * 1024**2


class BoundedReader(io.RawIOBase):
    """A read-only stream that raises InputError once more than `limit` bytes came out."""

    def __init__(self, inner: BinaryIO, limit: int, label: str) -> None:
        self.inner = inner
        self.limit = limit
        self.label = label
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            data = self.inner.read(len(buffer))
        except (EOFError, OSError, zlib.error, zipfile.BadZipFile) as exc:
            raise InputError(f"{self.label}: compressed data is damaged or truncated ({exc})") from None
        n = len(data)
        self.count += n
        if self.count > self.limit:
            raise InputError(
                f"{self.label}: decompresses to more than {self.limit:,} bytes (a zip/gzip bomb?); "
                "unpack it yourself or raise PROCESFLOW_MAX_RATIO / PROCESFLOW_MAX_BYTES"
            )
        buffer[:n] = data
        return n

    def close(self) -> None:
        self.inner.close()
        super().close()


def unpacked_limit(compressed_size: int) -> int:
    return min(MAX_BYTES, max(_RATIO_FLOOR, MAX_RATIO * max(compressed_size, 1)))


def open_maybe_gzip(path: Path) -> BinaryIO:
    """Open `path` for reading bytes; gzip files (by magic number) are decompressed, bounded."""
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        inner = gzip.open(path, "rb")  # noqa: SIM115  (closed by the returned reader)
        return io.BufferedReader(  # type: ignore[return-value]
            BoundedReader(inner, unpacked_limit(path.stat().st_size), str(path)), 1 << 20
        )
    return path.open("rb")


def unpack_single(path: Path, workdir: Path) -> Path:
    """For a `.zip` holding one log, extract it (bounded) into `workdir`; other files pass as is."""
    if not path.name.lower().endswith(".zip"):
        return path
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputError(f"{path}: not a valid zip file (damaged or truncated)") from None
    with archive:
        members = [
            m for m in archive.infolist()
            if not m.is_dir() and not m.filename.startswith("__MACOSX/")
        ]
        if len(members) != 1:
            names = ", ".join(m.filename for m in members[:5]) or "nothing"
            raise InputError(
                f"{path}: a zip must hold exactly one log file, it holds {len(members)} ({names}); "
                "extract the one you want and import that"
            )
        member = members[0]
        # the member's own name decides the format; never use its path (zip-slip)
        target = workdir / Path(member.filename).name
        limit = unpacked_limit(path.stat().st_size)
        with archive.open(member) as raw, target.open("wb") as out:
            shutil.copyfileobj(BoundedReader(raw, limit, str(path)), out, 1 << 20)
    return target
