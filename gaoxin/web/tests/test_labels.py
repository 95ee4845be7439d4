"""Every domain label the web pages show is in the web catalog, with an English translation."""

from django.utils import translation

from gaoxin.accounts.roles import Role
from gaoxin.cases import metrics, workflow
from gaoxin.cases.models import Channel, Satisfaction, Urgency
from gaoxin.compute.models import Attempt, ComputeJob, Pool, Provider
from gaoxin.compute.placement import REASON_LABELS
from gaoxin.compute.workflow import MOVE_LABELS
from gaoxin.finance.models import (
    CapitalEvent,
    Commitment,
    Exit,
    FinancingDeal,
    FinancingDemand,
    Fund,
    Investment,
    Proposal,
    StartupLoan,
)
from gaoxin.indicators.models import Indicator, SourceDocument, Submission
from gaoxin.notify.models import SmsMessage
from gaoxin.policies.models import BenefitItem, Decision, Objection, ParameterValue, Policy
from gaoxin.web.labels import DOMAIN_LABELS


def _all_labels():
    return {str(label) for label in [*Role.labels, *workflow.STATES.values(), *workflow.ACTIONS.values(),
                                     *Channel.labels, *Urgency.labels, *Satisfaction.labels,
                                     *Indicator.Source.labels, *Indicator.Measure.labels, *Indicator.PeriodType.labels,
                                     *Submission.Status.labels, *SourceDocument.Kind.labels,
                                     *SmsMessage.Kind.labels, *SmsMessage.State.labels,
                                     *Policy.Status.labels, *BenefitItem.Route.labels, *ParameterValue.Unit.labels,
                                     *Decision.Status.labels, *Objection.Outcome.labels,
                                     *Fund.Stage.labels, *Fund.Currency.labels, *Commitment.Source.labels,
                                     *Investment.Round.labels, *Exit.Kind.labels, *StartupLoan.Kind.labels,
                                     *StartupLoan.Status.labels, *CapitalEvent.Kind.labels, *FinancingDeal.Kind.labels,
                                     *FinancingDemand.Collateral.labels, *FinancingDemand.Status.labels,
                                     *Proposal.Answer.labels,
                                     *[label for _, label in ComputeJob.STATE_CHOICES + Attempt.STATE_CHOICES],
                                     *Pool.Scheduler.labels, *Pool.Status.labels, *Provider.Kind.labels,
                                     *MOVE_LABELS.values(), *REASON_LABELS.values(),
                                     *[post["name"] for post in metrics.POSTS.values()],
                                     *metrics.POST_COUNTS.values()]}


def test_the_list_covers_every_domain_label():
    assert _all_labels() - set(DOMAIN_LABELS) == set()


def test_every_domain_label_reads_in_english():
    with translation.override("en"):
        untranslated = sorted(label for label in _all_labels()
                              if translation.gettext(label) == label and label != "Open311")
    assert untranslated == []
    with translation.override("en"):
        assert translation.gettext("已办结") == "Closed"


def test_pages_show_labels_in_english(people, client_for):
    from gaoxin.cases.tests.conftest import report

    case = report(people.citizen)
    client = client_for(people.a_operator)
    client.cookies["django_language"] = "en"
    body = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Reported" in body
    assert "已上报" not in body
