"""Reference data of the demo county (DESIGN.md §5). Loaded by a data migration; editable in the
admin afterwards, and another county replaces the lists."""

TOWNS = [
    "安阳街道",
    "玉海街道",
    "锦湖街道",
    "东山街道",
    "上望街道",
    "莘塍街道",
    "汀田街道",
    "飞云街道",
    "仙降街道",
    "南滨街道",
    "塘下镇",
    "马屿镇",
    "陶山镇",
    "湖岭镇",
    "高楼镇",
    "曹村镇",
    "平阳坑镇",
    "桐浦镇",
    "芳庄乡",
    "北麂乡",
]

# code, name, level, legacy
PLAN_CATEGORIES = [
    ("torch", "国家火炬计划", "national", True),
    ("spark", "星火计划", "national", True),
    ("prov_major", "省重大科技专项", "provincial", False),
    ("prov_new_product", "省级新产品试制计划", "provincial", False),
    ("prov_agri_transfer", "省农业科技成果转化资金项目", "provincial", False),
    ("industrial_major", "重大工业科技项目", "county", False),
    ("industrial", "一般工业科技项目", "county", False),
    ("agri_major", "农业重大科技项目", "county", False),
    ("commissioner", "科技特派员专项", "county", False),
    ("social", "社会发展科技项目", "county", False),
]

TECH_FIELDS = [
    "电子信息",
    "生物与新医药",
    "航空航天",
    "新材料",
    "高技术服务",
    "新能源与节能",
    "资源与环境",
    "先进制造与自动化",
]


def load(Town, PlanCategory, TechField) -> None:
    """Idempotent: creates what is missing, never overwrites what staff edited."""
    for order, name in enumerate(TOWNS):
        Town.objects.get_or_create(name=name, defaults={"order": order})
    for order, (code, name, level, legacy) in enumerate(PLAN_CATEGORIES):
        PlanCategory.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "legacy": legacy, "order": order}
        )
    for order, name in enumerate(TECH_FIELDS):
        TechField.objects.get_or_create(name=name, defaults={"order": order})
