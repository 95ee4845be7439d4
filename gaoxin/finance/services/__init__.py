"""Every write of the finance records, one module per concern: ``managers`` (fund managers, their funds and assets
under management), ``guidance`` (government guidance funds), ``events`` (capital events and the financing closed),
``loans`` (startup guarantee loans), ``matchmaking`` (the financing platform: certification, banks' products,
demands, proposals, outcomes, follow-ups), ``index`` (the SME growth index); ``inputs`` checks
what the officers type. Keyword-only, validated (an error names the field and changes nothing), atomic; 财政金融局
office staff only (``finance.policy``). Callers import the services from here."""

from gaoxin.finance.services.events import (
    ATTRIBUTION_DAYS,
    EVENT_SERIES,
    attribution_checked,
    deal_record,
    event_attend,
    event_create,
)
from gaoxin.finance.services.guidance import (
    commitment_add,
    committed_fen,
    exit_record,
    guidance_fund_register,
    invested_fen,
    investment_record,
    paid_in_fen,
    paid_in_record,
)
from gaoxin.finance.services.index import index_compute
from gaoxin.finance.services.inputs import wan_to_fen
from gaoxin.finance.services.loans import (
    MAX_TERM_MONTHS,
    OPEN_LOAN_STATES,
    REPAYMENT_MOVES,
    applicant_checked,
    jobs_checked,
    loan_apply,
    loan_decide,
    loan_grant,
    loan_repayment,
    phone_checked,
    requested_checked,
    subsidy_fen,
    term_checked,
)
from gaoxin.finance.services.managers import AMAC_NUMBER, amac_checked, aum_record, fund_register, manager_register
from gaoxin.finance.services.matchmaking import (
    ANSWER_WORKING_DAYS,
    OPEN_STATES,
    bank_register,
    bank_staff_add,
    certification_grant,
    certification_revoke,
    certified_enterprise_ids,
    demand_post,
    demand_rematch,
    demand_withdraw,
    follow_up_record,
    is_certified,
    loan_granted,
    product_save,
    proposal_answer,
)

__all__ = [
    "AMAC_NUMBER", "ANSWER_WORKING_DAYS", "ATTRIBUTION_DAYS", "EVENT_SERIES", "MAX_TERM_MONTHS", "OPEN_LOAN_STATES",
    "OPEN_STATES", "REPAYMENT_MOVES", "amac_checked", "applicant_checked", "attribution_checked", "aum_record",
    "bank_register", "bank_staff_add", "certification_grant", "certification_revoke", "certified_enterprise_ids",
    "commitment_add", "committed_fen", "deal_record", "demand_post", "demand_rematch", "demand_withdraw",
    "event_attend", "event_create", "exit_record", "follow_up_record", "fund_register", "guidance_fund_register",
    "index_compute", "invested_fen", "investment_record", "is_certified", "jobs_checked", "loan_apply",
    "loan_decide", "loan_grant", "loan_granted", "loan_repayment", "manager_register", "paid_in_fen",
    "paid_in_record", "phone_checked", "product_save", "proposal_answer", "requested_checked", "subsidy_fen",
    "term_checked", "wan_to_fen",
]
