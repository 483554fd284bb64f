"""Every change to the meetings register: one function per decision, atomic, in the ledger.

Views, the API, commands and the demo call these; nothing else saves a meetings record.
"""

from __future__ import annotations

from oversight.meetings.services.common import (
    MEMBER_ROLES,
    member_label,
    members_on,
    present_labels,
    roster,
    rules_for,
)
from oversight.meetings.services.consents import (
    circulate_consent,
    consent_result,
    sign_consent,
)
from oversight.meetings.services.delivery import (
    create_feed,
    find_feed,
    request_book,
    revoke_feed,
    send_due_reminders,
    send_next_reminder,
)
from oversight.meetings.services.records import (
    add_action_item,
    amend_minutes,
    circulate_minutes,
    close_action_item,
    deliver_board_report,
    draft_board_report,
    draft_minutes,
    draft_text,
    edit_board_report,
    edit_minutes,
    minutes_pdf,
    report_text,
)
from oversight.meetings.services.schedule import (
    ALLOWED_TYPES,
    LATE_HOURS,
    MAX_UPLOAD_BYTES,
    REMINDER_LEAD,
    add_agenda_item,
    add_proposed_items,
    cancel_meeting,
    mark_held,
    record_attendance,
    record_session,
    reschedule_meeting,
    schedule_meeting,
    upload_material,
)
from oversight.meetings.services.votes import (
    close_vote,
    put_motion,
    record_recusal,
    record_vote,
    set_voting_rules,
    tally,
)

__all__ = [
    "ALLOWED_TYPES",
    "LATE_HOURS",
    "MAX_UPLOAD_BYTES",
    "MEMBER_ROLES",
    "REMINDER_LEAD",
    "add_action_item",
    "add_agenda_item",
    "add_proposed_items",
    "amend_minutes",
    "cancel_meeting",
    "circulate_consent",
    "circulate_minutes",
    "close_action_item",
    "close_vote",
    "consent_result",
    "create_feed",
    "deliver_board_report",
    "draft_board_report",
    "draft_minutes",
    "draft_text",
    "edit_board_report",
    "edit_minutes",
    "find_feed",
    "mark_held",
    "member_label",
    "members_on",
    "minutes_pdf",
    "present_labels",
    "put_motion",
    "record_attendance",
    "record_recusal",
    "record_session",
    "record_vote",
    "report_text",
    "request_book",
    "reschedule_meeting",
    "revoke_feed",
    "roster",
    "rules_for",
    "schedule_meeting",
    "send_due_reminders",
    "send_next_reminder",
    "set_voting_rules",
    "sign_consent",
    "tally",
    "upload_material",
]
