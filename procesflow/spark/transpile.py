"""DuckDB SQL → Spark SQL: one definition of every query, translated per dialect.

procesflow's queries are written once, for DuckDB, in `procesflow/sql/*.sql` and the rule files.
To run them on Spark they are parsed with sqlglot (`read="duckdb"`), rewritten where the two engines
differ in meaning (not only in spelling), and generated with `write="spark"`. The rewrites:

| DuckDB | Spark | why not sqlglot's default |
|---|---|---|
| `$name`, `?` parameters | literals | Spark refuses parameter markers in views |
| `TEMP MACRO f(x) AS expr` | the body inlined at each call | no session macros in Spark SQL |
| `epoch_us(t)` | `unix_micros(CAST(t AS TIMESTAMP))` | `unix_micros` refuses a wall clock (`TIMESTAMP_NTZ`) |
| `make_timestamptz(µs)`, `make_timestamp(µs)` | `timestamp_micros(µs)` (cast to `TIMESTAMP_NTZ` for the wall clock) | |
| `hash(...)` (64 bit) | `xxhash64(...)` | Spark's `hash` has 32 bits: variant keys would collide |
| `list(x ORDER BY k)` | `transform(array_sort(collect_list(struct(k, x))), ...)` | `collect_list` has no order |
| `list(DISTINCT x ORDER BY x)`, `min(x, n)` | `array_sort(collect_set(x))`, sliced | no ordered aggregate |
| `arr[a:b]` | `slice(arr, a, b - a + 1)` | |
| `median`, `quantile_cont` | `percentile` (exact, interpolated: the same value) | `percentile_cont` spelling |
| `arg_min(x, (a, b))` | `min_by(x, struct(a, b))` | tuples are not values in Spark |
| `isodow(t)` | `weekday(t) + 1` | sqlglot's `dayofweek` mapping is off for Sunday |
| `timezone(tz, instant)` | `CAST(from_utc_timestamp(t, tz) AS TIMESTAMP_NTZ)` | wall clock in `tz` |
| `timezone(tz, TIMESTAMP '…')` | `to_utc_timestamp(…, tz)` | local time → instant |
| `strftime(d, '%G-W%V')` | ISO year and `weekofyear` | Spark patterns have no ISO week-year |
| `to_months/to_days/to_microseconds` | `make_interval` | |
| `len(list)` | `size(list)` | `length` is for strings in Spark |
| `a ASOF JOIN k ON a.t >= k.s` | an equi-join on the day plus the interval `[k.s, next k.s)` | no ASOF join in Spark |
| `SELECT x.* EXCLUDE (c)` | the columns listed (resolved by the connection) | Spark has no `* EXCEPT` |
| `SELECT histogram(x) FROM …` | a grouped count folded into a sorted map | no `histogram` aggregate |
| `agg(x) FILTER (WHERE c) OVER (…)` | `agg(CASE WHEN c THEN x END) OVER (…)` | no FILTER on window aggregates |
| `SELECT unnest(a) AS x, unnest(b) AS y` | `inline(arrays_zip(a, b)) AS (x, y)` | DuckDB zips parallel unnests |
| `CAST(unnest(list) AS T)` | `explode(CAST(list AS ARRAY<T>))` | no generator inside an expression |
| `dayname(t)` | `date_format(t, 'EEEE')` | Spark's `dayname` abbreviates |

Each text is parsed and rewritten once (cached); parameters are filled into a copy per call.
"""

from __future__ import annotations

import datetime as _dt
import decimal
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sqlglot
from sqlglot import exp

READ = "duckdb"
WRITE = "spark"


class TranspileError(Exception):
    """A DuckDB statement that has no Spark translation here."""


@dataclass(frozen=True)
class Statement:
    """One translated statement: `kind` is "query", "table" (materialise and name), "view",
    "drop", "macro" (remembered by the connection) or "noop" (SET ...)."""

    kind: str
    sql: str = ""
    name: str = ""
    star_except: bool = False  # the SQL holds `* EXCEPT (...)`, to be resolved by the connection


# -- parsing, cached per text ----------------------------------------------------------------------
@lru_cache(maxsize=4096)
def _parse(sql: str) -> tuple[exp.Expression, ...]:
    try:
        return tuple(e for e in sqlglot.parse(sql, read=READ) if e is not None)
    except sqlglot.errors.ParseError as exc:
        raise TranspileError(f"cannot parse as DuckDB SQL: {str(exc).splitlines()[0]}") from None


