from django.db import models


class ProjectStatus(models.TextChoices):
    APPLIED = "applied", "已申报"
    APPROVED = "approved", "已立项"
    REJECTED = "rejected", "未立项"
    ACCEPTED = "accepted", "已验收"
    TERMINATED = "terminated", "已终止"


class FundingMode(models.TextChoices):
    UPFRONT = "upfront", "事前资助"
    POST_SUBSIDY = "post_subsidy", "事后补助"
    TRANCHES = "tranches", "分期拨付"


class ContractType(models.TextChoices):
    DEVELOPMENT = "development", "技术开发"
    TRANSFER = "transfer", "技术转让"
    LICENSE = "license", "技术许可"
    CONSULTING = "consulting", "技术咨询"
    SERVICE = "service", "技术服务"


# Labels clerks and the provincial systems write for these vocabularies (compared after NFKC and
# without spaces), declared once here and used by the spreadsheet layouts.
PROJECT_STATUS_ALIASES = {
    "申报": ProjectStatus.APPLIED,
    "已申请": ProjectStatus.APPLIED,
    "在审": ProjectStatus.APPLIED,
    "立项": ProjectStatus.APPROVED,
    "在研": ProjectStatus.APPROVED,
    "执行中": ProjectStatus.APPROVED,
    "批准立项": ProjectStatus.APPROVED,
    "不予立项": ProjectStatus.REJECTED,
    "未通过": ProjectStatus.REJECTED,
    "验收": ProjectStatus.ACCEPTED,
    "通过验收": ProjectStatus.ACCEPTED,
    "已结题": ProjectStatus.ACCEPTED,
    "结题": ProjectStatus.ACCEPTED,
    "终止": ProjectStatus.TERMINATED,
    "撤销": ProjectStatus.TERMINATED,
}
FUNDING_MODE_ALIASES = {
    "事前": FundingMode.UPFRONT,
    "前资助": FundingMode.UPFRONT,
    "事后": FundingMode.POST_SUBSIDY,
    "后补助": FundingMode.POST_SUBSIDY,
    "事后奖补": FundingMode.POST_SUBSIDY,
    "分期": FundingMode.TRANCHES,
}
CONTRACT_TYPE_ALIASES = {
    "开发": ContractType.DEVELOPMENT,
    "技术开发合同": ContractType.DEVELOPMENT,
    "委托开发": ContractType.DEVELOPMENT,
    "合作开发": ContractType.DEVELOPMENT,
    "转让": ContractType.TRANSFER,
    "技术转让合同": ContractType.TRANSFER,
    "专利权转让": ContractType.TRANSFER,
    "许可": ContractType.LICENSE,
    "技术许可合同": ContractType.LICENSE,
    "专利实施许可": ContractType.LICENSE,
    "咨询": ContractType.CONSULTING,
    "技术咨询合同": ContractType.CONSULTING,
    "服务": ContractType.SERVICE,
    "技术服务合同": ContractType.SERVICE,
}


class Stage(models.TextChoices):
    """Where an application or project is in the lifecycle of DOMAIN.md §7."""

    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "退回修改"
    FORMAL_PASSED = "formal_passed", "形式审查通过"
    EXPERT_REVIEW = "expert_review", "专家评审"
    PROPOSED = "proposed", "拟立项"
    NOTICE = "notice", "公示中"
    NOT_APPROVED = "not_approved", "未立项"
    EXECUTING = "executing", "执行中"
    ACCEPTANCE_APPLIED = "acceptance_applied", "验收申请"
    ACCEPTED = "accepted", "验收通过"
    FAILED = "failed", "验收不通过"
    CONCLUDED = "concluded", "结题"
    ARCHIVED = "archived", "归档"
    TERMINATED = "terminated", "终止"
    REVOKED = "revoked", "撤销"


# The reporting status (DESIGN.md §3, the indicators) that each lifecycle stage stands for.
STAGE_STATUS = {
    Stage.SUBMITTED: ProjectStatus.APPLIED,
    Stage.RETURNED: ProjectStatus.APPLIED,
    Stage.FORMAL_PASSED: ProjectStatus.APPLIED,
    Stage.EXPERT_REVIEW: ProjectStatus.APPLIED,
    Stage.PROPOSED: ProjectStatus.APPLIED,
    Stage.NOTICE: ProjectStatus.APPLIED,
    Stage.NOT_APPROVED: ProjectStatus.REJECTED,
    Stage.EXECUTING: ProjectStatus.APPROVED,
    Stage.ACCEPTANCE_APPLIED: ProjectStatus.APPROVED,
    Stage.FAILED: ProjectStatus.APPROVED,
    Stage.ACCEPTED: ProjectStatus.ACCEPTED,
    Stage.CONCLUDED: ProjectStatus.ACCEPTED,
    Stage.ARCHIVED: ProjectStatus.ACCEPTED,
    Stage.TERMINATED: ProjectStatus.TERMINATED,
    Stage.REVOKED: ProjectStatus.TERMINATED,
}


class TrancheDue(models.TextChoices):
    APPROVAL = "approval", "立项后"
    MIDTERM = "midterm", "中期检查后"
    ACCEPTANCE = "acceptance", "验收通过后"


class AcceptanceResult(models.TextChoices):
    PASSED = "passed", "通过"
    FAILED = "failed", "不通过"
    CONCLUDED = "concluded", "结题"


class ChangeKind(models.TextChoices):
    CHANGE = "change", "变更"
    EXTENSION = "extension", "延期"
