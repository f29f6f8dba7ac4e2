"""Write the bad-input corpus: every hostile, broken or odd file procesflow must survive.

    python tests/corpus/make_corpus.py OUT_FOLDER          # write every corpus file into OUT_FOLDER
    python tests/corpus/make_corpus.py --docs              # refresh the table in docs/bad-inputs.md

Nothing here is a committed binary: every file is generated, deterministically, by the functions
below (the large ones — a 100 MB line, the decompression bombs — in a second or two). What each
file must do is in `expectations.py`; `tests/test_corpus.py` runs them all through the CLI.
The hostile XML texts are the ones `tests/test_xes.py` already uses, imported from there.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script
    sys.path.insert(0, str(REPO))

from tests.test_xes import EXTERNAL_DTD, LAUGHS, NS, PARAMETER_ENTITY, STANDARD, XXE_FILE  # noqa: E402

#: a line written in every file that must never be read (XXE target)
SECRET = "TOP-SECRET-corpus-7c1e"
BIG = 100 * 1024 * 1024  # "a 100 MB single line"

GOOD = (
    "case;activity;timestamp;resource\n"
    "Z-1;Aanvraag ontvangen;2024-01-08 09:00;Anouk\n"
    "Z-1;Beoordelen;2024-01-09 10:00;Jan\n"
    "Z-1;Besluit;2024-01-10 11:00;Jan\n"
    "Z-2;Aanvraag ontvangen;2024-01-08 12:00;Anouk\n"
)

Generator = Callable[[Path], Path]
GENERATORS: dict[str, Generator] = {}


def corpus_file(name: str) -> Callable[[Generator], Generator]:
    """Register a generator that writes the corpus file `name` into a folder and returns its path."""

    def register(fn: Generator) -> Generator:
        GENERATORS[name] = fn
        return fn

    return register


def _bytes(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def _text(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    return _bytes(folder, name, text.encode(encoding))


def _zip(folder: Path, name: str, members: dict[str, bytes]) -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            zf.writestr(member, data)
    return path


def _gzip_stream(data_row: bytes, header: bytes, size: int, level: int = 9) -> bytes:
    """gzip of header + data_row repeated up to `size` bytes, compressed in chunks (flat memory)."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=level, mtime=0) as gz:
        gz.write(header)
        chunk = data_row * ((1 << 20) // len(data_row))
        written = len(header)
        while written < size:
            gz.write(chunk)
            written += len(chunk)
    return out.getvalue()


# -- CSV: empty, garbage, delimiters, encodings, sizes ---------------------------------------------
@corpus_file("empty.csv")
def _empty(folder: Path) -> Path:
    return _bytes(folder, "empty.csv", b"")


@corpus_file("header_only.csv")
def _header_only(folder: Path) -> Path:
    return _text(folder, "header_only.csv", "case;activity;timestamp\n")


@corpus_file("binary_garbage.csv")
def _binary(folder: Path) -> Path:
    return _bytes(folder, "binary_garbage.csv", random.Random(7).randbytes(8192) + b"\x00")


@corpus_file("no_delimiter.csv")
def _no_delimiter(folder: Path) -> Path:
    return _text(folder, "no_delimiter.csv", "case activity timestamp\nZ-1 A 2024-01-08\nZ-1 B 2024-01-09\n")


@corpus_file("wrong_delimiter_flag.csv")
def _wrong_delimiter(folder: Path) -> Path:
    return _text(folder, "wrong_delimiter_flag.csv", GOOD)


@corpus_file("mixed_encodings.csv")
def _mixed(folder: Path) -> Path:
    data = ("case;activity;timestamp\nZ-1;Aanvraag geëxporteerd;2024-01-08 09:00\n".encode()
            + "Z-1;Beoordeling afgerond;2024-01-09 09:00\nZ-1;Besluit één;2024-01-10 09:00\n".encode("cp1252"))
    return _bytes(folder, "mixed_encodings.csv", data)


@corpus_file("wrong_encoding_flag.csv")
def _wrong_encoding(folder: Path) -> Path:
    return _text(folder, "wrong_encoding_flag.csv", "case;activity;timestamp\nZ-1;Geëxporteerd;2024-01-08 09:00\n",
                 "cp1252")


@corpus_file("mixed_line_endings.csv")
def _mixed_newlines(folder: Path) -> Path:
    return _bytes(folder, "mixed_line_endings.csv", GOOD.replace("\n", "\r\n").encode()
                  + b'Z-2;"Besluit\nverzonden";2024-01-09 12:00;Jan\nZ-3;Aanvraag ontvangen;2024-01-10 09:00;Anouk\r\n')


@corpus_file("utf16_tab.csv")
def _utf16(folder: Path) -> Path:
    return _text(folder, "utf16_tab.csv", GOOD.replace(";", "\t"), "utf-16")


@corpus_file("long_line.csv")
def _long_line(folder: Path) -> Path:
    path = folder / "long_line.csv"
    with path.open("wb") as fh:
        fh.write(GOOD.encode())
        fh.write(b"Z-3;Aanvraag ontvangen;2024-01-11 09:00;")
        block = b"x" * (1 << 20)
        for _ in range(BIG // len(block)):
            fh.write(block)
        fh.write(b"\nZ-3;Besluit;2024-01-12 09:00;Jan\n")
    return path


@corpus_file("one_line_100mb.csv")
def _one_line(folder: Path) -> Path:
    path = folder / "one_line_100mb.csv"
    with path.open("wb") as fh:
        fh.write(b"case;activity;timestamp;")
        block = b"y" * (1 << 20)
        for _ in range(BIG // len(block)):
            fh.write(block)
    return path


@corpus_file("ten_thousand_columns.csv")
def _wide(folder: Path) -> Path:
    names = ["case", "activity", "timestamp"] + [f"kolom_{i}" for i in range(9997)]
    row = ["Z-1", "Aanvraag ontvangen", "2024-01-08 09:00"] + ["x"] * 9997
    return _text(folder, "ten_thousand_columns.csv", ";".join(names) + "\n" + ";".join(row) + "\n")


@corpus_file("ragged_rows.csv")
def _ragged(folder: Path) -> Path:
    return _text(folder, "ragged_rows.csv", GOOD + "Z-2;Besluit;2024-01-09 12:00;Jan;surplus\nZ-2;Beoordelen\n")


@corpus_file("unclosed_quote.csv")
def _unclosed(folder: Path) -> Path:
    return _text(folder, "unclosed_quote.csv",
                 GOOD + 'Z-3;"Aanvraag ontvangen;2024-01-11 09:00;Anouk\nZ-3;Besluit;2024-01-12 09:00;Jan\n')


@corpus_file("nul_bytes.csv")
def _nul(folder: Path) -> Path:
    filler = "".join(f"Z-{i};Aanvraag ontvangen;2024-01-08 09:00;Anouk\n" for i in range(10, 1700))
    return _text(folder, "nul_bytes.csv", GOOD + filler + "Z-4;Beoor\x00delen;2024-01-09 09:00;Jan\n")


@corpus_file("control_chars.csv")
def _control(folder: Path) -> Path:
    return _text(folder, "control_chars.csv",
                 'case;activity;timestamp\nZ-1;"Aan\x01vraag\x1b[31m";2024-01-08 09:00\nZ-1;"Be<s>luit & \\";'
                 "2024-01-09 09:00\nZ-2;\"Aan\x01vraag\x1b[31m\";2024-01-08 10:00\nZ-2;\"Be<s>luit & \\\";"
                 "2024-01-10 09:00\n")


@corpus_file("bad_rows.csv")
def _bad_rows(folder: Path) -> Path:
    return _text(folder, "bad_rows.csv", GOOD + (
        ";Beoordelen;2024-01-09 09:00;Jan\n"
        "Z-2;;2024-01-09 09:00;Jan\n"
        "Z-2;Beoordelen;;Jan\n"
        "Z-2;Beoordelen;31-02-2024 10:00;Jan\n"
        "Z-2;Beoordelen;gisteren;Jan\n"
    ))


@corpus_file("timestamps_1900_2100.csv")
def _years(folder: Path) -> Path:
    return _text(folder, "timestamps_1900_2100.csv", (
        "case;activity;timestamp\n"
        "Z-1;Aanvraag ontvangen;1900-01-01 09:00\nZ-1;Besluit;1900-03-01 09:00\n"
        "Z-2;Aanvraag ontvangen;2024-01-08 09:00\nZ-2;Besluit;2100-12-31 23:59\n"
        "Z-3;Aanvraag ontvangen;2099-06-01 09:00\nZ-3;Besluit;2100-01-01 09:00\n"
    ))


@corpus_file("placeholder_dates.csv")
def _placeholders(folder: Path) -> Path:
    return _text(folder, "placeholder_dates.csv", GOOD + (
        "Z-2;Besluit;9999-12-31 00:00;Jan\n"
        "Z-2;Beoordelen;0001-01-01 00:00;Jan\n"
    ))


@corpus_file("dst_nonexistent.csv")
def _dst_gap(folder: Path) -> Path:
    return _text(folder, "dst_nonexistent.csv", (
        "case;activity;timestamp\n"
        "Z-1;Aanvraag ontvangen;2024-03-31 01:30\nZ-1;Beoordelen;2024-03-31 02:30\n"
        "Z-1;Besluit;2024-03-31 03:30\nZ-2;Aanvraag ontvangen;2024-03-31 02:00\n"
    ))


@corpus_file("dst_ambiguous.csv")
def _dst_overlap(folder: Path) -> Path:
    return _text(folder, "dst_ambiguous.csv", (
        "case;activity;timestamp\n"
        "Z-1;Aanvraag ontvangen;2024-10-27 01:30\nZ-1;Beoordelen;2024-10-27 02:30\n"
        "Z-1;Besluit;2024-10-27 03:30\nZ-2;Aanvraag ontvangen;2024-10-27 02:00\n"
    ))


@corpus_file("duplicates.csv")
def _duplicates(folder: Path) -> Path:
    dup = "Z-1;Beoordelen;2024-01-09 10:00;Jan\n"
    return _text(folder, "duplicates.csv", GOOD + dup + dup)


@corpus_file("out_of_order.csv")
def _out_of_order(folder: Path) -> Path:
    return _text(folder, "out_of_order.csv", (
        "case;activity;timestamp\n"
        "Z-1;Besluit;2024-01-10 11:00\nZ-2;Aanvraag ontvangen;2024-01-08 12:00\n"
        "Z-1;Aanvraag ontvangen;2024-01-08 09:00\nZ-1;Beoordelen;2024-01-09 10:00\n"
    ))


@corpus_file("hostile_column_names.csv")
def _hostile_columns(folder: Path) -> Path:
    header = ('case;activity;timestamp;"quo""te";"semi;colon";"x\'); DROP TABLE events; --";'
              '"""; DELETE FROM imports; --";"{{attrs}}"')
    rows = "Z-1;Aanvraag ontvangen;2024-01-08 09:00;a;b;c;d;e\nZ-1;Besluit;2024-01-09 09:00;a;b;c;d;e\n"
    return _text(folder, "hostile_column_names.csv", header + "\n" + rows)


@corpus_file("hostile_roles.csv")
def _hostile_roles(folder: Path) -> Path:
    header = '"zaak""id";"act; DROP TABLE events; --";"tijd\' OR \'1\'=\'1"'
    return _text(folder, "hostile_roles.csv", header + "\nZ-1;Aanvraag ontvangen;2024-01-08 09:00\n"
                 "Z-1;Besluit;2024-01-09 09:00\n")


@corpus_file("placeholder_injection.csv")
def _placeholder(folder: Path) -> Path:
    header = 'case;activity;timestamp;"{{start_name}}";"s""); DROP TABLE events; --"'
    return _text(folder, "placeholder_injection.csv", header + "\nZ-1;Aanvraag ontvangen;2024-01-08 09:00;x;"
                 "2024-01-08 08:00\nZ-1;Besluit;2024-01-09 09:00;y;2024-01-09 08:30\n")


@corpus_file("no_case_column.csv")
def _no_case(folder: Path) -> Path:
    return _text(folder, "no_case_column.csv", "a;b;c\n1;2;3\n")


@corpus_file("unknown_extension.dat")
def _unknown_ext(folder: Path) -> Path:
    return _text(folder, "unknown_extension.dat", GOOD)


@corpus_file("a_folder.csv")
def _folder(folder: Path) -> Path:
    path = folder / "a_folder.csv"
    path.mkdir(exist_ok=True)
    return path


# -- mapping files ---------------------------------------------------------------------------------
@corpus_file("mapping_missing_column.toml")
def _mapping_missing(folder: Path) -> Path:
    _text(folder, "mapping_target.csv", GOOD)
    return _text(folder, "mapping_missing_column.toml",
                 '[roles]\ncase = "Zaaknummer"\nactivity = "activity"\ntimestamp = "timestamp"\n')


@corpus_file("mapping_syntax_error.toml")
def _mapping_syntax(folder: Path) -> Path:
    _text(folder, "mapping_target.csv", GOOD)
    return _text(folder, "mapping_syntax_error.toml", '[roles\ncase = "case"\n')


@corpus_file("mapping_unknown_key.toml")
def _mapping_unknown(folder: Path) -> Path:
    _text(folder, "mapping_target.csv", GOOD)
    return _text(folder, "mapping_unknown_key.toml", '[roles]\ncase = "case"\nsql = "DROP TABLE events"\n')


# -- compressed: truncated, bombs, archives ------------------------------------------------------------
@corpus_file("truncated.csv.gz")
def _truncated_gz(folder: Path) -> Path:
    data = gzip.compress(GOOD.encode() * 200, mtime=0)
    return _bytes(folder, "truncated.csv.gz", data[: len(data) // 2])


@corpus_file("truncated.zip")
def _truncated_zip(folder: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("log.csv", GOOD * 200)
    data = buffer.getvalue()
    return _bytes(folder, "truncated.zip", data[: len(data) // 2])


@corpus_file("gzip_bomb.csv.gz")
def _gzip_bomb(folder: Path) -> Path:
    """60 MB of CSV in about 60 KB; refused under PROCESFLOW_MAX_BYTES=20000000 (see expectations)."""
    row = b"Z-1;Aanvraag ontvangen;2024-01-08 09:00;Anouk\n"
    return _bytes(folder, "gzip_bomb.csv.gz",
                  _gzip_stream(row, b"case;activity;timestamp;resource\n", 60 * 1024 * 1024))


@corpus_file("gzip_bomb_default_limits.csv.gz")
def _gzip_bomb_default(folder: Path) -> Path:
    """130 MB in about 130 KB (1000:1): above the 100 MB floor and far above the default ratio 200."""
    row = b"Z-1;Aanvraag ontvangen;2024-01-08 09:00;Anouk\n"
    return _bytes(folder, "gzip_bomb_default_limits.csv.gz",
                  _gzip_stream(row, b"case;activity;timestamp;resource\n", 130 * 1024 * 1024))


@corpus_file("zip_bomb.zip")
def _zip_bomb(folder: Path) -> Path:
    path = folder / "zip_bomb.zip"
    row = b"Z-1;Aanvraag ontvangen;2024-01-08 09:00;Anouk\n"
    chunk = row * ((1 << 20) // len(row))
    with (zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
          zf.open("log.csv", "w", force_zip64=True) as member):
        member.write(b"case;activity;timestamp;resource\n")
        for _ in range(60):
            member.write(chunk)
    return path


@corpus_file("nested.zip")
def _nested(folder: Path) -> Path:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("log.csv", GOOD)
    return _zip(folder, "nested.zip", {"inner.zip": inner.getvalue()})


@corpus_file("zip_two_logs.zip")
def _two(folder: Path) -> Path:
    return _zip(folder, "zip_two_logs.zip", {"a.csv": GOOD.encode(), "b.csv": GOOD.encode()})


@corpus_file("zip_slip.zip")
def _slip(folder: Path) -> Path:
    return _zip(folder, "zip_slip.zip", {"../../../escaped.csv": GOOD.encode()})


# -- XML: entities, malformed, missing timestamps ------------------------------------------------------
def _secret(folder: Path) -> Path:
    path = folder / "secret.txt"
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


@corpus_file("xxe.xes")
def _xxe(folder: Path) -> Path:
    return _text(folder, "xxe.xes", XXE_FILE.replace("{path}", str(_secret(folder))))


@corpus_file("external_dtd.xes")
def _dtd(folder: Path) -> Path:
    return _text(folder, "external_dtd.xes", EXTERNAL_DTD.replace("{path}", str(_secret(folder))))


@corpus_file("parameter_entity.xes")
def _param(folder: Path) -> Path:
    return _text(folder, "parameter_entity.xes", PARAMETER_ENTITY.replace("{path}", str(_secret(folder))))


@corpus_file("billion_laughs.xes")
def _laughs(folder: Path) -> Path:
    return _text(folder, "billion_laughs.xes", LAUGHS)


@corpus_file("malformed.xes")
def _malformed(folder: Path) -> Path:
    return _text(folder, "malformed.xes", '<log>\n<trace>\n<event>\n<string key="a" value="b">\n</event>')


@corpus_file("not_xes_root.xes")
def _not_xes(folder: Path) -> Path:
    return _text(folder, "not_xes_root.xes", "<ocel><events/></ocel>")


def _xes(events: list[tuple[str, str | None]]) -> str:
    body = "".join(
        "<event>" f'<string key="concept:name" value="{a}"/>'
        + (f'<date key="time:timestamp" value="{ts}"/>' if ts else "") + "</event>"
        for a, ts in events
    )
    return f'<log {NS}><trace><string key="concept:name" value="Z-1"/>{body}</trace></log>'


@corpus_file("xes_no_timestamps.xes")
def _xes_no_ts(folder: Path) -> Path:
    return _text(folder, "xes_no_timestamps.xes", _xes([("A", None), ("B", None), ("C", None)]))


@corpus_file("xes_some_without_timestamps.xes")
def _xes_some(folder: Path) -> Path:
    return _text(folder, "xes_some_without_timestamps.xes",
                 _xes([("A", "2024-01-08T09:00:00+01:00"), ("B", None), ("C", "2024-01-09T09:00:00+01:00")]))


@corpus_file("truncated.xes.gz")
def _xes_gz(folder: Path) -> Path:
    data = gzip.compress(STANDARD.format(ns=NS).encode(), mtime=0)
    return _bytes(folder, "truncated.xes.gz", data[: len(data) // 2])


# -- OCEL ---------------------------------------------------------------------------------------------
OCEL1 = {
    "ocel:global-log": {"ocel:version": "1.0", "ocel:object-types": ["issue", "user"]},
    "ocel:global-event": {}, "ocel:global-object": {},
    "ocel:events": {
        "1": {"ocel:activity": "opened", "ocel:timestamp": "2024-01-01T10:00:00+00:00",
              "ocel:omap": ["#1", "alice"], "ocel:vmap": {}},
        "2": {"ocel:activity": "commented", "ocel:timestamp": "2024-01-02T10:00:00+00:00",
              "ocel:omap": ["#1", "ghost"], "ocel:vmap": {}},
        "3": {"ocel:activity": "closed", "ocel:timestamp": "2024-01-03T10:00:00+00:00",
              "ocel:omap": ["#1", "alice"], "ocel:vmap": {}},
    },
    "ocel:objects": {
        "#1": {"ocel:type": "issue", "ocel:ovmap": {}},
        "alice": {"ocel:type": "user", "ocel:ovmap": {}},
    },
}


@corpus_file("ocel_dangling.jsonocel")
def _ocel_dangling(folder: Path) -> Path:
    return _text(folder, "ocel_dangling.jsonocel", json.dumps(OCEL1))


@corpus_file("ocel_no_object_type.jsonocel")
def _ocel_no_type(folder: Path) -> Path:
    return _text(folder, "ocel_no_object_type.jsonocel", json.dumps(OCEL1))


@corpus_file("ocel_malformed.jsonocel")
def _ocel_malformed(folder: Path) -> Path:
    return _text(folder, "ocel_malformed.jsonocel", json.dumps(OCEL1)[:-40])


# -- other binary formats with garbage inside ------------------------------------------------------------
@corpus_file("garbage.parquet")
def _garbage_parquet(folder: Path) -> Path:
    return _bytes(folder, "garbage.parquet", random.Random(1).randbytes(4096))


@corpus_file("garbage.xlsx")
def _garbage_xlsx(folder: Path) -> Path:
    return _bytes(folder, "garbage.xlsx", random.Random(2).randbytes(4096))


@corpus_file("garbage.sqlite")
def _garbage_sqlite(folder: Path) -> Path:
    return _bytes(folder, "garbage.sqlite", b"SQLite format 3\x00" + random.Random(3).randbytes(4096))


@corpus_file("corrupt_store.duckdb")
def _corrupt_store(folder: Path) -> Path:
    _text(folder, "store_target.csv", GOOD)
    return _bytes(folder, "corrupt_store.duckdb", random.Random(4).randbytes(16384))


# -- rule files --------------------------------------------------------------------------------------
RULE = '''id = "{id}"
waste = "waiting"
best_practice = "none"
description = "A corpus rule."
references = ["procesflow bad-input corpus"]
[title]
en = "Corpus rule"
nl = "Corpusregel"
[detection]
sql = """
{sql}
"""
[impact]
gain_unit = "days"
formula = "none"
[proposal]
en = "None."
nl = "Geen."
'''


def _rule(folder: Path, name: str, sql: str, text: str | None = None) -> Path:
    rules = folder / name
    rules.mkdir(exist_ok=True)
    rule_id = name.replace("_", "-")
    (rules / f"{rule_id}.toml").write_text(text if text is not None else RULE.format(id=rule_id, sql=sql),
                                           encoding="utf-8")
    return rules


@corpus_file("rule_syntax_error")
def _rule_syntax(folder: Path) -> Path:
    return _rule(folder, "rule_syntax_error", "", text='id = "rule-syntax-error"\n[title\nen = "x"\n')


@corpus_file("rule_delete")
def _rule_delete(folder: Path) -> Path:
    return _rule(folder, "rule_delete", "DELETE FROM events")


@corpus_file("rule_attach")
def _rule_attach(folder: Path) -> Path:
    return _rule(folder, "rule_attach", f"ATTACH '{folder / 'attached.duckdb'}' AS other")


@corpus_file("rule_copy_to_file")
def _rule_copy(folder: Path) -> Path:
    return _rule(folder, "rule_copy_to_file", f"COPY (SELECT * FROM ev) TO '{folder / 'stolen.csv'}'")


@corpus_file("rule_two_statements")
def _rule_two(folder: Path) -> Path:
    return _rule(folder, "rule_two_statements",
                 "SELECT 1 AS affected_cases, 0 AS gain; DROP TABLE events")


@corpus_file("rule_reads_file")
def _rule_reads(folder: Path) -> Path:
    secret = _secret(folder)
    return _rule(folder, "rule_reads_file",
                 f"SELECT count(*) AS affected_cases, 0 AS gain, min(column0) AS leak FROM read_csv('{secret}')")


@corpus_file("rule_enables_file_access")
def _rule_enable(folder: Path) -> Path:
    return _rule(folder, "rule_enables_file_access", "SET enable_external_access = true")


# -- output folders ---------------------------------------------------------------------------------------
@corpus_file("users_own_folder")
def _own_folder(folder: Path) -> Path:
    path = folder / "users_own_folder"
    path.mkdir(exist_ok=True)
    (path / "thesis.docx").write_text("years of work", encoding="utf-8")
    return path


def build(folder: Path, names: list[str] | None = None) -> dict[str, Path]:
    """Write the corpus files `names` (default: all) into `folder`; returns name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    return {name: GENERATORS[name](folder) for name in (names or list(GENERATORS))}


def main(argv: list[str]) -> int:
    if argv[:1] == ["--docs"]:
        from tests.corpus.expectations import update_docs

        path = update_docs()
        print(f"updated {path}")
        return 0
    if len(argv) != 1:
        print(__doc__)
        return 2
    written = build(Path(argv[0]))
    for name, path in written.items():
        size = path.stat().st_size if path.is_file() else 0
        print(f"{name:40s} {size:>12,} bytes  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