_PLANS: dict[tuple[str, tuple[tuple[str, str], ...]], list[tuple]] = {}


def transpile(
    sql: str,
    params: dict[str, Any] | list[Any] | tuple[Any, ...] | None = None,
    macros: dict[str, tuple[list[str], exp.Expression]] | None = None,
) -> list[Statement]:
    """Translate DuckDB `sql` (one or more statements) into Spark statements.

    The rewritten trees are cached per (text, macros in scope); the parameters are filled into a
    copy at each call, so a query run with many different values is parsed and rewritten once."""
    macros = {} if macros is None else macros
    key = (sql, tuple(sorted((name, body.sql()) for name, (_, body) in macros.items())))
    plan = _PLANS.get(key)
    if plan is None:
        scope = dict(macros)
        plan = [_plan(parsed.copy(), scope) for parsed in _parse(sql)]
        if len(_PLANS) > 4096:
            _PLANS.clear()
        _PLANS[key] = plan
    out: list[Statement] = []
    for kind, name, tree, star_except, macro in plan:
        if kind == "macro":
            macros[name] = macro
            out.append(Statement("macro", name=name))
        elif tree is None:
            out.append(Statement(kind, name=name))
        else:
            filled = _fill_params(tree.copy(), params)
            out.append(Statement(kind, filled.sql(dialect=WRITE), name, star_except))
    return out


def to_spark(sql: str, params: Any = None, macros: Any = None) -> str:
    """The Spark SQL of a single DuckDB query (for tests and `rules explain`)."""
    statements = transpile(sql, params, macros)
    if len(statements) != 1:
        raise TranspileError(f"expected one statement, got {len(statements)}")
    return statements[0].sql


def _plan(tree: exp.Expression, macros: dict[str, tuple[list[str], exp.Expression]]) -> tuple:
    """(kind, name, rewritten tree or None, star_except, macro definition or None)."""
    if isinstance(tree, exp.Set | exp.Semicolon):  # SET …; a comment after the last statement
        return ("noop", "", None, False, None)
    if isinstance(tree, exp.Create):
        kind = str(tree.args.get("kind") or "").upper()
        if kind == "MACRO":
            udf = tree.this
            name = udf.this.name.lower()
            macro = ([a.name for a in udf.expressions], _rewrite(tree.expression, macros))
            macros[name] = macro
            return ("macro", name, None, False, macro)
        if kind in ("TABLE", "VIEW"):
            name = tree.this.name if isinstance(tree.this, exp.Table) else tree.this.this.name
            if tree.expression is None:
                raise TranspileError(f"CREATE {kind} {name} without AS SELECT is not supported on Spark")
            body = _rewrite(tree.expression, macros)
            return ("table" if kind == "TABLE" else "view", name, body, _has_star_except(body), None)
        raise TranspileError(f"CREATE {kind} is not supported on Spark")
    if isinstance(tree, exp.Drop):
        return ("drop", tree.this.name, None, False, None)
    if isinstance(tree, exp.Query):
        body = _rewrite(tree, macros)
        return ("query", "", body, _has_star_except(body), None)
    raise TranspileError(f"statement {tree.key.upper()} is not supported on Spark")


def _has_star_except(tree: exp.Expression) -> bool:
    return any(star.args.get("except_") or star.args.get("except") for star in tree.find_all(exp.Star))


# -- parameters ------------------------------------------------------------------------------------
def literal(value: Any) -> exp.Expression:
    """A Python value as a SQL literal (strings quoted by sqlglot, never spliced as text)."""
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float | decimal.Decimal):
        if isinstance(value, float) and value != value:  # NaN
            return exp.Null()
        return exp.Literal.number(repr(value) if isinstance(value, float) else str(value))
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            utc = value.astimezone(_dt.UTC).replace(tzinfo=None)
            return exp.cast(exp.Literal.string(utc.isoformat(sep=" ")), exp.DataType.build("TIMESTAMPTZ"))
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), exp.DataType.build("TIMESTAMP"))
    if isinstance(value, _dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.build("DATE"))
    if isinstance(value, list | tuple):
        return exp.Array(expressions=[literal(v) for v in value])
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return literal(value.tolist())
    return exp.Literal.string(str(value))


