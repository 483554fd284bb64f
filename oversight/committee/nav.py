from __future__ import annotations

NAV = [
    ("Committee", "committee:overview", "committee.view"),
    ("Membership timeline", "committee:timeline", "committee.view"),
    ("Register", "committee:register", "committee.manage"),
    ("What if", "committee:whatif", "committee.whatif"),
    ("Questionnaires", "committee:questionnaires", "committee.questionnaire_answer"),
    ("Proxy disclosure", "committee:disclosure", "committee.disclosure"),
]
