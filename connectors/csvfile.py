"""CSV and TXT exports: delimiter, encoding, quote and null tokens sniffed; DuckDB reads the rows.

Case-system exports are often `;`-separated Windows-1252 with Dutch null tokens (`n.v.t.`).
We sniff the encoding over the whole file (streamed; a file that is not valid UTF-8 is read as
Windows-1252, or Latin-1 when it has bytes Windows-1252 does not define; a file that mixes UTF-8
and Windows-1252 text — exports glued together from two systems — is read as UTF-8 where the bytes
are valid UTF-8 and as Windows-1252 elsewhere, with a note). DuckDB reads UTF-8 as it is, and a
Windows-1252 file as Latin-1 when it lacks the bytes 0x80-0x9F (where the two differ, the usual case
for Dutch text: ë, é, ï); other files get a temporary UTF-8 copy. The delimiter and quote come from
the first 64 KiB.
DuckDB's `read_csv` then loads the rows as text (`all_varchar`), and lines it cannot split into
the header's columns are kept as rejects with their line and DuckDB's reason.
"""

from __future__ import annotations

import codecs
import csv
import io
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb

from procesflow.errors import InputError
from procesflow.sqlfiles import quote_literal
from procesflow.unpack import open_maybe_gzip

from .base import STAGE_REJECTS, STAGING, ConnectorOptions, Staged, check_column_count

# Values that mean "no value" in exports; a field equal to one of these becomes NULL.
NULL_TOKENS = (
    "NULL", "null", "Null", "None", "NaN", "nan", "NA", "N/A", "n/a", "#N/A", "N.A.",
    "n.v.t.", "N.v.t.", "n.v.t", "nvt", "NVT", "onbekend", "Onbekend",
)
DELIMITERS = (";", ",", "\t", "|")
#: detected when a file holds both valid multi-byte UTF-8 and bytes that are not UTF-8
MIXED = "utf-8+cp1252"


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Decoding error handler for MIXED: the bytes that are not UTF-8 are Windows-1252 (Latin-1
    for the five bytes Windows-1252 leaves undefined)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start:error.end]
    text = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in bad)
    return text, error.end


codecs.register_error("procesflow-cp1252", _cp1252_fallback)
SNIFF_BYTES = 64 * 1024