def _fill_params(tree: exp.Expression, params: Any) -> exp.Expression:
    if params is None:
        params = {}
    positional = list(params) if isinstance(params, list | tuple) else None
    counter = iter(range(10**6))

    def fill(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Placeholder):
            name = node.args.get("this") or ""
            if name and not str(name).isdigit():
                if positional is not None or name not in params:
                    raise TranspileError(f"no value for parameter ${name}")
                return literal(params[name])
            index = int(name) - 1 if name else next(counter)
            if positional is None or index >= len(positional):
                raise TranspileError("not enough values for the ? parameters")
            return literal(positional[index])
        if isinstance(node, exp.Parameter):
            name = node.name
            if name not in params:
                raise TranspileError(f"no value for parameter ${name}")
            return literal(params[name])
        return node

    return tree.transform(fill, copy=False)


# -- rewrites --------------------------------------------------------------------------------------
def _fn(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(args))


def _rewrite(tree: exp.Expression, macros: dict[str, tuple[list[str], exp.Expression]]) -> exp.Expression:
    tree = tree.copy()
    tree = tree.transform(lambda n: _inline_macro(n, macros), copy=False)
    tree = tree.transform(_histogram, copy=False)
    tree = tree.transform(_window_filter, copy=False)
    tree = tree.transform(_parallel_unnest, copy=False)
    for _ in range(8):  # a replaced node's arguments are rewritten in the next pass
        before = tree.sql(dialect=READ)
        tree = tree.transform(_node, copy=False)
        if tree.sql(dialect=READ) == before:
            break
    tree = _asof_joins(tree)
    return tree


def _inline_macro(node: exp.Expression, macros: dict[str, tuple[list[str], exp.Expression]]) -> exp.Expression:
    if isinstance(node, exp.Anonymous) and str(node.this).lower() in macros:
        names, body = macros[str(node.this).lower()]
        if len(names) != len(node.expressions):
            raise TranspileError(f"macro {node.this} takes {len(names)} arguments")
        values = dict(zip(names, node.expressions, strict=True))

        def put(n: exp.Expression) -> exp.Expression:
            if isinstance(n, exp.Column) and not n.table and n.name in values:
                return exp.Paren(this=values[n.name].copy())
            return n

        return body.copy().transform(put, copy=False)
    return node


def _histogram(node: exp.Expression) -> exp.Expression:
    """`SELECT histogram(x) FROM …` (a MAP value → count, keys ascending, NULLs left out) as a
    grouped count folded into a map."""
    if not isinstance(node, exp.Select) or len(node.expressions) != 1 or node.args.get("group"):
        return node
    item = node.expressions[0]
    call = item.this if isinstance(item, exp.Alias) else item
    if not (isinstance(call, exp.Anonymous) and str(call.this).lower() == "histogram"):
        return node
    inner = node.copy()
    arg = call.expressions[0]
    inner.set("expressions", [exp.alias_(arg.copy(), "pf_k"), exp.alias_(exp.Count(this=exp.Star()), "pf_n")])
    inner = inner.where(exp.Not(this=exp.Is(this=arg.copy(), expression=exp.Null())))
    inner.set("group", exp.Group(expressions=[arg.copy()]))
    folded = _fn("map_from_entries", _fn("array_sort", _fn("collect_list", exp.Struct(
        expressions=[exp.column("pf_k"), exp.column("pf_n")]))))
    out = exp.select(exp.alias_(folded, item.alias) if isinstance(item, exp.Alias) else folded)
    return out.from_(inner.subquery("pf_h"))


