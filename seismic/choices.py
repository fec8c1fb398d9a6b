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


# Labels clerks write for these vocabularies (compared after NFKC and without spaces).
ACTIVITY_KIND_ALIASES = {
    "宣传活动": ActivityKind.PUBLICITY,
    "科普宣传": ActivityKind.PUBLICITY,
    "应急演练": ActivityKind.DRILL,
    "疏散演练": ActivityKind.DRILL,
    "演习": ActivityKind.DRILL,
    "培训班": ActivityKind.TRAINING,
    "讲座活动": ActivityKind.LECTURE,
    "知识讲座": ActivityKind.LECTURE,
    "知识竞赛": ActivityKind.COMPETITION,
}
THEME_DAY_ALIASES = {
    "5.12": ThemeDay.MAY_12,
    "512": ThemeDay.MAY_12,
    "5·12防灾减灾日": ThemeDay.MAY_12,
    "防灾减灾日": ThemeDay.MAY_12,
    "5月12日": ThemeDay.MAY_12,
    "7.28": ThemeDay.JULY_28,
    "728": ThemeDay.JULY_28,
    "7月28日": ThemeDay.JULY_28,
    "唐山地震纪念日": ThemeDay.JULY_28,
    "无": ThemeDay.OTHER,
}


class SiteKind(models.TextChoices):
    COMMUNITY = "community", "地震安全示范社区"
    SCHOOL = "school", "防震减灾科普示范学校"
    BASE = "base", "防震减灾科普教育基地"


class SiteStatus(models.TextChoices):
    BUILDING = "building", "创建中"
    COUNTY = "county", "县级"
    PROVINCIAL = "provincial", "省级"
    NATIONAL = "national", "国家级"


SITE_STATUS_ORDER = [
    SiteStatus.BUILDING,
    SiteStatus.COUNTY,
    SiteStatus.PROVINCIAL,
    SiteStatus.NATIONAL,
]


class ObservationKind(models.TextChoices):
    WELL = "well", "井水"
    SPRING = "spring", "泉水"
    ANIMAL = "animal", "动物"
    PLANT = "plant", "植物"
    ELECTROMAGNETIC = "electromagnetic", "电磁"
    OTHER = "other", "其他"


class StationKind(models.TextChoices):
    STRONG_MOTION = "strong_motion", "强震台"
    SEISMOGRAPH = "seismograph", "测震台"
    PRECURSOR = "precursor", "前兆台"
    OTHER = "other", "其他"


class StationStatus(models.TextChoices):
    PLANNED = "planned", "规划中"
    BUILDING = "building", "建设中"
    RELOCATING = "relocating", "迁建中"
    RUNNING = "running", "运行"
    STOPPED = "stopped", "停用"


class Milestone(models.TextChoices):
    SURVEY = "survey", "选址勘察"
    DESIGN = "design", "设计"
    CONSTRUCTION = "construction", "施工建设"
    ACCEPTANCE = "acceptance", "竣工验收"
    AUDIT = "audit", "审计"
