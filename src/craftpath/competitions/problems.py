"""Problem messages for competitions and posts (added to the shared catalogue on import)."""

from __future__ import annotations

from craftpath.core.problems import CATALOGUE

CATALOGUE.update(
    {
        "competition.name_required": ("请填写竞赛名称。", "Please enter the competition's name."),
        "competition.tier": (
            "竞赛级别“{value}”无效，可选：{choices}。",
            'Competition tier "{value}" is not valid; choose one of: {choices}.',
        ),
        "competition.event_size": (
            "参赛形式应为单人(1)、双人(2)或三人(3)。",
            "The event size should be single (1), pair (2) or trio (3).",
        ),
        "competition.entrants": (
            "参赛人数“{value}”无效，应为正整数。",
            'The number of entrants "{value}" is not valid; it should be a whole number of at least 1.',
        ),
        "competition.region": ("地区码 {value} 不存在。", "Region code {value} does not exist."),
        "competition.rank": (
            "名次“{value}”无效，应为 1 到参赛人数（{entrants}）之间的整数。",
            'Rank "{value}" is not valid; it should be a whole number from 1 to the number of entrants ({entrants}).',
        ),
        "competition.prize": (
            "奖项“{value}”无效，可选：金牌、银牌、铜牌、优胜奖、无。",
            'Prize "{value}" is not valid; choose gold, silver, bronze, excellence or none.',
        ),
        "competition.unknown_member": (
            "找不到该会员，或该会员不在您管辖的工会中。",
            "No such member, or the member is not in your unions.",
        ),
        "competition.duplicate_row": (
            "该会员在本文件中出现了多次（第 {value} 行已有）。",
            "This member appears more than once in the file (already on row {value}).",
        ),
        "competition.result_exists": (
            "该会员在本竞赛中已有成绩（第 {value} 名），如需更正请先核对。",
            "This member already has a result in this competition (rank {value}); please check before correcting it.",
        ),
        "competition.result_locked": (
            "该成绩已用于晋升并发证，不能再修改。",
            "This result has already led to a promotion certificate and can no longer change.",
        ),
        "competition.file_has_problems": (
            "文件中有 {value} 行存在问题，本次没有录入任何成绩；请更正后重新上传整个文件。",
            "{value} rows of the file have problems, so no result was recorded; please correct them and upload "
            "the whole file again.",
        ),
        "posts.grade": (
            "岗位等级应为特级技师(6)或首席技师(7)。",
            "The post grade should be 特级技师 (6) or 首席技师 (7).",
        ),
        "posts.quota": (
            "岗位数额“{value}”无效，应为正整数。",
            'Quota "{value}" is not valid; it should be at least 1.',
        ),
        "posts.not_employee": (
            "该会员不是本单位职工，不能提名到本单位岗位。",
            "This member is not an employee of this employer, so cannot be nominated to its post.",
        ),
        "posts.not_eligible": (
            "暂不符合{grade}岗位的提名条件，未能提名。尚缺的条件如下。",
            "Not yet eligible to be nominated to a {grade} post, so no nomination was made. "
            "The missing conditions are listed below.",
        ),
        "posts.missing_condition": ("{zh}", "{en}"),
        "posts.already_open": (
            "该会员在此岗位已有提名或聘任。",
            "This member already has an open nomination or appointment for this post.",
        ),
        "posts.quota_full": (
            "该岗位 {value} 个名额已满，需有人解聘后才能再聘任。",
            "All {value} places of this post are filled; someone's appointment has to end first.",
        ),
        "posts.wrong_status": (
            "当前状态为“{value}”，不能进行该操作。",
            'The appointment is "{value}", so this step is not possible.',
        ),
        "posts.never_by_competition": (
            "特级技师、首席技师为聘任岗位，不通过竞赛或考核取得。",
            "特级技师 and 首席技师 are appointed posts; they are never obtained by competition or exam.",
        ),
    }
)
