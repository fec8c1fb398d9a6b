from django.db import models


class QualificationType(models.TextChoices):
    HNTE = "hnte", "高新技术企业"
    TECH_SME = "tech_sme", "科技型中小企业"
    TECH_ENTERPRISE = "tech_enterprise", "科技型企业"
    TOP100 = "top100", "创新百强企业"
    PATENT_DEMO = "patent_demo", "专利示范企业"


class RecognitionKind(models.TextChoices):
    FIRST = "first", "首次认定"
    RENEWAL = "renewal", "重新认定"


class InstitutionType(models.TextChoices):
    KEY_INSTITUTE = "key_institute", "重点企业研究院"
    INSTITUTE = "institute", "企业研究院"
    HNTE_CENTER = "hnte_center", "高新技术企业研究开发中心"
    TECH_CENTER = "tech_center", "企业技术研发中心"
    ENGINEERING_CENTER = "engineering_center", "工程技术研究中心"
