"""Problem messages for jobs (added to the shared catalogue when this app is imported)."""

from __future__ import annotations

from craftpath.core.problems import CATALOGUE

CATALOGUE.update(
    {
        "jobs.forbidden": ("您无权管理该岗位或求职登记。", "You may not manage this opening or job seeker."),
        "jobs.title_required": ("请填写岗位名称。", "Please enter the job title."),
        "jobs.region_unknown": (
            "地区代码 {value} 不在国家行政区划代码（GB/T 2260）中，请填写6位代码，如 320102。",
            "Region code {value} is not in the national division codes (GB/T 2260); "
            "please use a 6-digit code such as 320102.",
        ),
        "jobs.grade": (
            "等级“{value}”无法识别，请填写 0–7 或“高级工”“三级”这样的名称。",
            'Grade "{value}" is not recognised; use 0-7 or a name like 高级工 or 三级.',
        ),
        "jobs.pay": (
            "薪酬“{value}”应为每月元数（整数），如 6000。",
            'Pay "{value}" should be whole yuan per month, such as 6000.',
        ),
        "jobs.pay_too_high": (
            "薪酬“{value}”数额过大，请核对是否多输了位数（单位为元/月）。",
            'Pay "{value}" is too large; please check for extra digits (whole yuan per month).',
        ),
        "jobs.hour_value": (
            "“{value}”不能作为每小时时间价值，请填写 0 或正数（元/小时；0 表示只比较费用）。",
            '"{value}" cannot be the value of an hour; give 0 or a positive number of yuan (0 compares money only).',
        ),
        "jobs.pay_order": (
            "最低薪酬（{low}）高于最高薪酬（{high}），请核对。",
            "The lowest pay ({low}) is above the highest ({high}); please check both.",
        ),
        "jobs.status": (
            "状态“{value}”无效，可选：{choices}。",
            'Status "{value}" is not valid; choose one of: {choices}.',
        ),
        "jobs.union": (
            "请选择发布岗位的工会（您管辖范围内），或先为该用人单位关联工会。",
            "Please choose the posting union (within your organisation), or link the employer to a union first.",
        ),
        "jobs.no_consent": (
            "该会员尚未同意参加岗位匹配，请先征得本人同意并在会员信息中登记。",
            "This member has not agreed to job matching; ask them first and record their consent on the member record.",
        ),
        "jobs.seeker_exists": (
            "该会员已有求职登记，请直接修改。",
            "This member already has a job-seeker record; edit it instead.",
        ),
        "jobs.not_open": (
            "该岗位已不再招聘（{value_zh}），无法推荐。",
            "This opening is no longer taking applicants ({value_en}), so no referral can be made.",
        ),
        "jobs.seeker_not_active": (
            "该求职者目前为“{value_zh}”状态，不在求职中，无法推荐。如本人仍在找工作，请先将状态改为“求职中”。",
            'This job seeker is marked "{value_en}", not looking for work, so no referral can be made. '
            'If they are looking again, set their status to "Looking for work" first.',
        ),
        "jobs.already_referred": (
            "该求职者已被推荐到这个岗位。",
            "This job seeker has already been referred to this opening.",
        ),
        "jobs.transition": (
            "推荐状态不能从“{current_zh}”直接变为“{target_zh}”。请按 推荐 → 面试 → 录用/未录用 的顺序登记。",
            'A referral cannot go from "{current_en}" straight to "{target_en}". '
            "Record it in order: referred → interviewed → hired / not hired.",
        ),
        "jobs.reason_required": (
            "将推荐状态退回到“{target_zh}”需要填写原因。",
            'Moving a referral back to "{target_en}" needs a reason.',
        ),
        "jobs.date_order": (
            "日期 {value} 早于上一步的日期 {previous}，请核对。",
            "The date {value} is before the previous step's date {previous}; please check it.",
        ),
        "jobs.k": ("每人结果数应在 1 到 100 之间。", "The number of results per person should be between 1 and 100."),
        "jobs.import_duplicate_row": (
            "本文件中编号 {value} 出现了多次（另见第 {row} 行），只导入第一次出现的那一行。",
            "Reference {value} appears more than once in this file (see also row {row}); only the first is imported.",
        ),
        "jobs.no_occupation": (
            "无法自动确定职业编码，已导入并标记为待人工编码。",
            "No occupation code could be found automatically; the opening was imported and marked for coding by hand.",
        ),
        "jobs.target": (
            "请选择一个目标：本职业的下一等级，或另一个职业。",
            "Please choose a target: the next grade in your occupation, or another occupation.",
        ),
    }
)
