from __future__ import annotations

NAV = [
    ("Complaints", "complaints:list", "complaints.cases"),
    ("Complaint statistics", "complaints:statistics", "complaints.statistics"),
]
