"""DuckDB → Spark SQL translation (procesflow.spark.transpile): every rewrite on its own, and every
query procesflow runs translates. No Spark needed: these check the generated text; the Spark parity
tests (test_spark_parity.py) check that the translations compute the same numbers."""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from procesflow.spark.transpile import TranspileError, to_spark, transpile

REPO = Path(__file__).resolve().parents[1]
IMPORT_ONLY = ("normalise", "timestamps", "pairing", "quality", "personal_data", "schema", "unpaired",
               "lifecycle_type", "log_view",
               "case_attributes", "case_ids", "texts", "role_type", "attribute_type", "log_table", "info")


def sp(sql: str, params=None, macros=None) -> str:
    return re.sub(r"\s+", " ", to_spark(sql, params, macros))


def test_parameters_become_literals():
    out = sp("SELECT * FROM t WHERE a = $x AND b IN (SELECT unnest($l)) AND d = $n",
             {"x": "it's", "l": ["p", "q"], "n": None})
    assert "a = 'it''s'" in out or "a = 'it\\'s'" in out
    assert "ARRAY('p', 'q')" in out
    assert "d = NULL" in out
    with pytest.raises(TranspileError):
        sp("SELECT $missing")
    assert sp("SELECT * FROM t WHERE log = ? AND x = ?", ["a", 2]).endswith("log = 'a' AND x = 2")
    stamp = sp("SELECT $t", {"t": datetime(2024, 3, 1, 8, 0, tzinfo=UTC)})
    assert stamp == "SELECT CAST('2024-03-01 08:00:00' AS TIMESTAMP)"


def test_macros_are_inlined():
    macros: dict = {}
    kinds = [s.kind for s in transpile("CREATE OR REPLACE TEMP MACRO twice(x) AS x * 2; SELECT twice(a + 1) FROM t",
                                       None, macros)]
    assert kinds == ["macro", "query"]
    assert sp("SELECT twice(a + 1) FROM t", macros=macros) == "SELECT (a + 1) * 2 FROM t"


def test_temp_tables_and_views():
    table, view = transpile("CREATE OR REPLACE TEMP TABLE pf_x AS SELECT 1 AS a; "
                            "CREATE OR REPLACE TEMP VIEW pf_v AS SELECT a FROM pf_x")
    assert (table.kind, table.name, table.sql) == ("table", "pf_x", "SELECT 1 AS a")
    assert (view.kind, view.name) == ("view", "pf_v")
    assert transpile("SET TimeZone = 'UTC'")[0].kind == "noop"


def test_epoch_hash_and_percentiles():
    # a wall clock (TIMESTAMP_NTZ) as well as an instant: Spark's unix_micros takes only the latter
    assert sp("SELECT epoch_us(ts) FROM t") == "SELECT UNIX_MICROS(CAST(ts AS TIMESTAMP)) FROM t"
    # 64-bit variant keys (Spark's hash() has 32 bits)
    assert sp("SELECT bit_xor(hash(hash(a, p))) FROM t") == "SELECT BIT_XOR(XXHASH64(XXHASH64(a, p))) FROM t"
    assert sp("SELECT median(x), quantile_cont(x, 0.9) FROM t") == \
        "SELECT PERCENTILE(x, 0.5), PERCENTILE(x, 0.9) FROM t"
    assert "PERCENTILE(x, ARRAY(0.1, 0.5))" in sp("SELECT quantile_cont(x, [0.1, 0.5]) FROM t")
    assert sp("SELECT median(x) FILTER (WHERE y) FROM t") == "SELECT PERCENTILE(x, 0.5) FILTER(WHERE y) FROM t"


def test_ordered_lists():
    out = sp("SELECT list(a ORDER BY p) FROM t GROUP BY c")
    assert out.startswith("SELECT TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(p AS k0, a AS v)), (l, r) -> CASE")
    assert out.endswith("s -> s.v) FROM t GROUP BY c")
    desc = sp("SELECT list(a ORDER BY n DESC, a) FROM t")
    assert "WHEN l.k0 < r.k0 THEN 1 WHEN l.k0 > r.k0 THEN -1" in desc  # descending first key
    assert "WHEN l.k1 < r.k1 THEN -1" in desc
    assert sp("SELECT list(DISTINCT c ORDER BY c)[1:$n] FROM t", {"n": 5}) == \
        "SELECT SLICE(ARRAY_SORT(COLLECT_SET(c)), 1, 5 - 1 + 1) FROM t"
    assert sp("SELECT min(DISTINCT c, 1000) FROM t") == "SELECT SLICE(ARRAY_SORT(COLLECT_SET(c)), 1, 1000) FROM t"
    # a FILTER on such an aggregate goes to the collecting function
    assert sp("SELECT min(DISTINCT c, 10) FILTER (WHERE x) FROM t") == \
        "SELECT SLICE(ARRAY_SORT(COLLECT_SET(c) FILTER(WHERE x)), 1, 10) FROM t"


