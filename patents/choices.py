from django.db import models


class PatentType(models.TextChoices):
    INVENTION = "invention", "发明"
    UTILITY = "utility", "实用新型"
    DESIGN = "design", "外观设计"


class LegalStatus(models.TextChoices):
    PENDING = "pending", "审中"
    GRANTED = "granted", "授权"
    REJECTED = "rejected", "驳回"
    WITHDRAWN = "withdrawn", "撤回"
    LAPSED = "lapsed", "失效"


# What CNIPA exports and clerks write for these vocabularies (compared after NFKC and without
# spaces), declared once here and used by the spreadsheet layout.
PATENT_TYPE_ALIASES = {
    "发明专利": PatentType.INVENTION,
    "发明申请": PatentType.INVENTION,
    "实用新型专利": PatentType.UTILITY,
    "新型": PatentType.UTILITY,
    "实用": PatentType.UTILITY,
    "外观设计专利": PatentType.DESIGN,
    "外观": PatentType.DESIGN,
    "外观专利": PatentType.DESIGN,
}
LEGAL_STATUS_ALIASES = {
    "有权": LegalStatus.GRANTED,
    "专利权维持": LegalStatus.GRANTED,
    "授权维持": LegalStatus.GRANTED,
    "已授权": LegalStatus.GRANTED,
    "授权公告": LegalStatus.GRANTED,
    "实质审查": LegalStatus.PENDING,
    "实审": LegalStatus.PENDING,
    "实质审查的生效": LegalStatus.PENDING,
    "公开": LegalStatus.PENDING,
    "在审": LegalStatus.PENDING,
    "审查中": LegalStatus.PENDING,
    "等年登印费": LegalStatus.PENDING,
    "专利权终止": LegalStatus.LAPSED,
    "未缴年费终止": LegalStatus.LAPSED,
    "未缴年费专利权终止": LegalStatus.LAPSED,
    "专利权的终止": LegalStatus.LAPSED,
    "期限届满": LegalStatus.LAPSED,
    "无权": LegalStatus.LAPSED,
    "放弃": LegalStatus.LAPSED,
    "专利权全部无效": LegalStatus.LAPSED,
    "驳回申请": LegalStatus.REJECTED,
    "申请驳回": LegalStatus.REJECTED,
    "视为撤回": LegalStatus.WITHDRAWN,
    "撤回申请": LegalStatus.WITHDRAWN,
    "视撤": LegalStatus.WITHDRAWN,
}


class DisputeOutcome(models.TextChoices):
    MEDIATED = "mediated", "调解结案"
    WITHDRAWN = "withdrawn", "撤回"
    TRANSFERRED = "transferred", "移送"
    REJECTED = "rejected", "驳回"
    PENDING = "pending", "审理中"


class ActivityKind(models.TextChoices):
    WORLD_IP_DAY = "ip_day", "4·26 知识产权宣传"
    TRAINING = "training", "培训"
    COMPETITION = "competition", "竞赛"
    OTHER = "other", "其他"
