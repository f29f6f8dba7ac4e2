"""The built-in Lean rules: one declarative TOML file per rule (see README, "Lean rules")."""
