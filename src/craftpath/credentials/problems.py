"""Problem messages for certificates (added to the shared catalogue when this app is imported)."""

from __future__ import annotations

from craftpath.core.problems import CATALOGUE

CATALOGUE.update(
    {
        "credential.already_revoked": ("证书 {value} 已被撤销。", "Certificate {value} is already revoked."),
        "credential.state": (
            "证书当前状态为“{value}”，无法执行此操作。",
            'The certificate is "{value}", so that cannot be done now.',
        ),
        "credential.reason_required": (
            "请填写原因，原因会记入审计日志。",
            "Please give a reason; it is kept in the audit trail.",
        ),
        "credential.valid_until": (
            "有效期截止日 {value} 应晚于发证日期 {issued_on}，否则证书一签发即已过期。",
            "The expiry date {value} should be after the issue date {issued_on}; "
            "otherwise the certificate would be expired as soon as it is issued.",
        ),
        "credential.pdf_font": (
            "证书字库中没有“{value}”这些字，为避免印错姓名，暂不生成 PDF。请下载签名 JSON 文件，它同样可以验证。",
            'The certificate font has no glyph for "{value}", so no PDF is drawn rather than print a wrong name. '
            "Please download the signed JSON instead; it verifies just the same.",
        ),
        "legacy.member_unknown": (
            "找不到该身份证号码对应的会员，或该会员不在您管辖的工会中。请先登记会员。",
            "No member with this ID number is registered in your unions; please register the member first.",
        ),
        "legacy.other_member": (
            "证书编号 {value} 已登记在另一名会员名下，本行未导入。",
            "Certificate number {value} is already recorded for another member; this row was not imported.",
        ),
        "legacy.id_number": (
            "身份证号码无效（{value}），请核对。",
            "The ID number is not valid ({value}); please check it.",
        ),
    }
)
