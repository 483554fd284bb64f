from __future__ import annotations

NAV = [
    ("Independence dashboard", "auditors:overview", "auditors.view"),
    ("Service requests", "auditors:requests", "auditors.view"),
    ("Pre-approval policy", "auditors:policies", "auditors.view"),
    ("For the next meeting", "auditors:next-meeting", "auditors.view"),
    ("Hires from the firm", "auditors:hires", "auditors.view"),
    ("Proxy fee table", "auditors:fee-table", "auditors.view"),
    ("Engagements", "auditors:engagements", "auditors.view_engagement"),
]
