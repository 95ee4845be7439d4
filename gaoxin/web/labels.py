"""The domain apps' choice labels (roles, case states and actions, channels, urgency, satisfaction) as the web pages
show them. The labels are Chinese data of their apps; the web pages translate them at display time
(``{% translate label %}``), and ``makemessages``, which scans only this app, finds them here. A test checks that
this list covers every label of those choices."""

from __future__ import annotations

from django.utils.translation import gettext_noop

DOMAIN_LABELS = (
    # accounts.roles.Role
    gettext_noop("群众"), gettext_noop("企业用户"), gettext_noop("网格员"), gettext_noop("受理员"),
    gettext_noop("派遣员"), gettext_noop("值班长"), gettext_noop("处置人员"), gettext_noop("助企干部"),
    gettext_noop("数据填报员"), gettext_noop("领导"), gettext_noop("平台管理员"),
    # cases.workflow.STATES
    gettext_noop("已上报"), gettext_noop("已立案"), gettext_noop("不予立案"), gettext_noop("已并案"),
    gettext_noop("已派遣"), gettext_noop("已签收"), gettext_noop("已挂账"), gettext_noop("已反馈"),
    gettext_noop("已办结"), gettext_noop("已回访"), gettext_noop("已重启"),
    # cases.workflow.ACTIONS
    gettext_noop("上报"), gettext_noop("立案"), gettext_noop("并案"), gettext_noop("派遣"),
    gettext_noop("签收"), gettext_noop("退单"), gettext_noop("申请延期"), gettext_noop("批准延期"),
    gettext_noop("驳回延期"), gettext_noop("申请挂账"), gettext_noop("批准挂账"), gettext_noop("驳回挂账"),
    gettext_noop("恢复办理"), gettext_noop("处置反馈"), gettext_noop("核查通过"), gettext_noop("核查不通过"),
    gettext_noop("回访评价"), gettext_noop("重启"),
    # cases.models.Channel, Urgency, Satisfaction
    gettext_noop("12345热线"), gettext_noop("数字城管监督员"), gettext_noop("网格员上报"),
    gettext_noop("万人助万企走访"),
    gettext_noop("企业家接待日"), gettext_noop("网上群众上报"), gettext_noop("Open311"), gettext_noop("领导交办"),
    gettext_noop("一般"), gettext_noop("紧急"), gettext_noop("特急"), gettext_noop("满意"),
    gettext_noop("基本满意"), gettext_noop("不满意"),
    gettext_noop("重大项目问题"),  # cases.models.Channel.PROJECT (issue 17)
    # indicators.models.Indicator.Source, Measure, PeriodType; Submission.Status; SourceDocument.Kind
    gettext_noop("平台计算"), gettext_noop("部门填报"), gettext_noop("派生计算"), gettext_noop("数量"),
    gettext_noop("金额"), gettext_noop("占比"), gettext_noop("增长率"), gettext_noop("比率"), gettext_noop("排名"),
    gettext_noop("年度"), gettext_noop("草稿"), gettext_noop("已提交"), gettext_noop("已审核"), gettext_noop("已退回"),
    gettext_noop("已撤回"), gettext_noop("政府工作报告"), gettext_noop("完成比例"), gettext_noop("能力"),
    gettext_noop("面积"), gettext_noop("时长"),
    # cases.models.FieldCheck.Result
    gettext_noop("属实"), gettext_noop("不属实"),
    # cases.metrics.POSTS, POST_COUNTS (岗位评价)
    gettext_noop("处置员"), gettext_noop("网格员（监督员）"), gettext_noop("立案数"), gettext_noop("派遣数"),
    gettext_noop("被退单数"), gettext_noop("处置反馈数"), gettext_noop("被返工数"), gettext_noop("有效上报数"),
    gettext_noop("核查数"),
    # notify.models.SmsMessage.Kind; core.outbox.OutboxMessage.State
    gettext_noop("派遣通知"), gettext_noop("领导批示"), gettext_noop("核实任务"), gettext_noop("办结告知"),
    gettext_noop("不予立案告知"), gettext_noop("政策免申即享通知"), gettext_noop("待发送"), gettext_noop("已送达"),
    gettext_noop("发送失败（需人工处理）"),
    # policies.models: Policy.Status, BenefitItem.Route, ParameterValue.Unit, Decision.Status, Objection.Outcome
    gettext_noop("已发布"), gettext_noop("免申即享"), gettext_noop("快申快享"), gettext_noop("元"),
    gettext_noop("万元"), gettext_noop("比例"), gettext_noop("已匹配待确认"), gettext_noop("已确认"),
    gettext_noop("已申报待审核"), gettext_noop("已通过审核"), gettext_noop("不予兑现"), gettext_noop("公示中"),
    gettext_noop("公示无异议"), gettext_noop("异议成立撤销"), gettext_noop("已拨付"), gettext_noop("已追回"),
    gettext_noop("待处理"), gettext_noop("异议成立"), gettext_noop("异议不成立"),
    # finance.models.Fund.Stage, Currency
    gettext_noop("天使投资"), gettext_noop("创业投资"), gettext_noop("成长期投资"), gettext_noop("并购投资"),
    gettext_noop("母基金"), gettext_noop("人民币"), gettext_noop("美元"),
    # finance.models.Commitment.Source, Investment.Round, Exit.Kind, StartupLoan.Kind, StartupLoan.Status
    gettext_noop("高新区财政"), gettext_noop("市级财政"), gettext_noop("省级财政"), gettext_noop("社会资本"),
    gettext_noop("种子轮"), gettext_noop("天使轮"), gettext_noop("A 轮"), gettext_noop("B 轮"),
    gettext_noop("C 轮及以后"), gettext_noop("Pre-IPO 轮"), gettext_noop("并购"), gettext_noop("上市退出"),
    gettext_noop("股权转让"), gettext_noop("回购"), gettext_noop("清算"), gettext_noop("个人创业"),
    gettext_noop("小微企业"), gettext_noop("已受理"), gettext_noop("已担保待放款"), gettext_noop("不予担保"),
    gettext_noop("还款中"), gettext_noop("逾期"), gettext_noop("已结清"), gettext_noop("已代偿"),
    # finance.models.CapitalEvent.Kind, FinancingDeal.Kind
    gettext_noop("项目路演"), gettext_noop("投融资对接会"), gettext_noop("银企对接会"), gettext_noop("股权融资"),
    gettext_noop("债权融资"), gettext_noop("未关联产业链"),
    # finance.models.FinancingDemand.Collateral, Status; Proposal.Answer
    gettext_noop("无（信用）"), gettext_noop("房产土地抵押"), gettext_noop("设备抵押"), gettext_noop("知识产权质押"),
    gettext_noop("应收账款质押"), gettext_noop("担保公司担保"), gettext_noop("待匹配"), gettext_noop("对接中"),
    gettext_noop("已放款"), gettext_noop("未获贷款"), gettext_noop("已撤回"), gettext_noop("待答复"),
    gettext_noop("有意向，已对接"), gettext_noop("不予受理"),
    # finance/data/sme_index.yaml: the indicators' labels
    gettext_noop("营业收入增长率"), gettext_noop("从业人员增长率"), gettext_noop("研发投入强度"),
    gettext_noop("资质认定得分"), gettext_noop("人均纳税额"), gettext_noop("人均营业收入"),
    gettext_noop("融资额占营业收入比"),
    # finance/ledger.py: the importable ledgers
    gettext_noop("基金管理机构台账"), gettext_noop("引导基金投资台账"), gettext_noop("企业融资台账"),
    gettext_noop("创业担保贷款台账"),
    # compute.models: ComputeJob and Attempt states, Pool.Scheduler and Status, Provider.Kind; compute.workflow
    # MOVE_LABELS; compute.placement REASON_LABELS
    gettext_noop("排队中"), gettext_noop("已调度"), gettext_noop("运行中"), gettext_noop("已完成"),
    gettext_noop("失败"), gettext_noop("已撤销"), gettext_noop("已下发"), gettext_noop("资源池排队"),
    gettext_noop("作业失败"),
    gettext_noop("资源池丢失"), gettext_noop("资源池拒绝"), gettext_noop("资源池失联"),
    gettext_noop("Slurm（slurmrestd）"),
    gettext_noop("模拟调度器"), gettext_noop("接入中"), gettext_noop("已暂停"), gettext_noop("政府算力中心"),
    gettext_noop("企业自有集群"), gettext_noop("高校院所"), gettext_noop("提交"), gettext_noop("调度到资源池"),
    gettext_noop("开始运行"), gettext_noop("完成"), gettext_noop("改派"), gettext_noop("无资源池可承接"),
    gettext_noop("撤销"), gettext_noop("没有满足资源、GPU 型号或站点要求的资源池"),
    gettext_noop("能承接的资源池都已拒绝、丢失或失联"), gettext_noop("所有可用资源池的预估费用都超出预算"),
    gettext_noop("任何资源池都无法在截止时间前完成"), gettext_noop("资源池暂无空闲资源，排队等待"),
    gettext_noop("可用资源池暂时失联或不在开放时段"),
)
