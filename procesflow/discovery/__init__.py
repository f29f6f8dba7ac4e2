"""Discovery: the DFG and variants in SQL, process models and conformance via pm4py."""
