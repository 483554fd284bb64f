"""Meetings rules: who may vote, quorum, motion outcomes, written consent, the calendar.

Pure functions over frozen dataclasses; the date is always a parameter.

Rule ids (``AC-MTG-01``..``06`` come from the rule catalogue; ``AC-MTG-1x`` are this
package's own, for rules the catalogue leaves to bylaws and practice):

- ``AC-MTG-01``: at least four meetings per fiscal year (the proposed calendar).
- ``AC-MTG-06``: minutes and quorum; quorum is a majority of members unless the
  charter or bylaws configure another rule.
- ``AC-MTG-10``: eligibility to vote: a member of the committee on the meeting date,
  recorded present, not recused from the motion, one vote per motion.
- ``AC-MTG-11``: the outcome of a motion by the configured voting rule.
- ``AC-MTG-12``: a motion needs a second (when the rules require one) by a member
  other than the mover.
- ``AC-MTG-13``: action by unanimous written consent between meetings.
- ``AC-MTG-14``: the proposed annual calendar: a regular meeting before each 10-Q
  and the 10-K, covering the charter's recurring duties.
"""

from __future__ import annotations
