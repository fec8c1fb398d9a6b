"""The rule versions in force when the portal opened (DOMAIN.md §1, §2). Staff add later
versions in the admin with their own effective dates."""

from datetime import date

from django.db import migrations

HNTE = {
    "min_registered_days": 365,
    "min_st_staff_ratio": "10",
    # (latest-year sales ≤ 万元, minimum R&D / sales %); None: above the last bound
    "rd_ratio_bands": [["5000", "5"], ["20000", "4"], [None, "3"]],
    "min_rd_domestic_ratio": "60",
    "min_hitech_revenue_ratio": "60",
    "min_score_exclusive": "70",
    "score_max": {"ip": 30, "conversion": 30, "organisation": 20, "growth": 20},
    # average conversions a year ≥ min → score range
    "conversion_bands": [[5, 25, 30], [4, 19, 24], [3, 13, 18], [2, 7, 12], [1, 1, 6]],
    # growth rate % ≥ min → score range; the last band is "> 0"
    "growth_bands": [["35", 9, 10], ["25", 7, 8], ["15", 5, 6], ["5", 3, 4], ["0", 1, 2]],
    "unverified": ["growth_bands"],
}

TECH_SME = {
    "max_staff": 500,
    "max_sales": "20000",
    "max_assets": "20000",
    "min_score": "60",
    "st_staff_bands": [["30", 20], ["25", 16], ["20", 12], ["15", 8], ["10", 4]],
    "rd_sales_bands": [["6", 50], ["5", 40], ["4", 30], ["3", 20], ["2", 10]],
    "rd_cost_bands": [["30", 50], ["25", 40], ["20", 30], ["15", 20], ["10", 10]],
    "ip_class1_score": 30,
    "ip_class2_scores": [[4, 24], [3, 18], [2, 12], [1, 6]],
    "unverified": ["registration_number"],
}

RD_INSTITUTION = {
    "min_rd_staff": 10,
    "min_rd_ratio": "3",
    "min_equipment": "100",
    "min_floor_area": "200",
    "unverified": ["min_rd_staff", "min_rd_ratio", "min_equipment", "min_floor_area"],
}

RULES = [
    ("hnte", "国科发火〔2016〕32号", HNTE, "高新技术企业认定管理办法及工作指引"),
    ("tech_sme", "国科发政〔2017〕115号", TECH_SME, "科技型中小企业评价办法"),
    ("rd_institution", "县级试行", RD_INSTITUTION, "研发机构认定条件（县级，试行）"),
]


def seed(apps, schema_editor):
    RuleSet = apps.get_model("enterprises", "RuleSet")
    for kind, version, thresholds, source in RULES:
        RuleSet.objects.update_or_create(
            kind=kind,
            version=version,
            defaults={
                "effective_from": date(2016, 1, 1),
                "thresholds": thresholds,
                "source": source,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_platforms_applications_accounts")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