class CsvConnector:
    name = "csv"
    suffixes = (".csv", ".txt", ".tsv", ".csv.gz")

    def stage(
        self, con: duckdb.DuckDBPyConnection, source: Path, options: ConnectorOptions
    ) -> Staged:
        workdir = options.extra.get("workdir")
        facts = scan_bytes(source)
        encoding = options.encoding or facts.encoding
        if options.encoding:
            _check_decodes(source, options.encoding)
        reader_encoding = duckdb_encoding(encoding, facts, source)
        if reader_encoding:  # DuckDB reads the file as it is: no transcoded copy
            readable, mixed_newlines = source, facts.mixed_newlines
        else:
            readable, reader_encoding = _as_utf8(source, encoding, workdir), "utf-8"
            mixed_newlines = _mixed_newlines(readable)
        if mixed_newlines:  # DuckDB's CSV reader stops on a file with both (e.g. glued exports)
            readable, reader_encoding = _normalise_newlines(readable, workdir, reader_encoding), "utf-8"
        text_encoding = "latin-1" if reader_encoding == "latin-1" else "utf-8"
        sample = _read_head(readable, text_encoding)
        if not sample.strip():
            raise InputError(f"{source}: the file is empty")
        if "\x00" in sample:
            raise InputError(
                f"{source}: binary data, not a text export; export the log as CSV or give --format"
            )
        delimiter = options.delimiter or sniff_delimiter(sample, source)
        if delimiter == "\\t":
            delimiter = "\t"
        quote = options.quote or '"'
        nulls = list(options.null_tokens) if options.null_tokens is not None else list(NULL_TOKENS)
        seen_nulls = _null_tokens_seen(sample, delimiter, quote, nulls)

        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE pf_csv AS
            SELECT * FROM read_csv({quote_literal(str(readable))},
                delim = {quote_literal(delimiter)}, quote = {quote_literal(quote)},
                escape = {quote_literal(quote)}, header = true, all_varchar = true,
                encoding = {quote_literal(reader_encoding)},
                auto_detect = false, columns = {_columns_literal(readable, delimiter, quote, text_encoding)},
                nullstr = [{", ".join(quote_literal(n) for n in ["", *nulls])}],
                store_rejects = true, rejects_table = 'pf_csv_errors',
                rejects_scan = 'pf_csv_scans', max_line_size = 10000000)
            """
        )
        bad = con.execute("SELECT count(DISTINCT line) FROM pf_csv_errors").fetchone()[0]
        con.execute(
            f"""
            INSERT INTO {STAGE_REJECTS}
            SELECT line, coalesce(any_value(csv_line), ''),
                   'malformed CSV line: ' || lower(string_agg(DISTINCT error_type, ', '))
            FROM pf_csv_errors GROUP BY line
            """
        )
        # source_row = line as DuckDB counts records (header = 1); rows after a malformed line
        # shift by the number of malformed lines before them. Rows keep file order in pf_csv;
        # rowids of a table made inside a transaction start at a large offset, hence `first`.
        first = con.execute("SELECT coalesce(min(rowid), 0) FROM pf_csv").fetchone()[0]
        if bad:
            con.execute(
                """
                CREATE OR REPLACE TEMP TABLE pf_csv_bad AS
                SELECT line - 1 AS data_idx, row_number() OVER (ORDER BY line) AS k
                FROM (SELECT DISTINCT line FROM pf_csv_errors)
                """
            )
            row_expr = (
                f"rowid - {first} + 2 + (SELECT count(*) FROM pf_csv_bad b "
                f"WHERE b.data_idx - b.k < c.rowid - {first} + 1)"
            )
        else:
            row_expr = f"rowid - {first} + 2"
        con.execute(f"CREATE OR REPLACE TEMP VIEW {STAGING} AS SELECT *, {row_expr} AS __row FROM pf_csv c")
        columns = [r[0] for r in con.execute("DESCRIBE pf_csv").fetchall()]
        staged_rows = con.execute("SELECT count(*) FROM pf_csv").fetchone()[0]
        notes = []
        if mixed_newlines:
            notes.append("the file mixes Windows (CRLF) and Unix (LF) line endings; they were read as one kind")
        if encoding == MIXED:
            notes.append(
                "the file mixes UTF-8 and Windows-1252 text (glued exports?); each part was read in "
                "its own encoding — check accented names, or give --encoding"
            )
        detected = {
            "encoding": encoding,
            "delimiter": delimiter,
            "quote": quote,
            "null_tokens_seen": seen_nulls,
        }
        return Staged(
            connector=self.name,
            rows_read=staged_rows + bad,
            columns=columns,
            detected=detected,
            notes=notes,
            tables=("pf_csv", "pf_csv_bad"),
        )


@dataclass(frozen=True)
class ByteFacts:
    """What one pass over a text file's bytes tells (`scan_bytes`)."""

    encoding: str  # utf-8, utf-8-sig, utf-16, MIXED, cp1252 or latin-1 (as `detect_encoding` decides)
    c1_bytes: bool  # bytes 0x80-0x9F: where Windows-1252 and Latin-1 differ
    mixed_newlines: bool  # both CRLF and bare LF line breaks
    gzip: bool


#: the bytes where Windows-1252 and Latin-1 disagree (0x80-0x9F); the others read the same in both
_NOT_C1 = bytes(b for b in range(256) if not 0x80 <= b <= 0x9F)
_CP1252_UNDEFINED = set(b"\x81\x8d\x8f\x90\x9d")


