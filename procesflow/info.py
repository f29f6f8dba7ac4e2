"""What a store holds: its logs and, per log, size, span, attributes, mapping and data quality."""

from __future__ import annotations

import json
from typing import Any

from .sqlfiles import sql_text
from .store import Store


def log_info(store: Store, log: str) -> dict[str, Any]:
    """Everything `procesflow info NAME` shows, as plain data."""
    cur = store.con.execute(sql_text("info"), {"log": log})
    row = cur.fetchone()
    info: dict[str, Any] = dict(zip([d[0] for d in cur.description], row, strict=True))
    for key in ("first_event", "last_event"):
        if info[key] is not None:
            info[key] = info[key].isoformat()
    imp = store.active_import(log)
    info["log"] = log
    info["source"] = imp["source"]
    info["connector"] = imp["connector"]
    info["imported_at"] = imp["imported_at"].isoformat()
    info["rows_read"] = imp["rows_read"]
    info["rows_rejected"] = imp["rows_rejected"]
    info["mapping"] = json.loads(imp["mapping"])
    info["quality"] = json.loads(imp["quality"])
    return info
