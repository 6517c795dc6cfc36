"""Problem messages for training (added to the shared catalogue when this app is imported)."""

from __future__ import annotations

from craftpath.core.problems import CATALOGUE

CATALOGUE.update(
    {
        "training.provider_identity": (
            "培训机构须关联工会组织，或填写统一社会信用代码。",
            "A training provider needs a union organisation or a unified social credit code.",
        ),
        "training.forbidden": (
            "您无权管理该培训机构或课程。",
            "You may not manage this training provider or course.",
        ),
        "training.hours_split": (
            "理论学时与实操学时之和（{value}）应等于总学时（{hours}）。",
            "Theory hours plus practice hours ({value}) should equal the total hours ({hours}).",
        ),
        "training.value": ("“{field}”的值“{value}”无效。", 'The value "{value}" for "{field}" is not valid.'),
        "training.too_large": (
            "“{field}”的值“{value}”过大，最多为 {limit}。",
            'The value "{value}" for "{field}" is too large; it can be at most {limit}.',
        ),
        "training.task_index": (
            "职业 {occupation} 没有第 {value} 项工作任务（共 {count} 项）。",
            "Occupation {occupation} has no task number {value} (it has {count}).",
        ),
        "training.subsidy_over_cost": ("补贴不能高于费用。", "The subsidy cannot be higher than the cost."),
        "training.closed": (
            "该课程已停止报名。",
            "This course no longer takes enrolments.",
        ),
        "training.already_enrolled": (
            "您已报名该课程（{value}）。",
            "You are already on this course ({value}).",
        ),
        "training.not_active": (
            "该报名当前状态为“{value}”，无法执行此操作。",
            'This enrolment is "{value}", so that cannot be done now.',
        ),
        "training.session_hours": (
            "学时（{value}）超过了该课次的时长（最多 {limit} 学时）。",
            "{value} hours is more than this session can hold (at most {limit}).",
        ),
        "training.session_not_started": (
            "该课次 {value} 才开始，不能提前记录出勤。",
            "This session starts on {value}; attendance cannot be recorded before it.",
        ),
        "training.session_course": (
            "该课次不属于此课程。",
            "That session belongs to another course.",
        ),
    }
)
