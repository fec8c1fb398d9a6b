from django.db import models


class SubjectKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    PERSON = "person", "个人（申报人、项目负责人）"
    EXPERT = "expert", "评审专家"


class MisconductKind(models.TextChoices):
    FALSE_MATERIAL = "false_material", "提供虚假材料"
    OVERDUE_ACCEPTANCE = "overdue_acceptance", "无正当理由逾期不验收"
    MISUSE_OF_FUNDS = "misuse_of_funds", "挪用、截留、套取资金"
    CONFLICT_OR_SECRECY = "conflict_or_secrecy", "违反回避或保密规定"
    PLAGIARISM = "plagiarism", "抄袭、剽窃他人成果"
    DUPLICATE_APPLICATION = "duplicate_application", "重复申报、一项多报"
    OTHER = "other", "其他违反科研诚信的行为"


class Severity(models.TextChoices):
    GENERAL = "general", "一般"
    MAJOR = "major", "较重"
    SERIOUS = "serious", "严重"


class Effect(models.TextChoices):
    """What a rule does to the subject of an active record."""

    BLOCK_APPLICATION = "block_application", "不得提交申报"
    FLAG_APPLICATION = "flag_application", "申报提请形式审查关注"
    EXCLUDE_FROM_DRAWS = "exclude_from_draws", "不得被抽取参加评审"


class EndKind(models.TextChoices):
    APPEAL = "appeal", "申诉成立"
    CREDIT_REPAIR = "credit_repair", "信用修复"


class PairKind(models.TextChoices):
    SIMILAR = "similar", "与其他申报或项目相似"
    MULTIPLE = "multiple", "一项多报（同一企业同年度其他通知）"


class PairDecision(models.TextChoices):
    PENDING = "pending", "待认定"
    NOT_DUPLICATE = "not_duplicate", "不构成重复"
    RETURNED = "returned", "退回修改"
    REJECTED = "rejected", "不予受理"


class RecommendationDecision(models.TextChoices):
    RECOMMENDED = "recommended", "同意推荐"
    DECLINED = "declined", "不予推荐"
