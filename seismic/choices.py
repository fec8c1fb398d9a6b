from django.db import models


class ActivityKind(models.TextChoices):
    PUBLICITY = "publicity", "宣传"
    DRILL = "drill", "演练"
    TRAINING = "training", "培训"
    LECTURE = "lecture", "讲座"
    COMPETITION = "competition", "竞赛"


class ThemeDay(models.TextChoices):
    MAY_12 = "0512", "5·12"
    JULY_28 = "0728", "7·28"
    OTHER = "other", "其他"