def _ordered_list(value: exp.Expression, order: list[exp.Ordered], distinct: bool) -> exp.Expression:
    """DuckDB `list(value ORDER BY keys)` as an ordered Spark array: the (keys, value) structs are
    collected and sorted with a comparator that follows each key's direction and NULLS LAST/FIRST."""
    keys = [o.this for o in order]
    if distinct:
        if len(keys) == 1 and keys[0] == value and not order[0].args.get("desc"):
            return _fn("array_sort", _fn("collect_set", value))
        raise TranspileError("list(DISTINCT x ORDER BY y) needs y = x (ascending) on Spark")
    fields = [exp.alias_(k.copy(), f"k{i}") for i, k in enumerate(keys)] + [exp.alias_(value.copy(), "v")]
    struct = exp.Struct(expressions=fields)
    cmp = "0"
    for i in reversed(range(len(keys))):
        desc = bool(order[i].args.get("desc"))
        nulls_first = bool(order[i].args.get("nulls_first"))
        lt, gt = ("1", "-1") if desc else ("-1", "1")
        ln, rn = ("-1", "1") if nulls_first else ("1", "-1")
        cmp = (f"CASE WHEN l.k{i} IS NULL AND r.k{i} IS NULL THEN {cmp} WHEN l.k{i} IS NULL THEN {ln} "
               f"WHEN r.k{i} IS NULL THEN {rn} WHEN l.k{i} < r.k{i} THEN {lt} WHEN l.k{i} > r.k{i} THEN {gt} "
               f"ELSE {cmp} END")
    comparator = exp.Lambda(this=sqlglot.parse_one(cmp, read=WRITE),
                            expressions=[exp.to_identifier("l"), exp.to_identifier("r")])
    sort = _fn("array_sort", _fn("collect_list", struct), comparator)
    lam = exp.Lambda(this=exp.Dot(this=exp.column("s"), expression=exp.to_identifier("v")),
                     expressions=[exp.to_identifier("s")])
    return _fn("transform", sort, lam)


def _window_filter(node: exp.Expression) -> exp.Expression:
    """`agg(x) FILTER (WHERE c) OVER (…)` → `agg(CASE WHEN c THEN x END) OVER (…)` (Spark has no
    FILTER on window aggregates; count, sum, min, max and avg ignore the NULLs alike)."""
    if isinstance(node, exp.Window) and isinstance(node.this, exp.Filter):
        agg = node.this.this.copy()
        cond = node.this.expression.this if isinstance(node.this.expression, exp.Where) else node.this.expression
        arg = agg.this
        value = exp.Literal.number(1) if isinstance(arg, exp.Star) or arg is None else arg
        agg.set("this", exp.Case(ifs=[exp.If(this=cond.copy(), true=value.copy())]))
        node = node.copy()
        node.set("this", agg)
    return node


def _parallel_unnest(node: exp.Expression) -> exp.Expression:
    """`SELECT unnest(a) AS x, unnest(b) AS y`: DuckDB zips the lists (Spark would refuse or cross
    them) → `SELECT inline(arrays_zip(a, b)) AS (x, y)`."""
    if not isinstance(node, exp.Select):
        return node
    items = node.expressions
    explodes = [i.this if isinstance(i, exp.Alias) else i for i in items]
    if len(items) < 2 or not all(isinstance(e, exp.Explode) for e in explodes):
        return node
    names = [i.alias if isinstance(i, exp.Alias) else f"col{k}" for k, i in enumerate(items)]
    zipped = _fn("inline", _fn("arrays_zip", *[e.this.copy() for e in explodes]))
    node = node.copy()
    node.set("expressions", [exp.Aliases(this=zipped, expressions=[exp.to_identifier(n) for n in names])])
    return node


_WRAPPERS = {"slice", "array_sort", "transform", "map_from_entries"}
_COLLECTORS = {"collect_list", "collect_set"}


