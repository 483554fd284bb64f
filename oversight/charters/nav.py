from __future__ import annotations

NAV = [
    ("Charter versions", "charters:list", "charters.view"),
    ("Import a version", "charters:import", "charters.import"),
]
