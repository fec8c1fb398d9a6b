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


class MemberRole(models.TextChoices):
    MAIN = "main", "正选"
    BACKUP = "backup", "备选"


class ResponseKind(models.TextChoices):
    ACCEPTED = "accepted", "接受"
    DECLINED = "declined", "拒绝"
    UNREACHABLE = "unreachable", "联系不上"
