"""Every write of a case, one package per concern:

- ``intake`` — 上报: a new case, located and routed, with its first event;
- ``handling`` — 立案 to 反馈; ``closure`` — 核查, 回访, 重启: one service per workflow transition;
- ``engine`` — the one write path they share: lock, action policy (``cases.policy``), what the transition
  changes (``cases.transitions``), the hash-chained event, roll-ups, attachments, effects (``cases.effects``);
- ``numbering`` — case numbers; ``supervision`` — the overdue marking and 督办 notices.

Each service is atomic, checks the actor's role and scope and the case's state, and writes exactly one
immutable, hash-chained ``CaseEvent``. What the outside world must hear is written in the same transaction (the
12345 reply outbox), so it commits or rolls back with the change. A refused move raises ``ApplicationError``
(Chinese message, stable ``code``) and changes nothing. Callers import the services from here.
"""

from gaoxin.cases.services.closure import case_evaluate, case_reopen, case_verify
from gaoxin.cases.services.handling import (
    case_accept,
    case_approve_extension,
    case_approve_suspension,
    case_dispatch,
    case_dispatch_many,
    case_feedback,
    case_merge,
    case_register,
    case_reject,
    case_request_extension,
    case_request_suspension,
    case_resume,
    case_return,
)
from gaoxin.cases.services.intake import case_report
from gaoxin.cases.services.numbering import case_number, case_number_last_serials
from gaoxin.cases.services.supervision import (
    case_instruct,
    case_supervise_overdue,
    instruction_acknowledge,
    supervision_notice_acknowledge,
)

__all__ = [
    "case_accept",
    "case_approve_extension",
    "case_approve_suspension",
    "case_dispatch",
    "case_dispatch_many",
    "case_evaluate",
    "case_feedback",
    "case_merge",
    "case_number",
    "case_number_last_serials",
    "case_register",
    "case_reject",
    "case_report",
    "case_request_extension",
    "case_request_suspension",
    "case_resume",
    "case_return",
    "case_reopen",
    "case_supervise_overdue",
    "case_verify",
    "supervision_notice_acknowledge",
    "case_instruct",
    "instruction_acknowledge",
]
