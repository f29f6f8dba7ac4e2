"""Compressed inputs, read with bounds so that a zip or gzip bomb cannot fill the disk or memory.

Limits (documented in the README, section "Privacy and security", and docs/bad-inputs.md):
decompressed data may be at most `MAX_RATIO` times the compressed size (for outputs above 100 MB)
and at most `MAX_BYTES` in total; both can be changed with the environment variables
PROCESFLOW_MAX_RATIO and PROCESFLOW_MAX_BYTES (read at each import). Deflate cannot compress more
than about 1032:1, so the ratio must stay well below that to catch a bomb early; real event logs
compress 10-50:1. A compressed file inside a zip is bounded by the size of the outer zip, so
nesting does not multiply the limits.
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

MAX_RATIO = 200  # default of PROCESFLOW_MAX_RATIO
MAX_BYTES = 50 * 1024**3  # default of PROCESFLOW_MAX_BYTES
_RATIO_FLOOR = 100 * 1024**2
#: files extracted from a zip -> the size of that zip, so that their own decompression is bounded
#: by what the user actually gave (a .csv.gz inside a .zip)
_ORIGIN_SIZE: dict[str, int] = {}


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


def _env_limit(name: str, default: int) -> int:
    text = os.environ.get(name)
    if text is None or not text.strip():
        return default
    try:
        value = int(text.strip().replace("_", ""))
    except ValueError:
        value = 0
    if value < 1:
        raise InputError(f"{name}={text!r}: give a positive whole number (default {default})")
    return value


def limits() -> tuple[int, int]:
    """(ratio, total bytes) in force: the environment variables, else the defaults."""
    return _env_limit("PROCESFLOW_MAX_RATIO", MAX_RATIO), _env_limit("PROCESFLOW_MAX_BYTES", MAX_BYTES)


def unpacked_limit(compressed_size: int) -> int:
    ratio, total = limits()
    return min(total, max(_RATIO_FLOOR, ratio * max(compressed_size, 1)))


def _compressed_size(path: Path) -> int:
    return _ORIGIN_SIZE.get(str(path), path.stat().st_size)


def open_maybe_gzip(path: Path) -> BinaryIO:
    """Open `path` for reading bytes; gzip files (by magic number) are decompressed, bounded."""
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        inner = gzip.open(path, "rb")  # noqa: SIM115  (closed by the returned reader)
        return io.BufferedReader(  # type: ignore[return-value]
            BoundedReader(inner, unpacked_limit(_compressed_size(path)), str(path)), 1 << 20
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
        name = Path(member.filename.replace("\\", "/")).name
        if name.lower().endswith(".zip"):
            raise InputError(f"{path}: holds another zip ({name}); extract it and import the log inside")
        if not name or name in (".", ".."):
            raise InputError(f"{path}: the zip member has no usable file name ({member.filename!r})")
        target = workdir / name
        limit = unpacked_limit(path.stat().st_size)
        try:
            with archive.open(member) as raw, target.open("wb") as out:
                shutil.copyfileobj(BoundedReader(raw, limit, str(path)), out, 1 << 20)
        except (RuntimeError, NotImplementedError) as exc:  # encrypted member, unknown compression
            raise InputError(f"{path}: cannot extract {name} ({exc}); extract it yourself") from None
        _ORIGIN_SIZE[str(target)] = path.stat().st_size
    return target
