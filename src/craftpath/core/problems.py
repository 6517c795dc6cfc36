"""User-facing problems: a stable code plus a clear, gentle message in Chinese and English.

Every validation error that reaches a person (a page, the API, an import report, the CLI) is a
:class:`Problem`, so the same wording appears everywhere and both languages stay in step.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

# code -> (Chinese, English). Placeholders are filled from Problem.params.
CATALOGUE: dict[str, tuple[str, str]] = {
    "id.length": (
        "身份证号码应为18位，请核对后重新填写。",
        "A resident ID number has 18 characters; please check it and enter it again.",
    ),
    "id.chars": (
        "身份证号码前17位应为数字，最后一位为数字或X。",
        "The first 17 characters of an ID number are digits and the last is a digit or X.",
    ),
    "id.region": (
        "身份证号码开头的地区码无效，请核对前两位。",
        "The region code at the start of the ID number is not valid; please check the first two digits.",
    ),
    "id.birth_date": (
        "身份证号码中的出生日期无效，请核对第7至14位。",
        "The birth date inside the ID number is not a real date; please check digits 7-14.",
    ),
    "id.future_birth": (
        "身份证号码中的出生日期在今天之后，请核对。",
        "The birth date inside the ID number is in the future; please check it.",
    ),
    "id.checksum": (
        "身份证号码校验位不正确，可能有一位输错了，请逐位核对。",
        "The check character of the ID number does not match; one digit is probably mistyped. Please check each digit.",
    ),
    "uscc.length": ("统一社会信用代码应为18位。", "A unified social credit code has 18 characters."),
    "uscc.chars": (
        "统一社会信用代码含有无效字符（不使用I、O、Z、S、V）。",
        "The unified social credit code has characters that are not allowed (I, O, Z, S and V are never used).",
    ),
    "uscc.checksum": (
        "统一社会信用代码校验位不正确，请逐位核对。",
        "The check character of the unified social credit code does not match; please check each character.",
    ),
    "member.duplicate": (
        "该身份证号码的会员已经登记（{where}），无需重复登记。",
        "A member with this ID number is already registered ({where}); no need to register again.",
    ),
    "member.name_required": ("请填写姓名。", "Please enter the member's name."),
    "member.phone": ("手机号码应为11位数字，以1开头。", "A mobile number has 11 digits and starts with 1."),
    "member.union_required": ("请选择会员所在的基层工会。", "Please choose the member's grassroots union."),
    "member.union_not_grassroots": (
        "会员只能登记在基层工会下。",
        "Members are registered under a grassroots union only.",
    ),
    "member.union_forbidden": ("您无权在该工会下登记会员。", "You may not register members under that union."),
    "member.stale": (
        "该会员信息已被他人修改，请刷新后再编辑。",
        "Someone else changed this member since you opened it; please reload and edit again.",
    ),
    "employment_form.invalid": (
        "就业形态“{value}”无效，可选：{choices}。",
        'Employment form "{value}" is not valid; choose one of: {choices}.',
    ),
    "employer.unknown": (
        "找不到统一社会信用代码为 {value} 的用人单位，请先登记该单位。",
        "No employer with credit code {value} is registered; please register the employer first.",
    ),
    "org.unknown": ("找不到编码为 {value} 的工会组织。", "No union organisation with code {value} exists."),
    "occupation.unknown": (
        "职业编码 {value} 不在2022年版职业分类大典中，请核对（格式如 6-31-01-03）。",
        "Occupation code {value} is not in the 2022 classification; please check it (format like 6-31-01-03).",
    ),
    "occupation.not_leaf": (
        "{value} 是职业大类/中类/小类，请填写具体职业（第四级）编码。",
        "{value} is a group, not an occupation; please use a fourth-level occupation code.",
    ),
    "occupation.duplicate": (
        "职业编码 {value} 已存在，请改用修改。",
        "Occupation code {value} already exists; correct it instead of adding it.",
    ),
    "grade.unknown": (
        "技能等级“{value}”无法识别，请填写如“高级工”或“三级”。",
        'Skill grade "{value}" is not recognised; use a name like 高级工 or 三级.',
    ),
    "grade.bare_number": (
        "技能等级“{value}”：只写数字时按国家职业技能等级读，5 即五级（初级工），4 即四级（中级工），"
        "3 即三级（高级工），2 即二级（技师），1 即一级（高级技师）。"
        "学徒工、特级技师、首席技师没有级别数字，请写名称。",
        'Skill grade "{value}": a bare number is read as the national level, as on a certificate: '
        "5 = 五级 (junior worker), 4 = 四级 (intermediate worker), 3 = 三级 (senior worker), "
        "2 = 二级 (technician), 1 = 一级 (senior technician). 学徒工, 特级技师 and 首席技师 have no level "
        "number: write the name.",
    ),
    "grade.not_in_occupation": (
        "职业 {occupation} 没有“{grade}”这一等级。",
        "Occupation {occupation} has no grade {grade}.",
    ),
    "grade.post_by_exam": (
        "特级技师、首席技师为聘任岗位，只能通过评聘取得。",
        "特级技师 and 首席技师 are appointed posts; they are obtained by appointment only.",
    ),
    "date.invalid": (
        "日期“{value}”无法识别，请使用 2024-03-01 这样的格式。",
        'Date "{value}" is not recognised; please use a format like 2024-03-01.',
    ),
    "date.future": ("日期 {value} 在今天之后，请核对。", "The date {value} is in the future; please check it."),
    "date.end_before_start": (
        "结束日期早于开始日期，请核对。",
        "The end date is before the start date; please check both.",
    ),
    "date.before_birth": (
        "日期 {value} 早于出生日期，请核对。",
        "The date {value} is before the member was born; please check it.",
    ),
    "certificate.too_young": (
        "证书发证日期时会员未满16周岁，请核对日期或身份证号码。",
        "The member was under 16 on the certificate's issue date; please check the date or the ID number.",
    ),
    "certificate.duplicate": (
        "证书编号 {value} 已登记在另一名会员名下。",
        "Certificate number {value} is already recorded for another member.",
    ),
    "certificate.how": (
        "取得方式“{value}”无效，可选：{choices}。",
        'How obtained "{value}" is not valid; choose one of: {choices}.',
    ),
    "diploma.kind": (
        "学历/毕业证类型“{value}”无效，可选：{choices}。",
        'Diploma kind "{value}" is not valid; choose one of: {choices}.',
    ),
    "history.overlap": (
        "该职业经历与已有经历在同一职业上时间重叠，已合并计算。",
        "This occupation history overlaps an existing one for the same occupation; the overlap is counted once.",
    ),
    "file.empty": ("文件是空的。", "The file is empty."),
    "file.too_large": (
        "文件超过 {limit} 的上限，请拆分后分批导入。",
        "The file is larger than the {limit} limit; please split it and import the parts.",
    ),
    "file.format": (
        "无法读取该文件，请上传 .xlsx 或 .csv（UTF-8 或 GBK 编码）。",
        "This file cannot be read; please upload .xlsx or .csv (UTF-8 or GBK).",
    ),
    "file.encoding": (
        "无法识别文件编码，请另存为 UTF-8 或 GBK 的 CSV。",
        "The file's text encoding is not recognised; please save it as CSV in UTF-8 or GBK.",
    ),
    "file.columns": (
        "缺少必需的列：{value}。请使用导入模板。",
        "Required columns are missing: {value}. Please use the import template.",
    ),
    "row.required": ("“{column}”不能为空。", '"{column}" must not be empty.'),
    "row.too_long": (
        "“{column}”过长，最多 {limit} 个字符，请核对。",
        '"{column}" is too long: at most {limit} characters; please check it.',
    ),
    "import.row_conflict": (
        "同一文件中该会员出现了多次且信息不一致（第 {value} 行）。",
        "This member appears more than once in the file with different details (row {value}).",
    ),
    "import.unknown_member": (
        "本文件的会员表中没有该身份证号码，您管辖的工会中也没有登记该会员。",
        "This ID number is neither on the file's Members sheet nor registered in your unions.",
    ),
    "import.member_row_failed": (
        "该会员在会员表中的那一行有问题未导入，本行一并跳过。",
        "This member's row on the Members sheet has problems and was not imported, so this row was skipped too.",
    ),
    "import.flag": (
        "“{value}”不是是/否，请填写“是”或“否”。",
        '"{value}" is not yes or no; please enter 是 (yes) or 否 (no).',
    ),
    "import.record_type": (
        "记录类型“{value}”无效，可选：会员、职业经历、学历、证书。",
        'Record type "{value}" is not valid; choose one of: member, history, diploma, certificate.',
    ),
    "import.all_or_nothing": (
        "已选择“全部无误才导入”，有 {value} 行存在问题，本次没有导入任何数据。",
        "All-or-nothing was chosen and {value} rows have problems, so nothing was imported.",
    ),
    "import.crashed": (
        "导入因系统错误中止，已完成的分块已保存，可修正后重新导入同一文件。",
        "The import stopped on a system error; finished chunks are saved and re-importing the same file is safe.",
    ),
    "import.too_many_problems": (
        "问题过多，报告只列出前 {value} 条。",
        "Too many problems; the report lists the first {value} only.",
    ),
    "access.not_found": ("找不到该记录，或您无权查看。", "That record does not exist or you may not see it."),
    # Requests the API refuses before any action runs (wrong types, missing fields).
    "request.missing": ("缺少必填项“{field}”。", 'The field "{field}" is required.'),
    "request.date": (
        "“{field}”的值“{value}”不是有效日期，请写成 2026-01-31 这样的格式。",
        '"{field}" should be a date such as 2026-01-31; got "{value}".',
    ),
    "request.number": ("“{field}”应为数字，收到“{value}”。", '"{field}" should be a number; got "{value}".'),
    "request.boolean": (
        "“{field}”应为 true 或 false，收到“{value}”。",
        '"{field}" should be true or false; got "{value}".',
    ),
    "request.id": ("“{field}”不是有效的编号：“{value}”。", '"{field}" is not a valid id: "{value}".'),
    "request.too_long": ("“{field}”过长，最多 {limit} 个字符。", '"{field}" is too long: at most {limit} characters.'),
    "request.json": (
        "请求内容不是有效的 JSON，请检查引号、逗号和括号。",
        "The request body is not valid JSON; check its quotes, commas and brackets.",
    ),
    "request.nul": (
        "输入中含有不可见的空字符（NUL），无法保存或查询。请删除后重试（常见于从其他系统复制粘贴的文字）。",
        "The input contains an invisible NUL character, which cannot be saved or searched. Remove it and try "
        "again (it often comes with text pasted from another system).",
    ),
    "request.invalid": ("“{field}”的值无效：{detail}", '"{field}" is not valid: {detail}'),
}


@dataclass(frozen=True)
class Problem:
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    field: str = ""

    @property
    def zh(self) -> str:
        return _fill(CATALOGUE.get(self.code, (self.code, self.code))[0], self.params)

    @property
    def en(self) -> str:
        return _fill(CATALOGUE.get(self.code, (self.code, self.code))[1], self.params)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "field": self.field, "message_zh": self.zh, "message_en": self.en}

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


class ProblemError(Exception):
    """Raised by actions when input is refused; carries one or more problems."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = list(problems)


class NotFoundOrForbidden(Exception):
    """Raised by access_* functions: the same answer whether missing or not allowed."""

    problem = Problem("access.not_found")


def parse_public_id(value: Any) -> uuid.UUID:
    """A public id from a URL or payload; anything else is "not found", like a missing record."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFoundOrForbidden() from None


def _fill(template: str, params: dict[str, Any]) -> str:
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
