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