def test_one_based_lists_and_maps():
    assert sp("SELECT p[1], p[i + 1], m['k'] FROM t") == \
        "SELECT ELEMENT_AT(p, 1), ELEMENT_AT(p, i + 1), ELEMENT_AT(m, 'k') FROM t"
    assert sp("SELECT len(path) FROM t") == "SELECT SIZE(path) FROM t"
    assert sp("SELECT unnest($a) AS x, unnest($b) AS y", {"a": [1], "b": ["q"]}) == \
        "SELECT INLINE(ARRAYS_ZIP(ARRAY(1), ARRAY('q'))) AS (x, y)"


def test_arg_min_with_tuple_and_weekdays():
    assert sp("SELECT arg_min(a, (ts, seq)) FROM t") == "SELECT MIN_BY(a, STRUCT(ts AS k0, seq AS k1)) FROM t"
    assert sp("SELECT isodow(d), dayname(d) FROM t") == "SELECT WEEKDAY(d) + 1, DATE_FORMAT(d, 'EEEE') FROM t"


def test_time_zones():
    assert sp("SELECT timezone('Europe/Amsterdam', ts) FROM t") == \
        "SELECT CAST(FROM_UTC_TIMESTAMP(ts, 'Europe/Amsterdam') AS TIMESTAMP_NTZ) FROM t"
    assert sp("SELECT timezone('Europe/Amsterdam', TIMESTAMP '2024-01-01 00:00:00')") == \
        "SELECT TO_UTC_TIMESTAMP(CAST('2024-01-01 00:00:00' AS TIMESTAMP_NTZ), 'Europe/Amsterdam')"
    week = sp("SELECT strftime(d, '%G-W%V') FROM t")
    assert "WEEKOFYEAR" in week and "YEAR(DATE_ADD(" in week


def test_window_filter_histogram_and_generators():
    assert sp("SELECT count(*) FILTER (WHERE NOT c) OVER (PARTITION BY k) FROM t") == \
        "SELECT COUNT(CASE WHEN NOT c THEN 1 END) OVER (PARTITION BY k) FROM t"
    hist = sp("SELECT (SELECT histogram(h) FROM c) AS d")
    assert "MAP_FROM_ENTRIES(ARRAY_SORT(COLLECT_LIST(STRUCT(pf_k, pf_n))))" in hist
    assert "GROUP BY h" in hist and "WHERE NOT h IS NULL" in hist
    assert sp("SELECT CAST(unnest(generate_series(a, b, INTERVAL 1 DAY)) AS DATE) AS d FROM t") == \
        "SELECT EXPLODE(CAST(SEQUENCE(a, b, INTERVAL '1' DAY) AS ARRAY<DATE>)) AS d FROM t"
    assert sp("SELECT unnest(range(0, 3)) AS b") == "SELECT EXPLODE(SEQUENCE(0, 2)) AS b"  # range() excludes the end


def test_asof_join_becomes_a_day_keyed_range_join():
    out = sp("SELECT a.i, k.v FROM a ASOF JOIN cal k ON a.t >= k.s")
    assert "ASOF" not in out
    assert "LEAD(s) OVER (ORDER BY s NULLS LAST) AS pf_asof_next FROM cal" in out
    assert "ON CAST(a.t AS DATE) = k.pf_asof_day AND a.t >= k.s AND (k.pf_asof_next IS NULL OR a.t < k.pf_asof_next)" \
        in out


def test_star_exclude_is_marked_for_the_connection():
    (statement,) = transpile("SELECT f.* EXCLUDE (w) FROM f")
    assert statement.star_except


def _sql_files():
    for path in sorted((REPO / "procesflow" / "sql").glob("*.sql")):
        if path.stem not in IMPORT_ONLY:
            yield path.stem, path.read_text(encoding="utf-8")
    for path in sorted((REPO / "rules").glob("*.toml")):
        yield path.stem, tomllib.loads(path.read_text(encoding="utf-8"))["detection"]["sql"]


class _AnyParams(dict):
    def __contains__(self, key):
        return True

    def __getitem__(self, key):
        return None


