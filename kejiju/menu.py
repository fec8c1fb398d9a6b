from .choices import Role
from .navigation import MenuItem

MENU = [
    MenuItem("工作台", "staff_home", (Role.STAFF, Role.ADMIN), order=0),
    MenuItem("企业工作台", "enterprise_home", (Role.ENTERPRISE,), order=0),
    MenuItem("领导驾驶舱", "leader_home", (Role.LEADER,), order=0),
    MenuItem("审计日志", "audit_log", (Role.AUDITOR,), order=0),
    MenuItem("安全管理", "security", (Role.SECURITY_ADMIN,), order=0),
    MenuItem("表格导入", "imports:upload", (Role.STAFF, Role.ADMIN), group="数据维护", order=800),
    MenuItem(
        "后台管理",
        "admin:index",
        (Role.STAFF, Role.ADMIN, Role.SECURITY_ADMIN),
        group="数据维护",
        order=900,
    ),
]