def _node(node: exp.Expression) -> exp.Expression:
    if (isinstance(node, exp.Filter) and isinstance(node.this, exp.Anonymous)
            and str(node.this.this).lower() in _WRAPPERS):
        # `agg(...) FILTER (WHERE c)` where agg became an expression around collect_list/set:
        # the filter goes to the collecting aggregate
        cond = node.expression
        wrapped = node.this

        def push(n: exp.Expression) -> exp.Expression:
            if isinstance(n, exp.Anonymous) and str(n.this).lower() in _COLLECTORS:
                return exp.Filter(this=n.copy(), expression=cond.copy())
            return n

        return wrapped.transform(push, copy=True)
    if isinstance(node, exp.Anonymous):
        name = str(node.this).lower()
        args = node.expressions
        if name == "epoch_us":
            # a wall clock (TIMESTAMP_NTZ) read in the session zone, UTC: its epoch as in DuckDB
            return _fn("unix_micros", exp.cast(args[0], exp.DataType.build("TIMESTAMP", dialect=WRITE)))
        if name == "make_timestamptz" and len(args) == 1:  # microseconds since 1970 -> the instant
            return _fn("timestamp_micros", *args)
        if name == "hash":
            return _fn("xxhash64", *args)
        if name == "timezone" and len(args) == 2:
            tz, value = args
            naive = isinstance(value, exp.Cast) and value.to.this in (
                exp.DataType.Type.TIMESTAMP, exp.DataType.Type.TIMESTAMPNTZ)
            if naive:
                return _fn("to_utc_timestamp", value, tz)
            return exp.cast(_fn("from_utc_timestamp", value, tz), exp.DataType.build("TIMESTAMP_NTZ", dialect=WRITE))
        if name == "to_months":
            return _fn("make_interval", exp.Literal.number(0), args[0])
        if name == "to_days":
            return _fn("make_interval", *[exp.Literal.number(0)] * 3, args[0])
        if name == "to_microseconds":
            return _fn("make_interval", *[exp.Literal.number(0)] * 6,
                       exp.Div(this=exp.cast(args[0], "DOUBLE"), expression=exp.Literal.number(1e6)))
        if name in ("list_sort", "array_sort") and len(args) == 1:
            return _fn("array_sort", args[0])
        if name == "list_distinct":
            return _fn("array_distinct", args[0])
        return node
    if isinstance(node, exp.Length) and not isinstance(node.this, exp.Literal):
        # DuckDB `len(list)`; procesflow's SQL uses `length(text)` for strings (parsed the same)
        return _fn("size", node.this) if node.args.get("binary") is None and _is_len(node) else node
    if isinstance(node, exp.ArrayAgg):
        inner = node.this
        distinct = isinstance(inner, exp.Distinct)
        if distinct:
            inner = inner.expressions[0]
        if isinstance(inner, exp.Order):
            value = inner.this
            if isinstance(value, exp.Distinct):
                distinct, value = True, value.expressions[0]
            return _ordered_list(value, inner.expressions, distinct)
        return _fn("collect_set" if distinct else "collect_list", inner)
    if isinstance(node, exp.Cast) and isinstance(node.this, exp.Explode):
        # CAST(unnest(list) AS T): Spark refuses a generator inside an expression; cast the list
        element = node.to.copy()
        return exp.Explode(this=exp.Cast(this=node.this.this, to=exp.DataType(
            this=exp.DataType.Type.ARRAY, expressions=[element], nested=True)))
    if isinstance(node, exp.UnixToTime) and str(node.args.get("scale")) == "6":
        # DuckDB make_timestamp(microseconds): a wall-clock TIMESTAMP (Spark: TIMESTAMP_NTZ)
        return exp.cast(_fn("timestamp_micros", node.this), exp.DataType.build("TIMESTAMP_NTZ", dialect=WRITE))
    if isinstance(node, exp.Median):
        return _fn("percentile", node.this, exp.Literal.number("0.5"))
    if isinstance(node, exp.PercentileCont | exp.Quantile):
        return _fn("percentile", node.this, node.expression)
    if isinstance(node, exp.ArgMin | exp.ArgMax):
        key = node.expression
        if isinstance(key, exp.Tuple):
            key = exp.Struct(expressions=[exp.alias_(e, f"k{i}") for i, e in enumerate(key.expressions)])
        return _fn("min_by" if isinstance(node, exp.ArgMin) else "max_by", node.this, key)
    if isinstance(node, exp.Dayname):  # DuckDB: 'Tuesday' (Spark's dayname: 'Tue')
        return _fn("date_format", node.this, exp.Literal.string("EEEE"))
    if isinstance(node, exp.DayOfWeekIso):
        return exp.Add(this=_fn("weekday", node.this), expression=exp.Literal.number(1))
    if isinstance(node, exp.Min) and node.args.get("count") is not None:  # DuckDB min(x, n): n smallest
        n = node.args["count"]
        value = node.this.expressions[0] if isinstance(node.this, exp.Distinct) else node.this
        agg = "collect_set" if isinstance(node.this, exp.Distinct) else "collect_list"
        return _fn("slice", _fn("array_sort", _fn(agg, value)), exp.Literal.number(1), n)
    if isinstance(node, exp.Bracket) and len(node.expressions) == 1 and isinstance(node.expressions[0], exp.Slice):
        sl = node.expressions[0]
        start = sl.this or exp.Literal.number(1)
        end = sl.expression
        if end is None:
            return _fn("slice", node.this, start, _fn("size", node.this.copy()))
        length = exp.Add(this=exp.Sub(this=end, expression=start.copy()), expression=exp.Literal.number(1))
        return _fn("slice", node.this, start, length)
    if isinstance(node, exp.Bracket) and len(node.expressions) == 1:
        # DuckDB lists are 1-based (Spark's [] is 0-based); maps by key: element_at does both.
        # sqlglot's parser already shifted integer literals to 0-based (not other expressions).
        index = node.expressions[0]
        if isinstance(index, exp.Literal) and not index.is_string:
            index = exp.Literal.number(int(index.this) + 1)
        return _fn("element_at", node.this, index)
    if isinstance(node, exp.TimeToStr) and node.args.get("format") is not None:
        fmt = node.args["format"]
        if isinstance(fmt, exp.Literal) and fmt.this == "%G-W%V":
            day = exp.cast(node.this, "DATE")
            thursday = _fn("date_add", day, exp.Sub(this=exp.Literal.number(3), expression=_fn("weekday", day.copy())))
            return _fn("concat", exp.cast(_fn("year", thursday), "STRING"), exp.Literal.string("-W"),
                       _fn("lpad", exp.cast(_fn("weekofyear", day.copy()), "STRING"), exp.Literal.number(2),
                           exp.Literal.string("0")))
    return node