def test_every_analysis_query_translates():
    macros: dict = {}
    done = []
    for name in ("macros", "calendar_table"):  # macros first, as on a log's connection
        transpile((REPO / "procesflow" / "sql" / f"{name}.sql").read_text(encoding="utf-8"), None, macros)
    for name, text in _sql_files():
        text = re.sub(r"\{\{(\w+)\}\}", lambda m: "true" if m.group(1) == "where" else "x", text)
        statements = transpile(text, _AnyParams(), macros)
        for statement in statements:
            assert "EPOCH_US" not in statement.sql and "ASOF" not in statement.sql, name
        done.append(name)
    assert len(done) > 50


def test_engine_spark_without_pyspark_is_a_one_line_error(monkeypatch, cli_run, tmp_path):
    import sys

    monkeypatch.setitem(sys.modules, "pyspark", None)  # as if pyspark were not installed
    result = cli_run("discover", tmp_path / "x.parquet", "--engine", "spark", with_db=False)
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        "error: --engine spark needs pyspark: pip install 'procesflow[spark]' (and Java 17 or newer)"]


def test_engine_flags_that_do_not_fit_are_one_line_errors(cli_run, tmp_path):
    result = cli_run("discover", "spark:db.events", "--db", tmp_path / "s.duckdb", with_db=False)
    assert result.exit_code != 0
    assert result.output.strip() == (
        "error: --db is for the DuckDB engine; with --engine spark the events are read in place")
    result = cli_run("discover", tmp_path / "x.csv", "--spark-master", "local[2]", with_db=False)
    assert result.output.strip() == "error: --spark-master and spark: tables need --engine spark"


class _Frame:
    def __init__(self, spark, sql):
        self.spark, self.sql = spark, sql

    def localCheckpoint(self, eager):  # noqa: N802 - Spark's name
        return self

    def createOrReplaceTempView(self, name):  # noqa: N802
        self.spark.views[name] = self.sql

    def toArrow(self):  # noqa: N802
        import pyarrow as pa

        self.spark.views_at_collect = dict(self.spark.views)
        return pa.table({"a": [1]})


class _Spark:
    """Records what the connection asks Spark for (no JVM)."""

    def __init__(self):
        self.queries, self.views, self.views_at_collect = [], {}, {}
        self.catalog = self

    def sql(self, text):
        self.queries.append(text)
        return _Frame(self, text)

    def dropTempView(self, name):  # noqa: N802
        del self.views[name]


def test_a_cte_read_twice_is_computed_once_on_spark():
    """Spark inlines a CTE at each reference: one read by two others is made a temp view first (with
    the CTEs before it), read by its old name, and dropped once the result is in."""
    from procesflow.spark.connection import SparkConnection

    spark = _Spark()
    con = SparkConnection(spark)
    con.execute("WITH base AS (SELECT a FROM events), once AS (SELECT a FROM base WHERE a > 0), "
                "h AS (SELECT a FROM once), w AS (SELECT a FROM h), d AS (SELECT a FROM h) "
                "SELECT * FROM w JOIN d USING (a)")
    assert con.fetchall() == [(1,)]
    *made, final = spark.queries
    assert made == [q for q in made if q.startswith("WITH base AS")] and len(made) == 1
    assert "FROM once" in made[0] and "FROM events" in made[0]  # h with the CTEs it reads
    assert final.count("pf_cte_0_h AS h") == 2 and "h AS (" not in final
    assert "w AS (SELECT a FROM pf_cte_0_h AS h)" in final  # the CTEs read once stay inline
    assert set(spark.views_at_collect) == {"pf_cte_0_h"} and spark.views == {}  # dropped after


def test_a_cte_named_like_the_table_it_reads_keeps_reading_the_table():
    from procesflow.spark.connection import SparkConnection

    spark = _Spark()
    SparkConnection(spark).execute(
        "WITH events AS (SELECT * FROM events WHERE a > 0) SELECT * FROM events x JOIN events y USING (a)")
    made, final = spark.queries
    assert made.endswith("FROM events WHERE a > 0")  # the table, not the view
    assert "pf_cte_0_events AS x" in final and "pf_cte_0_events AS y" in final
    assert spark.views == {}


def test_a_shared_cte_keeps_its_own_with():
    from procesflow.spark.connection import SparkConnection

    spark = _Spark()
    SparkConnection(spark).execute(
        "WITH a AS (SELECT 1 AS x), h AS (WITH inner_t AS (SELECT x FROM a) SELECT x FROM inner_t) "
        "SELECT * FROM h p JOIN h q USING (x)")
    made, final = spark.queries
    assert made.startswith("WITH a AS (SELECT 1 AS x), inner_t AS (SELECT x FROM a)") and made.endswith("FROM inner_t")
    assert "pf_cte_0_h AS p" in final and "pf_cte_0_h AS q" in final
