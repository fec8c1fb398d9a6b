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
