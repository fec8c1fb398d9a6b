from django.db import models

from kejiju.choices import Level


class QualificationType(models.TextChoices):
    HNTE = "hnte", "高新技术企业"
    TECH_SME = "tech_sme", "科技型中小企业"
    TECH_ENTERPRISE = "tech_enterprise", "科技型企业"
    TOP100 = "top100", "创新百强企业"
    PATENT_DEMO = "patent_demo", "专利示范企业"


class RecognitionKind(models.TextChoices):
    FIRST = "first", "首次认定"
    RENEWAL = "renewal", "重新认定"


# Labels clerks and provincial lists write for these vocabularies (compared after NFKC and
# without spaces), declared once here and used by the spreadsheet layouts.
QUALIFICATION_TYPE_ALIASES = {
    "高企": QualificationType.HNTE,
    "国家高新技术企业": QualificationType.HNTE,
    "国家级高新技术企业": QualificationType.HNTE,
    "科小": QualificationType.TECH_SME,
    "科技型中小企业(入库)": QualificationType.TECH_SME,
    "省科技型中小企业": QualificationType.TECH_SME,
    "浙江省科技型中小企业": QualificationType.TECH_SME,
    "国家科技型中小企业": QualificationType.TECH_SME,
    "市科技型企业": QualificationType.TECH_ENTERPRISE,
    "创新型百强企业": QualificationType.TOP100,
    "百强企业": QualificationType.TOP100,
    "专利示范": QualificationType.PATENT_DEMO,
}
# A type label that says its level: 省科技型中小企业 is 科技型中小企业 at 省级.
QUALIFICATION_LEVELS = {
    "国家高新技术企业": Level.NATIONAL,
    "国家级高新技术企业": Level.NATIONAL,
    "省科技型中小企业": Level.PROVINCIAL,
    "浙江省科技型中小企业": Level.PROVINCIAL,
    "国家科技型中小企业": Level.NATIONAL,
    "市科技型企业": Level.CITY,
}
LEVEL_ALIASES = {
    "国家": Level.NATIONAL,
    "国家级别": Level.NATIONAL,
    "部级": Level.NATIONAL,
    "省": Level.PROVINCIAL,
    "省级别": Level.PROVINCIAL,
    "市": Level.CITY,
    "地市级": Level.CITY,
    "县": Level.COUNTY,
    "区": Level.COUNTY,
    "县区级": Level.COUNTY,
    "区级": Level.COUNTY,
    "县(区)级": Level.COUNTY,
}
RECOGNITION_ALIASES = {
    "首次": RecognitionKind.FIRST,
    "新认定": RecognitionKind.FIRST,
    "初次认定": RecognitionKind.FIRST,
    "重新": RecognitionKind.RENEWAL,
    "复审": RecognitionKind.RENEWAL,
    "复审认定": RecognitionKind.RENEWAL,
    "再认定": RecognitionKind.RENEWAL,
}


class InstitutionType(models.TextChoices):
    KEY_INSTITUTE = "key_institute", "重点企业研究院"
    INSTITUTE = "institute", "企业研究院"
    HNTE_CENTER = "hnte_center", "高新技术企业研究开发中心"
    TECH_CENTER = "tech_center", "企业技术研发中心"
    ENGINEERING_CENTER = "engineering_center", "工程技术研究中心"


class PlatformType(models.TextChoices):
    INCUBATOR = "incubator", "科技企业孵化器"
    SERVICE_CENTER = "service_center", "公共科技服务平台"
    ALLIANCE = "alliance", "产业技术创新联盟"
    INTERMEDIARY = "intermediary", "科技中介服务机构"


class ApplicationKind(models.TextChoices):
    HNTE = "hnte", "高新技术企业认定"
    TECH_SME = "tech_sme", "科技型中小企业评价"
    RD_INSTITUTION = "rd_institution", "研发机构认定"


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "退回修改"
    WITHDRAWN = "withdrawn", "已撤回"
    APPROVED = "approved", "审核通过（推荐上报）"
    REJECTED = "rejected", "不予推荐"


class Verdict(models.TextChoices):
    PASS = "pass", "符合条件"
    UNCERTAIN = "uncertain", "取决于专家评分"
    FAIL = "fail", "不符合条件"
