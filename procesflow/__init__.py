"""procesflow: process mining and complexity reduction for public-service agencies.

    import procesflow
    log = procesflow.open("export.csv", deadline="8w")
    log.summary(); log.map("findings"); log.findings(); log.metrics()

The public API is deliberately small: `open`, `Log` and the option/filter classes. Everything is
imported on first use, so `import procesflow` (and `procesflow --help`) stay fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"
__all__ = ["open", "Log", "FilterSpec", "AnalysisOptions", "ProcesflowError", "write_sample", "__version__"]

_LAZY = {
    "open": ("procesflow.api", "open"),
    "Log": ("procesflow.api", "Log"),
    "FilterSpec": ("procesflow.filters", "FilterSpec"),
    "AnalysisOptions": ("procesflow.options", "AnalysisOptions"),
    "ProcesflowError": ("procesflow.errors", "ProcesflowError"),
    "write_sample": ("procesflow.sample", "write_sample"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'procesflow' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