def scan_bytes(path: Path) -> ByteFacts:
    """The encoding (utf-8 / utf-8-sig / utf-16 by BOM and a full UTF-8 check; a file that is not
    UTF-8 is MIXED when it also holds valid multi-byte UTF-8, else Windows-1252, or Latin-1 when it has
    bytes Windows-1252 does not define), whether it has the bytes where Windows-1252 and Latin-1
    differ, and whether it mixes line endings — in one streamed pass at C speed."""
    with open_maybe_gzip(path) as fh:
        head = fh.read(4)
    with path.open("rb") as raw:
        gz = raw.read(2) == b"\x1f\x8b"
    if head.startswith(codecs.BOM_UTF8):
        bom = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ByteFacts("utf-16", False, False, gz)
    else:
        bom = None
    strict = codecs.getincrementaldecoder("utf-8")()
    lenient = codecs.getincrementaldecoder("utf-8")("ignore")
    utf8, multibyte, c1 = True, False, set()
    crlf = lf = 0
    previous_cr = False
    with open_maybe_gzip(path) as fh:
        for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
            if utf8:
                try:
                    strict.decode(block)
                    multibyte = multibyte or not block.isascii()
                except UnicodeDecodeError:
                    utf8 = False
            if not utf8 and not multibyte:  # valid multi-byte sequences among bytes that are not UTF-8?
                multibyte = not lenient.decode(block).isascii()
            c1.update(block.translate(None, _NOT_C1))
            pairs, newlines = _line_ends(block, previous_cr)
            crlf += pairs
            lf += newlines - pairs
            previous_cr = block.endswith(b"\r")
    if utf8:
        try:
            strict.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    if utf8:
        encoding = bom or "utf-8"
    elif multibyte:
        encoding = MIXED
    else:
        encoding = "latin-1" if c1 & _CP1252_UNDEFINED else "cp1252"
    return ByteFacts(encoding, bool(c1), bool(crlf and lf), gz)


def _line_ends(block: bytes, previous_cr: bool) -> tuple[int, int]:
    """(CRLF pairs, LF bytes) in `block`; `previous_cr`: the block before it ended with a CR.
    With numpy: the LF positions, then the byte before each — a third of the time of
    bytes.count(b"\\r\\n") (a two-byte search) on a 1.3 GB export."""
    import numpy as np  # noqa: PLC0415 - only the CSV byte scan needs it

    data = np.frombuffer(block, dtype=np.uint8)
    lf = np.flatnonzero(data == 0x0A)
    if not len(lf):
        return 0, 0
    after_previous_cr = bool(previous_cr and lf[0] == 0)
    inner = lf[1:] if lf[0] == 0 else lf
    return int(np.count_nonzero(data[inner - 1] == 0x0D)) + after_previous_cr, len(lf)


def detect_encoding(path: Path) -> str:
    """utf-8 / utf-8-sig / utf-16 by BOM and a full streamed UTF-8 check, else cp1252 or latin-1."""
    return scan_bytes(path).encoding


def duckdb_encoding(encoding: str, facts: ByteFacts, path: Path) -> str | None:
    """The encoding DuckDB's CSV reader can read `path` in directly (utf-8, or latin-1 for a
    Windows-1252 file without the bytes where the two differ), or None when it needs a UTF-8 copy."""
    if facts.gzip:
        return None
    name = encoding.replace("_", "-").lower()
    if name in ("utf-8", "utf8"):
        return "utf-8"
    if name in ("cp1252", "windows-1252", "latin-1", "latin1", "iso-8859-1") and not facts.c1_bytes:
        return "latin-1"
    return None


