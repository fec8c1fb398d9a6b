"""The browser journey of a reminder: the enterprise sees its expiring 高新技术企业 certificate in
消息中心 (the count in the top bar), follows the link to the re-recognition application, and the
notification is read. Screenshots in tests/artifacts/journeys/notification-centre/."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import PASSWORD, click, log_in
from kejiju.choices import Level, Role, Section
from tests.test_journeys import Journey

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_enterprise_follows_its_expiring_qualification_from_the_centre(
    browser, live_server, make_user, enterprise, audit_log_flushable
):
    from selenium.webdriver.common.by import By

    from enterprises.models import Qualification
    from kejiju.notifications.daily import run_daily
    from kejiju.notifications.models import Notification

    clerk = make_user(Role.ENTERPRISE, "huake", enterprise=enterprise)
    make_user(Role.STAFF, "gaoxin", section=Section.HIGH_TECH)
    today = timezone.localdate()
    ends = today + dt.timedelta(days=45)
    Qualification.objects.create(
        enterprise=enterprise,
        kind="hnte",
        level=Level.NATIONAL,
        recognized_on=ends.replace(year=ends.year - 3) + dt.timedelta(days=1),
        valid_until=ends,
    )
    assert run_daily(today).created == 2

    browser.set_window_size(1366, 900)
    j = Journey(browser, live_server, "notification-centre")
    log_in(browser, live_server, clerk.username, PASSWORD)
    j.at("/enterprise/")
    badge = j.find(By.CSS_SELECTOR, "[data-testid=unread-count]")
    assert badge.text == "1"
    j.shot("enterprise-home-unread-count")
    click(browser, j.find(By.CSS_SELECTOR, "[data-testid=notification-link]"))
    j.at("/notifications/")
    j.see(
        "消息中心", "未读", "企业资质即将到期或已过期", f"将于 {ends:%Y-%m-%d} 到期", "还有 45 天"
    )
    j.shot("notification-centre")
    click(browser, j.find(By.CSS_SELECTOR, "[data-testid=open-notification]"))
    j.at("/enterprises/applications/new/hnte/")
    j.see("高新技术企业")
    j.shot("re-recognition-application")
    assert Notification.objects.get(recipient=clerk).read_at is not None
    browser.get(f"{live_server.url}/notifications/")
    j.see("消息中心", "还有 45 天")
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid=unread-count]")
    j.shot("notification-read")
    browser.get("about:blank")  # no request of this page outlives the test
