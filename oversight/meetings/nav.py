from __future__ import annotations

NAV = [
    ("Calendar", "meetings:list", "meetings.view"),
    ("Proposed annual calendar", "meetings:annual", "meetings.view"),
    ("Written consents", "meetings:consents", "meetings.read_reports"),
    ("Resolutions", "meetings:resolutions", "meetings.read_reports"),
    ("Quorum and voting rules", "meetings:voting-rules", "meetings.view"),
    ("Calendar feed", "meetings:feed", "meetings.view"),
]
