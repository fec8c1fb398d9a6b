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
