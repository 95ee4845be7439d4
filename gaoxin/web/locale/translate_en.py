"""Fill locale/en/LC_MESSAGES/django.po from the table below and compile django.mo (pure Python, no gettext
tools needed): ``python gaoxin/web/locale/translate_en.py``. The compiled .mo is committed, so a fresh machine
without msgfmt serves English too. Refresh the .po first with ``makemessages -l en`` when strings change."""

from __future__ import annotations

import ast
import re
import struct
from pathlib import Path

EN = {
    # Domain labels (gaoxin/web/labels.py)
    "群众": "Citizen", "企业用户": "Enterprise user", "网格员": "Grid worker", "受理员": "Operator",
    "派遣员": "Dispatcher", "值班长": "Shift lead", "处置人员": "Handler", "助企干部": "Enterprise service cadre",
    "数据填报员": "Data officer", "领导": "Leader", "平台管理员": "Platform administrator",
    "已上报": "Reported", "已立案": "Registered", "已并案": "Merged", "已派遣": "Dispatched",
    "已签收": "Accepted", "已挂账": "Suspended", "已反馈": "Handled", "已办结": "Closed", "已回访": "Evaluated",
    "已重启": "Reopened", "批准延期": "Approve extension", "驳回延期": "Deny extension",
    "批准挂账": "Approve suspension", "驳回挂账": "Deny suspension", "核查通过": "Verified",
    "核查不通过": "Verification failed", "12345热线": "12345 hotline", "数字城管监督员": "City inspector",
    "网格员上报": "Grid worker report", "万人助万企走访": "Enterprise visit",
    "企业家接待日": "Entrepreneurs' reception day", "网上群众上报": "Public web report",
    "Open311": "Open311", "领导交办": "Assigned by a leader", "一般": "Normal", "紧急": "Urgent", "特急": "Critical",
    "基本满意": "Basically satisfied", "不满意": "Unsatisfied",
    "重大项目问题": "Key project problem",
    "当前角色无权访问此页面": "Your role may not open this page",
    "日期格式应为 YYYY-MM-DD": "Dates must be written YYYY-MM-DD",
    "编号格式不正确": "Invalid id",
    "未知的案件状态：%(s)s": "Unknown case state: %(s)s",
    "未知的来源渠道：%(s)s": "Unknown channel: %(s)s",
    "处置单位不存在": "No such handling unit",
    "未知的时限状态：%(s)s": "Unknown deadline status: %(s)s",
    "超期筛选只能是 0 或 1": "The overdue filter must be 0 or 1",
    "搜索词不能超过 100 字": "Search text may not exceed 100 characters",
    "未知的统计口径：%(s)s": "Unknown metric population: %(s)s",
    "未知的排序方式：%(s)s": "Unknown sort order: %(s)s",
    "翻页参数不正确": "Invalid page cursor",
    "未知的排序方式：%(sort)s": "Unknown sort order: %(sort)s",
    "提交被拒绝": "Submission refused",
    "验证题已过期，请重新作答": "The check question expired; please answer the new one",
    "验证题答案不正确": "Wrong answer to the check question",
    "生成查询码失败，请重试": "Could not create a tracking code; please try again",
    "查询码不存在，请核对后重新输入": "No such tracking code; please check it and try again",
    "评价说明不能超过 500 字": "The comment may not exceed 500 characters",
    "高新区运营平台": "High-tech Zone Operations platform",
    "退出": "Sign out",
    "导航": "Navigation",
    "受理工作台": "Intake workbench",
    "新建工单": "New order",
    "派遣工作台": "Dispatch workbench",
    "案件查询": "Cases",
    "运行大屏": "Dashboard",
    "处置工作台": "Handling workbench",
    "网格工作台": "Grid workbench",
    "管理后台": "Administration",
    "群众上报": "Public reporting",
    "办理": "Handle",
    "立案": "Register",
    "按描述推荐：": "Suggested from the description:",
    "匹配": "Matched",
    "类别": "Category",
    "紧急程度": "Urgency",
    "说明": "Note",
    "不予立案": "Reject",
    "理由（将告知反映人）": "Reason (sent to the reporter)",
    "并案": "Merge",
    "并入此案": "Merge into this case",
    "附近没有疑似重复的案件": "No likely duplicates nearby",
    "主案件编号": "Master case number",
    "派遣": "Dispatch",
    "责任矩阵建议": "Responsibility matrix proposes",
    "处置单位": "Handling unit",
    "派遣意见": "Dispatch note",
    "签收": "Sign for",
    "处置反馈": "Report the fix",
    "处置结果": "What was done",
    "现场照片": "On-site photo",
    "提交反馈": "Submit",
    "申请延期": "Request extension",
    "延期时长（%(unit)s）": "Extension (%(unit)s)",
    "理由": "Reason",
    "申请挂账": "Request suspension",
    "退单": "Return",
    "退单理由": "Reason for returning",
    "延期审批": "Extension request",
    "挂账审批": "Suspension request",
    "恢复办理": "Resume",
    "核查": "Verify",
    "核查说明（不通过时必填）": "Verification note (required when failing)",
    "核查照片": "Verification photo",
    "核查通过，结案": "Passed: close the case",
    "不通过，返工": "Failed: rework",
    "回访评价": "Callback rating",
    "满意度": "Satisfaction",
    "回访记录": "Callback note",
    "保存评价": "Save rating",
    "重启": "Reopen",
    "重启原因": "Reason for reopening",
    "重启案件": "Reopen case",
    "延期 %(n)s %(unit)s": "Extend %(n)s %(unit)s",
    "挂账": "Suspension",
    "批准": "Approve",
    "驳回": "Deny",
    "案件编号": "Case number",
    "问题描述": "Description",
    "属地": "Street",
    "状态": "State",
    "上报时间": "Reported",
    "期限": "Deadline",
    "操作": "Actions",
    "待批延期": "Extension pending",
    "待批挂账": "Suspension pending",
    "派遣至": "Dispatch to",
    "无建议单位": "No proposal",
    "改派": "Other unit",
    "核查通过并结案": "Verify and close",
    "没有符合条件的案件": "No matching cases",
    "第一页": "First page",
    "下一页": "Next page",
    "挂账停表": "Suspended (clock stopped)",
    "剩余工作日（负数为已超期）": "Working days left (negative: overdue)",
    "超期 %(d)s 个工作日": "Overdue %(d)s working days",
    "剩 %(d)s 个工作日": "%(d)s working days left",
    "案件": "Case",
    "基本信息": "Details",
    "来源": "Channel",
    "地址": "Address",
    "受理中心": "Operations center",
    "反映人": "Reporter",
    "（本次查看已记录审计）": "(this view was recorded in the audit log)",
    "查看目的（必填，将记录审计）": "Purpose (required, audited)",
    "查看完整信息": "Reveal",
    "时限": "Time limits",
    "立案时间": "Registered",
    "办理期限": "Deadline",
    "已延期 %(n)s 次": "extended %(n)s times",
    "预警时间": "Warning at",
    "当前环节期限": "Current step due",
    "办结时间": "Closed",
    "按期": "On time",
    "超期": "Overdue",
    "附件": "Attachments",
    "无附件": "No attachments",
    "办理过程": "History",
    "位置": "Location",
    "案件位置地图": "Map of the case location",
    "关键词": "Search",
    "编号 / 描述 / 地址": "Number / description / address",
    "全部": "All",
    "立案自": "Registered from",
    "立案至": "Registered to",
    "口径": "Population",
    "排序": "Sort",
    "查询": "Search",
    "重置": "Reset",
    "城运中心运行大屏": "Operations dashboard",
    "全区": "Whole zone",
    "开始": "From",
    "结束": "To",
    "地图着色": "Map shading",
    "案件密度": "Case density",
    "超期占比": "Overdue share",
    "件": "cases",
    "在办时限": "Open cases by deadline",
    "在办案件按已用时限：绿 < 80%%，黄 80%%–100%%，红 已超期（挂账停表不计）":
        "Open cases by share of the time limit used: green < 80%%, yellow 80%%–100%%, red overdue "
        "(suspended cases not counted)",
    "每日受理与办结": "Registered and closed per day",
    "每月受理与办结": "Registered and closed per month",
    "来源渠道": "Channels",
    "问题类别": "Categories",
    "网格分布": "Grid map",
    "按超期占比着色": "shaded by overdue share",
    "按案件密度着色": "shaded by case density",
    "点击网格下钻：全区 → 网格 → 微网格 → 案件。": "Click to drill down: zone → grid → micro-grid → cases.",
    "查看当前范围的案件": "Cases of this selection",
    "部门按期办结率排名": "Units ranked by on-time closure",
    "办结": "Closed",
    "按期办结": "Closed on time",
    "按期办结率": "On-time closure rate",
    "统计期内没有办结的案件": "No closed cases in the period",
    "数据更新于": "Updated",
    "每 60 秒自动刷新": "refreshes every 60 s",
    "出错了": "Error",
    "无权访问": "Forbidden",
    "未找到": "Not found",
    "请求有误": "Bad request",
    "返回工作台": "Back to the workbench",
    "工作台": "Workbench",
    "角色": "Role",
    "管辖范围": "Scope",
    "登录": "Sign in",
    "用户名": "Username",
    "密码": "Password",
    "群众上报问题（无需登录）": "Report a problem (no sign-in needed)",
    "群众上报问题": "Report a problem",
    "已有查询码？查询进度": "Have a tracking code? Follow your report",
    "路面破损、垃圾堆放、占道经营、噪声扰民……发现问题请告诉我们。提交后您将获得查询码，可随时查询办理进度并评价。":
        "Broken pavement, rubbish, street vending, noise… tell us. You get a tracking code to follow the case "
        "and rate the answer.",
    "问题类型（可不选，由受理员判断）": "Type (optional: the operator decides)",
    "不确定": "Not sure",
    "在地图上点击问题位置，或使用当前位置：": "Click the place on the map, or use your location:",
    "使用当前位置": "Use my location",
    "经度": "Longitude",
    "纬度": "Latitude",
    "照片（可选，JPEG/PNG/WebP，不超过 5 MB）": "Photo (optional, JPEG/PNG/WebP, up to 5 MB)",
    "称呼（可选）": "Name (optional)",
    "联系电话（可选，仅工作人员可见）": "Phone (optional, seen only by staff)",
    "网址（请勿填写）": "Website (leave empty)",
    "验证题：": "Check question:",
    "提交": "Submit",
    "进度查询": "Follow a report",
    "我要上报": "Report a problem",
    "查询码": "Tracking code",
    "提交成功！请保存您的查询码：": "Submitted! Keep your tracking code:",
    "当前状态": "Status",
    "问题类型": "Type",
    "提交时间": "Submitted",
    "您的评价": "Your rating",
    "办理进度": "Progress",
    "评价办理结果": "Rate the answer",
    "意见（可选）": "Comment (optional)",
    "提交评价": "Submit rating",
    "请选择": "Choose",
    "其他": "Other",
    "新建12345工单": "New 12345 order",
    "筛选": "Filter",
    "未分配网格": "No grid assigned",
    "已上报，案件编号 %(reported)s": "Reported as case %(reported)s",
    "上报事件": "Report an event",
    "上报": "Report",
    "待核查": "To verify",
    "通过": "Pass",
    "不通过": "Fail",
    "暂无待核查的案件": "Nothing to verify",
    "12345 工单号": "12345 order number",
    "诉求类型": "Request type",
    "按类别默认": "Category default",
    "案件类别": "Category",
    "联系电话": "Phone",
    "照片": "Photo",
    "提交工单": "Create order",
    "最多上传 %(n)d 张照片": "At most %(n)d photos",
    "照片不能超过 %(mb)d MB": "Photos may not exceed %(mb)d MB",
    "只能上传 JPEG、PNG 或 WebP 格式的照片": "Only JPEG, PNG or WebP photos are accepted",
    "预警": "Warning",
    "正常": "Normal",
    "最新上报": "Newest reports",
    "最早上报": "Oldest reports",
    "最新立案": "Newest registrations",
    "期限最近": "Nearest deadline",
    "受理": "Registered",
    "已评价": "Rated",
    "满意": "Satisfied",
    "请选择是或否": "Choose yes or no",
    "请选择案件类别": "Choose a category",
    "并入案件不存在": "No such master case",
    "延期时长必须是整数": "The extension must be a whole number",
    "当前角色无权执行此操作": "Your role may not do this",
    "版本号不正确": "Invalid version",
    "机构不存在": "No such unit",
    "未知的统计期": "Unknown period",
    "开始日期不能晚于结束日期": "The start may not be after the end",
    "统计期不能超过五年": "The period may not exceed five years",
    "网格不存在": "No such grid",
    "未知的着色方式": "Unknown shading",
    "参数不正确": "Invalid parameters",
    "坐标格式不正确": "Invalid coordinates",
    "请选择问题类型": "Choose a type",
    "提交过于频繁，请一小时后再试": "Too many reports; please try again in an hour",
    "未知的页签：%(t)s": "Unknown tab: %(t)s",
    "待受理": "New",
    "已立案待派遣": "Registered, awaiting dispatch",
    "待派遣": "To dispatch",
    "待审批": "To approve",
    "待核查结案": "To verify and close",
    "待回访": "Callbacks",
    "待签收": "To sign for",
    "处置中": "In progress",
    "诉求类型不存在": "No such request type",
    "近7天": "7 days",
    "近30天": "30 days",
    "近90天": "90 days",
    "近一年": "1 year",
    # Ledgers (issue 20)
    "台账": "Ledgers",
    # Issues 14–20: report, year close, provenance, enterprise pages, ledgers, projects, land
    "%(year)s 年": "Year %(year)s", "暂无数值": "No value yet", "模拟数据": "Simulated data",
    "%(year)s 年已关账：以上为关账快照中的数值。":
        "%(year)s is closed: the value above comes from the year-close snapshot.",
    "按当前记录计算": "From current records",
    "与关账值不同；如需更正，请在年度关账页登记调整":
        "differs from the closed value; to correct it, record an adjustment on the year close page",
    "定义": "Definition", "出处": "Provenance", "计算函数": "Function", "参数": "parameters",
    "计入的记录": "Records counted", "分母记录": "Denominator records",
    "计入 ÷ 分母 × 100（按指标精度）": "Counted ÷ denominator × 100 (at the indicator's precision)",
    "按指标精度": "at the indicator's precision", "记录数（按指标精度）": "Record count (at the indicator's precision)",
    "与指标值一致": "Matches the indicator value", "一致": "Matches", "不一致": "Does not match",
    "导出记录清单 (Excel)": "Export the records (Excel)", "在业务列表中查看": "View in the business list",
    "编号": "No.", "记录": "Record", "第 %(page)s / %(pages)s 页": "Page %(page)s of %(pages)s",
    "上一页": "Previous page", "填报": "Submission", "填报人": "Submitted by", "审核人": "Reviewed by",
    "审核时间": "Reviewed at", "无证明材料": "No supporting documents",
    "尚无已审核的填报（填报部门 %(owner)s）。": "No reviewed submission yet (submitting unit: %(owner)s).",
    "公式": "Formula", "参考值": "Reference value", "模拟": "Simulated", "填报记录": "Submissions",
    "登记宗地": "Register parcel", "不动产单元代码（28位）": "Real estate unit code (28 characters)",
    "宗地名称": "Parcel name", "用途": "Land use", "宗地界址（GeoJSON 面）": "Parcel boundary (GeoJSON polygon)",
    "登记": "Register", "宗地": "Parcel", "一码档案": "One-code dossier", "不动产单元代码": "Real estate unit code",
    "面积": "Area", "平方米": "m²", "亩": "mu", "出让": "Land supply", "价款": "price", "万元": "×10k yuan",
    "拿地到四证齐全": "Land acquisition to all four permits", "天": "days",
    "出让合同编号": "Land supply contract number", "合同签订日期": "Contract date", "出让方式": "Supply method",
    "出让价款（万元）": "Land price (10k yuan)",
    "受让企业（统一社会信用代码）": "Land user (unified social credit code)", "工业定制地": "Custom industrial land",
    "标准地": "Standard land", "容积率": "Floor area ratio",
    "投资强度（万元/亩）": "Investment intensity (10k yuan/mu)", "亩均产出（万元/亩）": "Output per mu (10k yuan/mu)",
    "亩均税收（万元/亩）": "Tax per mu (10k yuan/mu)", "登记出让": "Register land supply",
    "尚未出让": "Not supplied yet", "四证": "Four permits", "尚未发证": "No permits issued yet",
    "证号": "Permit number", "发证": "Issue permit", "投入产出监管协议核验": "Input-output agreement checks",
    "年度": "Year", "时点": "Checkpoint", "结果": "Result", "未达标": "Not met", "达标": "Met", "约定": "agreed",
    "实际": "actual", "尚未核验": "Not checked yet", "核验": "Check", "宗地日志": "Parcel log",
    "一码管地：宗地": "One code for land: parcels", "供地与四证": "Land supply and permits",
    "一码查询": "One-code lookup", "宗地代码或名称": "Parcel code or name", "全部用途": "All land uses",
    "已出让": "Supplied",
    "共 %(count)s 宗，%(area_m2)s 平方米（约 %(area_mu)s 亩）":
        "%(count)s parcels, %(area_m2)s m² (about %(area_mu)s mu)",
    "点击地图上的位置，打开该处宗地的一码档案。": "Click a place on the map to open the dossier of the parcel there.",
    "宗地代码": "Parcel code", "名称": "Name", "面积（亩）": "Area (mu)", "暂无宗地": "No parcels yet",
    "%(year)s 年供地与四证": "Land supply and permits in %(year)s",
    "共 %(n)s 宗，出让面积约 %(area_mu)s 亩": "%(n)s parcels, about %(area_mu)s mu supplied",
    "出让合同": "Land supply contract", "签订日期": "Signed on", "方式": "Method",
    "拿地到四证齐全（天）": "Land acquisition to four permits (days)", "重大项目库": "Key projects",
    "红黄绿灯": "Traffic lights", "项目地图": "Project map", "月报 Excel": "Monthly reports (Excel)",
    "我的项目": "My projects", "项目问题": "Project problems", "签约合同": "Signed contracts",
    "%(year)s 年签约合同": "Contracts signed in %(year)s",
    "共 %(n)s 份，签约金额 %(total)s 万元（%(total_yi|floatformat:1)s 亿元）":
        "%(n)s contracts worth %(total)s ×10k yuan (%(total_yi|floatformat:1)s ×100M yuan)",
    "合同编号": "Contract number", "项目": "Project", "签约企业": "Signing enterprise", "签约日期": "Signed on",
    "金额（万元）": "Amount (10k yuan)", "投资主体": "Investor", "级别 / 类别": "Level / category",
    "总投资": "Total investment", "调整后": "adjusted",
    "年度计划 / 上年末累计": "Annual plan / cumulative to last year-end",
    "计划开工 / 实际开工": "Planned start / actual start", "项目管家": "Project steward",
    "进入下一阶段：%(next_label)s": "Advance to the next stage: %(next_label)s", "未满足：": "Not met: ",
    "日期": "Date", "推进": "Advance", "里程碑": "Milestones", "节点": "Milestone", "计划日期": "Planned date",
    "最迟（工作日宽限）": "Latest (grace in working days)", "完成": "Done", "宽限工作日": "Grace (working days)",
    "设置节点": "Set milestone", "签约方": "Counterparty", "新签合同": "New contract", "变更": "Amend",
    "变更说明": "Amendment note", "保存": "Save", "项目宗地": "Project parcels",
    "投资月报": "Monthly investment reports", "年": "Year", "月": "Month", "形象进度": "Physical progress",
    "报送月报": "Submit monthly report", "月份": "Month", "本月": "This month", "自年初累计": "Year to date",
    "自开始建设累计": "Since construction start", "建筑": "Building works", "安装": "Installation", "设备": "Equipment",
    "报送": "Submitted", "迟报": "Late", "按时": "On time", "尚无月报": "No monthly reports yet", "开工": "Start",
    "序时进度": "Progress to schedule", "月报": "Monthly report", "综合": "Overall", "暂无问题": "No problems",
    "反映问题": "Report a problem", "项目日志": "Project log",
    "一码管地：宗地档案": "One code for land: parcel dossier",
    "宗地代码（19位）或不动产单元代码（28位）": "Parcel code (19 characters) or real estate unit code (28 characters)",
    "未找到该宗地（或无权查看）": "No such parcel (or you may not view it)", "供地": "Land supply",
    "受让企业": "Land user", "出让价款": "Land price", "标准地 / 工业定制地": "Standard land / custom industrial land",
    "控制指标": "Control targets", "投资强度": "Investment intensity", "亩均产出": "Output per mu",
    "亩均税收": "Tax per mu", "万元/亩": "10k yuan/mu", "一天发四证": "four permits in one day",
    "四证未齐": "Four permits not complete", "未发": "Not issued", "项目与投资主体": "Projects and investors",
    "月度进展": "Monthly progress", "问题": "Problems", "投资月报 Excel": "Monthly investment reports (Excel)",
    "投资月报 Excel 导入导出": "Monthly investment reports: Excel import and export",
    "下载月报模板": "Download the report template", "导出 %(year)s 年月报": "Export the %(year)s monthly reports",
    "已导入 %(written)s 条月报": "Imported %(written)s monthly reports", "行": "Row", "错误": "Errors",
    "有错误时下载标注错误的工作簿": "If there are errors, download the workbook with the errors marked",
    "上传并导入": "Upload and import",
    "逐行校验平衡关系，任何一行有错，整个文件都不导入；错误说明指出单元格。":
        "Every row is checked to balance; if any row has an error, nothing in the file is imported. Each error names "
        "its cell.",
    "红黄绿灯看板": "Traffic light board",
    "红黄绿灯看板 %(year)s 年 %(month)s 月": "Traffic light board, %(year)s month %(month)s", "切换": "Go",
    "红灯": "Red", "黄灯": "Yellow", "绿灯": "Green",
    "月报完整性：项目 %(n)s 个，按时 %(a)s，迟报 %(b)s，未报 %(c)s":
        "Monthly report completeness: %(n)s projects, %(a)s on time, %(b)s late, %(c)s missing",
    "落后序时（百分点）": "Behind schedule (percentage points)",
    "本月尚未计算红黄绿灯": "Traffic lights not computed yet for this month", "登记项目": "Register project",
    "项目名称、编号或投资主体": "Project name, number or investor", "全部级别": "All levels",
    "全部类别": "All categories", "全部阶段": "All stages", "省市重点": "Provincial or city key projects",
    "共 %(n)s 个项目，总投资 %(total)s 万元，年度计划 %(plan)s 万元":
        "%(n)s projects, total investment %(total)s ×10k yuan, annual plan %(plan)s ×10k yuan",
    "项目名称": "Project name", "级别": "Level", "阶段": "Stage", "总投资（万元）": "Total investment (10k yuan)",
    "没有符合条件的项目": "No matching projects",
    "重大项目地图 %(year)s 年 %(month)s 月": "Key project map, %(year)s month %(month)s",
    "月度完成投资（万元）": "Investment completed per month (10k yuan)", "全部项目": "All projects",
    "其中省市重点": "of which provincial or city key projects", "登记重大项目": "Register key project",
    "项目编号": "Project number", "投资主体（统一社会信用代码）": "Investor (unified social credit code)",
    "计划年度": "Plan year", "年度计划投资（万元）": "Annual planned investment (10k yuan)",
    "项目级别": "Project level", "项目类别": "Project category", "计划开工日期": "Planned start date",
    "项目管家（登录名）": "Project steward (username)",
    "共 %(n)s 个问题，未办结 %(open)s 个": "%(n)s problems, %(open)s not closed", "类型": "Type", "进度": "Progress",
    "反映时间": "Reported", "%(year)s 年度关账": "Year close %(year)s", "指标总数": "Indicators in total",
    "其中模拟数据": "of which simulated",
    "以下指标暂无数值，关账后将以“暂无数值”冻结：":
        "These indicators have no value yet and will be frozen as “no value yet” at the close: ",
    "关账前先查看年终答卷": "Review the year-end report before closing",
    "已核对全部指标，确认关账": "I have checked every indicator: close the year",
    "关闭 %(year)s 年度": "Close %(year)s", "已于 %(at)s 由 %(by)s 关账": "Closed on %(at)s by %(by)s",
    "项指标": "indicators", "快照摘要": "snapshot digest",
    "年终答卷（读取关账快照）": "Year-end report (from the year-close snapshot)",
    "关账后记录发生变化的指标": "Indicators whose records changed after the close", "指标": "Indicators",
    "关账值": "Closed value", "按当前记录": "From current records", "调整": "Adjustment",
    "调整原因": "Reason for the adjustment", "登记调整": "Record adjustment",
    "没有：全部指标与关账时一致。": "None: every indicator still matches its closed value.",
    "关账日志": "Year close log", "时间": "Time", "操作人": "User", "原数值": "Old value", "新数值": "New value",
    "关账": "Year close", "简体中文": "简体中文", "English": "English",
    "日期须在 %(a)s–%(b)s 年之间": "Dates must lie between %(a)s and %(b)s", "编号超出范围": "Id out of range",
    "该验证题已使用，请重新作答": "That check question was already used; please answer the new one",
    "页面不存在": "Page not found",
    "您要打开的页面不存在，或地址有误。": "The page you asked for does not exist, or the address is wrong.",
    "返回首页": "Back to the home page", "系统出错": "System error", "督办通知": "Supervision notices",
    "填报审核": "Submission review", "企业库": "Enterprises", "年终答卷": "Year-end report", "年度关账": "Year close",
    "指标填报": "Indicator submission", "登记走访": "Record a visit", "已退单": "Returned",
    "问题描述原文：": "Original description: ", "导出 CSV": "Export CSV",
    "按当前筛选条件导出，个人信息脱敏": "Exports the current selection, with personal data masked",
    "共 %(n)s 条": "%(n)s records", "第 %(p)s / %(n)s 页": "Page %(p)s of %(n)s",
    "企业提出的问题（每个问题转为案件，按职责派给责任单位）":
        "Problems raised by the enterprise (each becomes a case, dispatched to the responsible unit)",
    "责任单位（可不填，由系统按职责分派）": "Responsible unit (optional: the system assigns one by responsibility)",
    "统一社会信用代码": "Unified social credit code", "所属办事处": "Sub-district office", "行业": "Industry",
    "所属产业链": "Industrial chain", "联系人": "Contact", "资质": "Qualifications", "认定日期": "Recognized on",
    "认定机构": "Recognized by", "文号": "Document number", "无": "None", "走访记录": "Visits",
    "走访日期": "Visit date", "走访干部": "Cadre", "单位": "Unit", "走访情况": "Visit notes",
    "企业问题": "Enterprise problems", "提出日期": "Raised on", "责任单位": "Responsible unit",
    "导出 Excel": "Export Excel", "名称或信用代码": "Name or credit code", "办事处": "Sub-district office",
    "产业链": "Industrial chain", "资质年度": "Qualification year", "仅当年新增": "New that year only",
    "企业名称": "Enterprise name", "企业规模": "Size", "没有符合条件的企业": "No matching enterprises",
    "接待领导": "Receiving leader", "地点": "Place", "参加部门": "Departments present",
    "参加企业": "Enterprises present",
    "提出 %(raised)s 个，已解决 %(resolved)s 个": "%(raised)s raised, %(resolved)s resolved", "企业": "Enterprise",
    "登记企业提出的问题": "Record problems raised by enterprises",
    "企业（统一社会信用代码或企业全称）": "Enterprise (unified social credit code or full name)",
    "保存问题": "Save problems", "登记接待日": "Record a reception day",
    "登记企业家接待日": "Record an entrepreneurs' reception day", "接待日期": "Reception date", "主题": "Topic",
    "接待日期起": "Received from", "接待日期止": "Received to", "问题（已解决 / 提出）": "Problems (resolved / raised)",
    "没有符合条件的接待日": "No matching reception days", "参与人员": "Participants",
    "计划回访日期": "Planned follow-up date", "保存走访": "Save visit", "走访日期起": "Visited from",
    "走访日期止": "Visited to", "有问题": "With problems", "无问题": "Without problems",
    "没有符合条件的走访": "No matching visits", "导出": "Export", "导出案件": "Case export", "我的导出": "My exports",
    "已导出 %(done)s / %(total)s 行": "Exported %(done)s of %(total)s rows", "下载 CSV": "Download CSV",
    "个人信息已脱敏；文件保留 7 天。": "Personal data is masked; the file is kept for 7 days.",
    "导出失败：": "Export failed: ",
    "正在后台导出，完成后可在此下载；也可稍后在“我的导出”中查看。":
        "Exporting in the background: download it here when it is done, or later from “My exports”.",
    "刷新进度": "Refresh progress", "申请时间": "Requested", "行数": "Rows", "文件": "File", "下载": "Download",
    "还没有导出记录。在案件查询页面筛选后点击“导出”。":
        "No exports yet. Filter on the Cases page, then click “Export CSV”.",
    "导出文件保留 7 天。": "Export files are kept for 7 days.",
    "连续输错密码 %(n)s 次，账户将锁定 %(m)s 分钟。":
        "After %(n)s wrong passwords in a row, the account is locked for %(m)s minutes.",
    "暂时无法保存": "Cannot save right now",
    "请稍等几秒后刷新本页或重新提交。": "Please wait a few seconds, then reload this page or submit again.",
    "待确认 %(n)s 条": "%(n)s to acknowledge",
    "已确认案件 %(number)s 的督办": "Acknowledged the supervision notice for case %(number)s",
    "待确认": "To acknowledge", "环节": "Step",
    "第 %(first)s–%(last)s 条，共 %(total)s 条": "%(first)s–%(last)s of %(total)s", "督办时间": "Issued",
    "上级单位": "Superior unit", "督办内容": "Notice", "确认": "Acknowledgement",
    "%(at)s 已确认": "Acknowledged %(at)s", "确认收到": "Acknowledge receipt",
    "待责任单位确认": "Awaiting the responsible unit", "没有督办通知": "No supervision notices",
    "案件 %(number)s 已办理，当前状态：%(state)s。":
        "Case %(number)s has already been handled; current state: %(state)s.",
    "页码应为正整数": "The page must be a positive whole number", "%(label)s应为数字": "%(label)s must be a number",
    "%(label)s格式不正确（应为 YYYY-MM-DD）": "%(label)s must be written YYYY-MM-DD",
    "%(label)s应在 2000–2100 年之间": "%(label)s must lie between 2000 and 2100",
    "未知的资质类型：%(q)s": "Unknown qualification: %(q)s", "未知的产业链：%(c)s": "Unknown industrial chain: %(c)s",
    "请填写企业的统一社会信用代码或名称": "Enter the enterprise's unified social credit code or name",
    "企业库中没有“%(t)s”（或不在您的管辖范围内）":
        "No enterprise “%(t)s” in the directory (or it is outside your scope)",
    "“%(t)s”对应多家企业，请填写统一社会信用代码":
        "“%(t)s” matches several enterprises; enter the unified social credit code",
    "已登记对 %(e)s 的走访，提出问题 %(n)s 个，已转为案件办理。":
        "Visit to %(e)s recorded; the %(n)s problems raised are now handled as cases.",
    "当前角色无权登记接待日问题": "Your role may not record reception day problems",
    "已登记 %(e)s 提出的问题 %(n)s 个，已转为案件办理。":
        "Recorded %(n)s problems raised by %(e)s; they are now handled as cases.",
    "导出尚未完成": "The export is not finished yet",
    "网格员上报须附至少一张现场照片": "A grid worker's report needs at least one on-site photo",
    "请使用当前位置或在地图上选点": "Use your location or pick a point on the map",
    "案件 %(number)s 的位置不在您负责的网格内，将由所在网格核查。":
        "Case %(number)s lies outside your grid; the grid it lies in will verify it.",
    "未知的环节：%(n)s": "Unknown step: %(n)s",
    "页码必须是 1 到 100000 之间的整数": "The page must be a whole number from 1 to 100000",
    "督办通知不存在或无权查看": "No such supervision notice, or you may not view it",
    # the same pages' msgids that makemessages wrapped over several .po lines (fill() reads one-line msgids only)
    "单位万元。自年初累计 = 上月自年初累计 + 本月；= 四项构成之和；自开始建设累计 = 上年末累计 + 自年初累计；不超过总"
    "投资。每月25日前报送。":
        "Amounts in 10k yuan. Year to date = last month's year to date + this month = the sum of the four components; "
        "since construction start = cumulative to last year-end + year to date, at most the total investment. Submit "
        "by the 25th of each month.",
    "关账后，%(year)s 年的年终答卷、指标页和出处一律读取关账快照：每项指标的数值、定义（及其版本）、输入和所依据记录的"
    "编号与摘要。此后记录的变化不会悄悄改变该年度的数字：变化会在本页列出，只能由领导说明原因后登记调整，答卷另列“调整"
    "说明”。":
        "After the close, the %(year)s year-end report, indicator pages and provenance all read the year-close "
        "snapshot: each indicator's value, definition (and its version), inputs, and the numbers and summaries of the "
        "records behind it. Later changes to records do not quietly change that year's figures: they are listed on "
        "this page, a leader records an adjustment stating the reason, and the report lists them under “Adjustments”.",
    "处理您的请求时出错，已记录，运维人员会处理。您刚才提交的内容可能没有保存，请稍后返回上一页核对。":
        "Something went wrong while handling your request. It has been logged and the operations staff will see to "
        "it. What you just submitted may not have been saved; please go back to the previous page later and check.",
    "时限超过时，系统每五分钟督办一次：签收、处置、核查各环节及办结期限，发给责任单位及其上级单位；由责任单位或其上级"
    "单位确认收到。":
        "When a time limit passes (signing for, handling, verification, or the closing deadline), the system issues a "
        "supervision notice, checking every five minutes, to the responsible unit and its superior unit; either of "
        "them acknowledges receipt.",
    "案件 %(number)s 已办理，当前状态：%(state)s；该案件已不在您的办理范围内。":
        "Case %(number)s has already been handled; current state: %(state)s. It is no longer yours to handle.",
}

