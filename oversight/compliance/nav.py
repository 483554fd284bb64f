from __future__ import annotations

NAV = [
    ("Dashboard by duty", "compliance:dashboard", "compliance.view"),
    ("Evidence", "compliance:evidence", "compliance.view"),
    ("Planner", "compliance:planner", "compliance.plan"),
    ("Evaluation runs", "compliance:runs", "compliance.view"),
]
