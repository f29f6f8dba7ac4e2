"""Rendering: process maps (Graphviz), charts (matplotlib) and reports (HTML, Markdown)."""