def _is_len(node: exp.Length) -> bool:
    """`len(...)`/`length(...)` over a list expression (not over text)."""
    arg = node.this
    if isinstance(arg, exp.Array | exp.ArrayAgg | exp.ArrayDistinct):
        return True
    if isinstance(arg, exp.Column):
        return arg.name in _LIST_COLUMNS
    return False


# list-valued columns in procesflow's SQL, so that `len(col)` means the list's size
_LIST_COLUMNS = {"path", "typical_path", "variant", "departments", "activities", "channels", "loop",
                 "department_list"}


def _asof_joins(tree: exp.Expression) -> exp.Expression:
    """`a ASOF JOIN k ON a.t >= k.s` → the row of k with the greatest s ≤ a.t.

    k is numbered by s with the next s beside it; the join is an equi-join on the UTC date
    (k's rows are exploded over the dates their interval touches, so the join stays a hash join on
    a cluster) plus `s <= a.t < next s`. The last row of k takes the dates up to one day after its s."""
    for join in list(tree.find_all(exp.Join)):
        if str(join.args.get("method") or "").upper() != "ASOF":
            continue
        cond = join.args.get("on")
        if not isinstance(cond, exp.GTE) or not isinstance(cond.expression, exp.Column):
            raise TranspileError("ASOF JOIN needs ON probe >= table.column on Spark")
        probe, key = cond.this, cond.expression
        table = join.this
        alias = table.alias_or_name
        col = key.name
        nxt = "pf_asof_next"
        bucket = "pf_asof_day"
        base = exp.Table(this=exp.to_identifier(table.name))
        numbered = exp.select("*", exp.alias_(
            exp.Window(this=_fn("lead", exp.column(col)),
                       order=exp.Order(expressions=[exp.Ordered(this=exp.column(col))])), nxt)).from_(base)
        last_day = _fn("date_add", exp.cast(exp.column(col), "DATE"), exp.Literal.number(1))
        days = _fn("explode", _fn("sequence", exp.cast(exp.column(col), "DATE"),
                                  exp.Coalesce(this=exp.cast(exp.column(nxt), "DATE"), expressions=[last_day])))
        exploded = exp.select("*", exp.alias_(days, bucket)).from_(numbered.subquery("pf_asof_n"))
        join.set("this", exploded.subquery(alias))
        join.set("method", None)
        kcol = exp.column(col, table=alias)
        knext = exp.column(nxt, table=alias)
        on = exp.and_(
            exp.EQ(this=exp.cast(probe.copy(), "DATE"), expression=exp.column(bucket, table=alias)),
            exp.GTE(this=probe.copy(), expression=kcol),
            exp.or_(exp.Is(this=knext, expression=exp.Null()), exp.LT(this=probe.copy(), expression=knext.copy())),
        )
        join.set("on", on)
    return tree
