from django.db import models


class Title(models.TextChoices):
    SENIOR = "senior", "正高级"
    ASSOCIATE = "associate", "副高级"
    INTERMEDIATE = "intermediate", "中级"
    OTHER = "other", "其他"


class ExpertStatus(models.TextChoices):
    ACTIVE = "active", "在库"
    SUSPENDED = "suspended", "暂停"
    RETIRED = "retired", "退出"


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


# Labels clerks write for these vocabularies (compared after NFKC and without spaces).
TITLE_ALIASES = {
    "正高": Title.SENIOR,
    "教授": Title.SENIOR,
    "研究员": Title.SENIOR,
    "教授级高工": Title.SENIOR,
    "教授级高级工程师": Title.SENIOR,
    "正高级工程师": Title.SENIOR,
    "主任医师": Title.SENIOR,
    "副高": Title.ASSOCIATE,
    "副教授": Title.ASSOCIATE,
    "副研究员": Title.ASSOCIATE,
    "高级工程师": Title.ASSOCIATE,
    "高工": Title.ASSOCIATE,
    "高级经济师": Title.ASSOCIATE,
    "高级农艺师": Title.ASSOCIATE,
    "副主任医师": Title.ASSOCIATE,
    "中级职称": Title.INTERMEDIATE,
    "工程师": Title.INTERMEDIATE,
    "讲师": Title.INTERMEDIATE,
    "助理研究员": Title.INTERMEDIATE,
    "经济师": Title.INTERMEDIATE,
    "农艺师": Title.INTERMEDIATE,
}
EXPERT_STATUS_ALIASES = {
    "正常": ExpertStatus.ACTIVE,
    "有效": ExpertStatus.ACTIVE,
    "在册": ExpertStatus.ACTIVE,
    "停用": ExpertStatus.SUSPENDED,
    "暂停使用": ExpertStatus.SUSPENDED,
    "出库": ExpertStatus.RETIRED,
    "已退出": ExpertStatus.RETIRED,
}
GENDER_ALIASES = {"男性": Gender.MALE, "女性": Gender.FEMALE, "M": Gender.MALE, "F": Gender.FEMALE}


class RelationKind(models.TextChoices):
    EMPLOYMENT = "employment", "任职"
    GOVERNANCE = "governance", "董事/监事/控股"
    RELATIVE = "relative", "近亲属在该单位任负责人"
    PREPARATION = "preparation", "参与申报材料编制"
    COLLABORATION = "collaboration", "合作关系"
    DISPUTE = "dispute", "纠纷"


class DrawPurpose(models.TextChoices):
    PROJECT_REVIEW = "project_review", "项目评审"
    ACCEPTANCE = "acceptance", "项目验收"
    ENTERPRISE_REVIEW = "enterprise_review", "企业申报评审"


class ExclusionRule(models.TextChoices):
    EMPLOYMENT = "employment", "现在或近三年在申报单位任职"
    GOVERNANCE = "governance", "在申报单位任董事、监事或有控制关系"
    RELATIVE = "relative", "与申报单位法定代表人或负责人为近亲属"
    PREPARATION = "preparation", "参与申报材料编制"
    COLLABORATION = "collaboration", "近三年与申报单位有合作关系"
    DISPUTE = "dispute", "近三年与申报单位有纠纷"
    NAMED = "named", "申报单位申请回避"
    SAME_APPLICANT = "same_applicant", "近期已为同一单位评审"
    YEARLY_LIMIT = "yearly_limit", "本年度抽取次数已达上限"
    INTEGRITY = "integrity", "存在有效的科研失信记录"


class MemberRole(models.TextChoices):
    MAIN = "main", "正选"
    BACKUP = "backup", "备选"


class ResponseKind(models.TextChoices):
    ACCEPTED = "accepted", "接受"
    DECLINED = "declined", "拒绝"
    UNREACHABLE = "unreachable", "联系不上"
