"""Problem messages for jobs (added to the shared catalogue when this app is imported)."""

from __future__ import annotations

from craftpath.core.problems import CATALOGUE

CATALOGUE.update(
    {
        "jobs.member_unknown": (
            "找不到会员编号为“{value}”的会员，或该会员不属于您管辖的组织。"
            "请从会员页面复制会员编号（一串字母数字，形如 1b4e28ba-2fa1-11d2-883f-0016d3cca427）。",
            'No member with the member ID "{value}" in your organisations. Copy the member ID from the '
            "member's page (letters and digits like 1b4e28ba-2fa1-11d2-883f-0016d3cca427).",
        ),
        "jobs.stale": (
            "保存前“{field}”已被他人改为“{value}”，本次修改未保存。请刷新页面，查看最新内容后再改。",
            'Someone changed "{field}" to "{value}" after you opened this page, so nothing was saved. '
            "Reload the page to see the latest and make your change again.",
        ),
        "jobs.forbidden": ("您无权管理该岗位或求职登记。", "You may not manage this opening or job seeker."),
        "jobs.title_required": ("请填写岗位名称。", "Please enter the job title."),
        "jobs.region_unknown": (
            "地区代码 {value} 不在国家行政区划代码（GB/T 2260）中，请填写6位代码，如 320102。",
            "Region code {value} is not in the national division codes (GB/T 2260); "
            "please use a 6-digit code such as 320102.",
        ),
        "jobs.grade": (
            "等级“{value}”无法识别。请填写等级名称（学徒工、初级工、中级工、高级工、技师、高级技师、特级技师、"
            "首席技师，繁体亦可）、国家职业技能等级（五级至一级，如“三级”），或等级序号 0–7"
            "（0 为学徒工，2 为中级工，4 为技师，7 为首席技师）。",
            'Grade "{value}" is not recognised. Use a grade name (学徒工, 初级工, 中级工, 高级工, 技师, 高级技师, '
            '特级技师, 首席技师, simplified or traditional, or the English name such as "Senior worker"), '
            'a national level (五级 to 一级, such as 三级 or "level 3"), or the grade number 0-7 '
            "(0 apprentice, 2 intermediate worker, 4 technician, 7 chief technician).",
        ),
        "jobs.grade_file": (
            "等级“{value}”无法识别。请填写等级名称（学徒工、初级工、中级工、高级工、技师、高级技师、特级技师、"
            "首席技师，繁体亦可）或国家职业技能等级（五级至一级）；只写数字时按级别读，与页面一致："
            "5 即五级（初级工），4 即四级（中级工），3 即三级（高级工），2 即二级（技师），1 即一级（高级技师）。"
            "学徒工、特级技师、首席技师没有级别数字，请写名称。",
            'Grade "{value}" is not recognised. Write a grade name (such as 高级工, 高級工 or "Senior worker") '
            "or a national level (五级 to 一级). A bare number is read as the level the pages show: "
            "5 = level 5 (junior worker), 4 = level 4 (intermediate worker), 3 = level 3 (senior worker), "
            "2 = level 2 (technician), 1 = level 1 (senior technician). Apprentice (学徒工), 特级技师 and "
            "首席技师 have no level number; write their names.",
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
        "jobs.date_future": (
            "日期 {value} 在今天（{today}）之后。请在这一步实际发生后再登记；不填日期即为今天。",
            "The date {value} is after today ({today}). Record a step once it has happened; "
            "leave the date empty for today.",
        ),
        "jobs.back_date": (
            "退回到“{target_zh}”时不能填写日期：退回只撤销之后的步骤，“{target_zh}”仍保留原来的日期 {kept}。"
            "请清空日期后再提交；退回的原因和登记日期记录在历史中。",
            'Moving back to "{target_en}" takes no date: it only undoes the later steps, and "{target_en}" '
            "keeps its original date {kept}. Clear the date and submit again; the reason and the day of the "
            "correction are kept in the history.",
        ),
        "jobs.transition_closed": (
            "该推荐已是“{current_zh}”，不能直接变为“{target_zh}”。如需更正，请先退回到{back_zh}（需填写原因），"
            "再按 推荐 → 面试 → 录用/未录用 的顺序登记。",
            'This referral is "{current_en}" and cannot go straight to "{target_en}". To correct it, first move it '
            "back to {back_en} (with a reason), then record the steps in order: referred → interviewed → "
            "hired / not hired.",
        ),
        "jobs.k": ("每人结果数应在 1 到 100 之间。", "The number of results per person should be between 1 and 100."),
        "jobs.import_duplicate_row": (
            "本行的编号 {value} 已在第 {row} 行出现过，只导入第 {row} 行。如果是不同的岗位，请给本行另编一个编号。",
            "Reference {value} was already used on row {row}; only row {row} is imported. "
            "If this is a different opening, give this row a reference of its own.",
        ),
        "jobs.import_duplicate_same": (
            "本行与第 {row} 行是同一个岗位（{detail_zh}），只导入第 {row} 行。"
            "如果是不同的岗位，请在“编号”列为每行填写各自的编号。",
            "This row is the same opening as row {row} ({detail_en}); only row {row} is imported. "
            'If they are different openings, give each row its own reference in the "编号 ref" column.',
        ),
        "jobs.import_quote": (
            "文件第 {line} 行的引号没有闭合（{start}……），其后各行都被读进了同一格。"
            "请补上闭合的引号或去掉多余的引号，再重新导入；本文件的内容都没有导入。",
            "The quote opened on line {line} of the file is never closed ({start}...), so the lines after it "
            "were read into one cell. Add the closing quote or remove the stray one and import again; "
            "nothing from this file was imported.",
        ),
        "jobs.title_too_long": (
            "岗位名称有 {length} 个字，超过 {limit} 个字的上限。请只填写岗位名称（如“数控车工”），"
            "把岗位职责、任职要求等内容放到“岗位描述”中。",
            "The job title is {length} characters long, over the limit of {limit}. Enter only the title "
            '(such as "CNC lathe operator") and put duties and requirements in the description.',
        ),
        "jobs.expires_past": (
            "截止日期 {value} 已经过去（今天是 {today}），不能发布已截止的岗位。"
            "请填写今天或以后的日期，或不填截止日期。",
            "The closing date {value} has passed (today is {today}), so the opening cannot be posted. "
            "Give today or a later date, or leave the closing date empty.",
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