HERE = Path(__file__).resolve().parent
PO = HERE / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def fill() -> dict[str, str]:
    lines = PO.read_text(encoding="utf-8").splitlines()
    out, catalog, missing = [], {}, []
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r'^msgid (".*")$', line)
        if m and i + 1 < len(lines) and lines[i + 1].startswith("msgstr "):
            msgid = _unquote(m.group(1))
            out.append(line)
            if msgid:
                translation = EN.get(msgid, "")
                if not translation:
                    missing.append(msgid)
                out.append(f"msgstr {_quote(translation)}")
                catalog[msgid] = translation
            else:
                out.append(lines[i + 1])
            i += 2
            continue
        if line.startswith("#, fuzzy"):
            i += 1
            continue
        out.append(line)
        i += 1
    text = "\n".join(out) + "\n"
    text = text.replace('"Content-Type: text/plain; charset=CHARSET\\n"',
                        '"Content-Type: text/plain; charset=UTF-8\\n"')
    PO.write_text(text, encoding="utf-8")
    if missing:
        print("untranslated:", *missing, sep="\n  ")
    return {k: v for k, v in catalog.items() if v}


def compile_mo(catalog: dict[str, str]) -> None:
    """GNU .mo format: header, two offset tables, then the strings."""
    po_header = "Content-Type: text/plain; charset=UTF-8\nLanguage: en\nPlural-Forms: nplurals=2; plural=(n != 1);\n"
    entries = {"": po_header, **catalog}
    keys = sorted(entries)
    ids = b"".join(k.encode() + b"\0" for k in keys)
    strs = b"".join(entries[k].encode() + b"\0" for k in keys)
    n = len(keys)
    start = 7 * 4 + n * 16
    id_offsets, str_offsets, pos = [], [], 0
    for k in keys:
        length = len(k.encode())
        id_offsets += [length, start + pos]
        pos += length + 1
    base, pos = start + len(ids), 0
    for k in keys:
        length = len(entries[k].encode())
        str_offsets += [length, base + pos]
        pos += length + 1
    header = struct.pack("Iiiiiii", 0x950412DE, 0, n, 7 * 4, 7 * 4 + n * 8, 0, 0)
    MO.write_bytes(header + struct.pack(f"{2 * n}i", *id_offsets) + struct.pack(f"{2 * n}i", *str_offsets)
                   + ids + strs)


if __name__ == "__main__":
    compile_mo(fill())
    print(f"wrote {MO}")
