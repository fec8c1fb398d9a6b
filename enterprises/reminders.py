"""What the enterprises app tells people (kejiju.notifications.registry)."""

from kejiju.notifications.registry import Kind

from . import services

EVENTS = [
    Kind(services.JOIN_REQUESTED, "有人申请加入本企业（企业管理员）", order=40),
    Kind(services.MEMBER_JOINED, "本企业新增平台用户", order=41),
    Kind(services.MEMBER_REMOVED, "本企业平台用户被移除", order=42),
    Kind(services.ADMIN_HANDED_OVER, "本企业的企业管理员移交", order=43),
]
