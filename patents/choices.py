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