def _check_decodes(path: Path, encoding: str) -> None:
    """A given --encoding must fit the whole file (else DuckDB or the header reader fails later)."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
    except LookupError:
        raise InputError(f"unknown --encoding {encoding!r}; use e.g. utf-8, cp1252, latin-1") from None
    offset = 0
    with open_maybe_gzip(path) as fh:
        try:
            for block in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(block)
                offset += len(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}: not valid {encoding} at byte {offset + max(exc.start, 0):,}; give the right "
                "--encoding (e.g. cp1252) or leave it out to have it detected"
            ) from None


def _as_utf8(path: Path, encoding: str, workdir: Path | None) -> Path:
    """`path` itself when DuckDB can read it as is, else a UTF-8 copy in `workdir`."""
    gz = path.name.lower().endswith(".gz")
    if encoding.replace("_", "-").lower() in ("utf-8", "utf8") and not gz:
        return path
    if workdir is None:
        raise InputError(f"{path}: internal: no work folder for transcoding")
    target = Path(workdir) / "transcoded.csv"
    errors = "strict"
    if encoding == MIXED:
        encoding, errors = "utf-8", "procesflow-cp1252"
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown --encoding {encoding!r}; use e.g. utf-8, cp1252, latin-1") from None
    with open_maybe_gzip(path) as raw, target.open("w", encoding="utf-8", newline="") as out:
        reader = io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline="")
        try:
            if encoding.lower() in ("utf-8", "utf8") and gz:
                shutil.copyfileobj(reader, out, 1 << 20)
            else:
                for block in iter(lambda: reader.read(1 << 20), ""):
                    out.write(block.lstrip("\ufeff") if out.tell() == 0 else block)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}: not valid {encoding} at byte {exc.start}; give the right --encoding"
            ) from None
    return target


def _mixed_newlines(path: Path) -> bool:
    """Whether the (UTF-8) file has both CRLF and bare LF line breaks (one streamed pass)."""
    crlf = lf = 0
    previous_cr = False
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            pairs, newlines = _line_ends(block, previous_cr)
            crlf += pairs
            lf += newlines - pairs
            if crlf and lf:
                return True
            previous_cr = block.endswith(b"\r")
    return False


def _normalise_newlines(path: Path, workdir: Path | None, encoding: str = "utf-8") -> Path:
    """A UTF-8 copy of `path` (text in `encoding`) with every line break as LF (quoted values keep
    their breaks)."""
    if workdir is None:
        raise InputError(f"{path}: internal: no work folder for normalising line endings")
    target = Path(workdir) / "newlines.csv"
    with path.open(encoding=encoding, errors="surrogateescape", newline=None) as src, \
            target.open("w", encoding="utf-8", errors="surrogateescape", newline="\n") as out:
        shutil.copyfileobj(src, out, 1 << 20)
    if path.parent == Path(workdir):
        path.unlink()  # a transcoded copy: not needed twice
    return target


def _read_head(path: Path, encoding: str = "utf-8") -> str:
    with path.open("rb") as fh:
        data = fh.read(SNIFF_BYTES)
    text = data.decode(encoding, errors="replace")
    return text.lstrip("\ufeff")


def sniff_delimiter(sample: str, source: Path) -> str:
    """The delimiter that splits the sampled lines into the most, consistently many fields."""
    lines = sample.splitlines()
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last sampled line may be cut off
    best: tuple[float, int, str] | None = None
    for delim in DELIMITERS:
        counts = [len(row) for row in csv.reader(io.StringIO("\n".join(lines[:200])), delimiter=delim)]
        counts = [c for c in counts if c > 0]
        if not counts:
            continue
        width, freq = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        score = (freq / len(counts), width, delim)
        if best is None or score[:2] > best[:2]:
            best = score
    if best is None:
        raise InputError(
            f"{source}: cannot find the delimiter (tried ; , tab |) — is this a CSV export? "
            "give --delimiter"
        )
    return best[2]


def _columns_literal(path: Path, delimiter: str, quote: str, encoding: str = "utf-8") -> str:
    """The header as a DuckDB `columns` struct (all VARCHAR), names made unique like DuckDB does."""
    with path.open(encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as fh:
        try:
            header = next(csv.reader(fh, delimiter=delimiter, quotechar=quote))
        except StopIteration:
            header = []
        except csv.Error as exc:
            raise InputError(f"{path}: cannot read the header line ({exc})") from None
    if not header:
        raise InputError(f"{path}: the file is empty")
    check_column_count(path, len(header))  # before DuckDB reads the rows
    names: list[str] = []
    seen: Counter[str] = Counter()
    for i, raw in enumerate(header):
        name = raw.strip() or f"column{i}"
        seen[name] += 1
        if seen[name] > 1:
            name = f"{name}_{seen[name] - 1}"
        names.append(name)
    return "{" + ", ".join(f"{quote_literal(n)}: 'VARCHAR'" for n in names) + "}"


def _null_tokens_seen(sample: str, delimiter: str, quote: str, tokens: list[str]) -> list[str]:
    wanted = set(tokens)
    seen: Counter[str] = Counter()
    try:
        for i, row in enumerate(csv.reader(io.StringIO(sample), delimiter=delimiter, quotechar=quote)):
            if i == 0:
                continue
            seen.update(v for v in row if v in wanted)
    except csv.Error:
        pass
    return [token for token, _ in seen.most_common()]


CONNECTOR = CsvConnector()
