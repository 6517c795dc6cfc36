"""Problem messages for assessment (added to the shared catalogue when this app is imported)."""

from __future__ import annotations

from craftpath.core.problems import CATALOGUE

CATALOGUE.update(
    {
        "assessment.forbidden": ("您无权管理该评价活动。", "You may not manage this assessment."),
        "assessment.theory_weight_max": (
            "理论权重 {value} 超过上限 {max}（{source}）。请把理论权重调到 {max} 或以下。",
            "The theory weight {value} is above the maximum of {max} ({source}). Please set it to {max} or less.",
        ),
        "assessment.weights_sum": (
            "理论与实操权重之和应为 1（现为 {value}）。",
            "Theory and practice weights should add up to 1 (they add up to {value}).",
        ),
        "assessment.pass_mark": (
            "合格线 {value} 应在 0 到 100 之间。",
            "The pass mark {value} should be between 0 and 100.",
        ),
        "assessment.grade_not_examined": (
            "该等级不通过考核评价取得（只能评价学徒工至高级技师）。",
            "That grade is not obtained by assessment (only 学徒工 to 高级技师 are assessed).",
        ),
        "assessment.body_not_authorised": (
            "评价机构“{body}”在 {date} 未获授权评价 {occupation} 的“{grade}”等级。",
            'Assessment body "{body}" is not authorised for {occupation} at grade {grade} on {date}.',
        ),
        "assessment.ineligible": (
            "暂不符合{grade}的申报条件，未能报名。尚缺的条件如下；如有特殊情况，可请工会工作人员登记说明后报名。",
            "Not yet eligible to apply for {grade}, so the registration was not made. The missing conditions "
            "are listed below; in special cases union staff can register you with a recorded reason.",
        ),
        "assessment.missing_condition": ("{zh}", "{en}"),
        "assessment.already_registered": (
            "该会员已报名本次评价。",
            "This member is already registered for this assessment.",
        ),
        "assessment.closed": (
            "本次评价成绩已公布，不能再报名或修改成绩。",
            "Results of this assessment are published; registrations and scores can no longer change.",
        ),
        "assessment.score_range": (
            "{field}成绩“{value}”无效，应为 0 到 100 之间的数。",
            'The {field} score "{value}" is not valid; it should be a number from 0 to 100.',
        ),
        "assessment.unscored": (
            "还有 {value} 名考生没有成绩，请录入后再公布。",
            "{value} candidates have no scores yet; please enter them before publishing.",
        ),
        "assessment.appeal_window": (
            "申诉期已于 {value} 结束。",
            "The appeal window closed on {value}.",
        ),
        "assessment.not_published": (
            "成绩尚未公布，暂不能申诉。",
            "Results are not published yet, so there is nothing to appeal.",
        ),
        "assessment.appeal_closed": ("该申诉已处理。", "This appeal has already been decided."),
        "assessment.appeal_open": (
            "该成绩已有一项申诉正在处理，请等待处理结果；如需补充理由，请联系评价机构。",
            "An appeal against this result is already open; please wait for its decision, or contact the "
            "assessment body to add to it.",
        ),
        "assessment.not_candidate": (
            "该身份证号码的会员没有报名本次评价。",
            "The member with this ID number is not registered for this assessment.",
        ),
        "assessment.no_parameters": (
            "评价参数表中没有 {value} 当日适用的取值，请核对评价日期。",
            "The assessment parameter table has no values in force on {value}; please check the assessment date.",
        ),
        "assessment.appeal_days": (
            "申诉期天数 {value} 无效，应为 0 到 {max} 之间的整数。",
            "The appeal window of {value} days is not valid; it should be a whole number from 0 to {max}.",
        ),
        "assessment.override_staff_only": (
            "只有工会工作人员可以登记破格报名，并须说明理由。",
            "Only union staff can register an exception, and they must give a reason.",
        ),
    }
)
