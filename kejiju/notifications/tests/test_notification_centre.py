"""The notification core: notify(), the 消息中心 and its unread count, each user's own only."""

import pytest
from django.core import mail
from django.urls import reverse

from kejiju.choices import Role
from kejiju.notifications import services
from kejiju.notifications.models import Delivery, Notification, Preference

pytestmark = pytest.mark.django_db


def emails(user):
    user.email = f"{user.username}@example.com"
    user.save()
    return user


def test_notify_one_per_distinct_active_recipient(users, make_user, enterprise):
    clerk = users[Role.ENTERPRISE]
    gone = make_user(Role.ENTERPRISE, "gone", enterprise=enterprise, is_active=False)
    created = services.notify(
        [clerk, clerk.pk, gone, users[Role.STAFF]],
        kind="notifications.message",
        text="您有一条测试消息",
        link="/enterprise/",
        about=enterprise,
    )
    assert sorted(n.recipient_id for n in created) == sorted([clerk.pk, users[Role.STAFF].pk])
    stored = Notification.objects.get(recipient=clerk)
    assert stored.about == enterprise and stored.read_at is None and stored.link == "/enterprise/"
    assert not Notification.objects.filter(recipient=gone).exists()


def test_a_key_is_told_once_per_recipient(users):
    clerk, staff = users[Role.ENTERPRISE], users[Role.STAFF]
    first = services.notify([clerk], kind="notifications.message", text="一", key="k:1")
    again = services.notify([clerk, staff], kind="notifications.message", text="二", key="k:1")
    assert len(first) == 1 and [n.recipient_id for n in again] == [staff.pk]
    assert Notification.objects.filter(recipient=clerk, key="k:1").count() == 1
    # without a key the same text may be told again
    services.notify([clerk], kind="notifications.message", text="一")
    services.notify([clerk], kind="notifications.message", text="一")
    assert Notification.objects.filter(recipient=clerk, key="").count() == 2


def test_the_database_holds_a_key_to_one_notification_per_recipient(users):
    from django.db import IntegrityError, transaction

    clerk = users[Role.ENTERPRISE]
    services.notify([clerk], kind="notifications.message", text="一", key="k:2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=clerk, kind="x", text="二", key="k:2")


def test_mail_subject_sends_at_once_after_commit(users, django_capture_on_commit_callbacks):
    clerk = emails(users[Role.ENTERPRISE])
    nomail = users[Role.STAFF]
    with django_capture_on_commit_callbacks(execute=True):
        created = services.notify(
            [clerk, nomail],
            kind="notifications.message",
            text="申报已退回",
            mail_subject="申报已退回",
            mail_body="请修改后重新提交。",
        )
    assert len(created) == 2
    assert [(m.subject, m.to, m.body) for m in mail.outbox] == [
        ("【科技局】申报已退回", [clerk.email], "请修改后重新提交。")
    ]
    states = dict(Notification.objects.values_list("recipient_id", "email_state"))
    assert states == {clerk.pk: Delivery.SENT, nomail.pk: Delivery.NONE}


def test_without_subject_the_mail_waits_for_the_digest_as_preferred(users):
    clerk = emails(users[Role.ENTERPRISE])
    staff = emails(users[Role.STAFF])
    Preference.objects.create(user=staff, kind="notifications.message", email=False)
    services.notify([clerk, staff], kind="notifications.message", text="提醒")
    assert not mail.outbox
    states = dict(Notification.objects.values_list("recipient_id", "email_state"))
    assert states == {clerk.pk: Delivery.PENDING, staff.pk: Delivery.NONE}


def test_centre_shows_own_unread_first_and_the_top_bar_counts(users, login):
    clerk, staff = users[Role.ENTERPRISE], users[Role.STAFF]
    old = services.notify([clerk], kind="notifications.message", text="旧消息甲")[0]
    services.mark_read(old)
    services.notify([clerk], kind="notifications.message", text="新消息乙")
    services.notify([staff], kind="notifications.message", text="别人的消息丙")
    client = login(clerk)
    page = client.get(reverse("notifications:centre")).content.decode()
    assert page.index("新消息乙") < page.index("旧消息甲")
    assert "别人的消息丙" not in page
    assert 'data-testid="unread-count">1<' in page
    home = client.get(reverse("enterprise_home")).content.decode()
    assert 'data-testid="unread-count">1<' in home


def test_mark_one_and_all_read(users, login):
    clerk = users[Role.ENTERPRISE]
    a, b = (
        services.notify([clerk], kind="notifications.message", text=t, link="/enterprise/")[0]
        for t in "甲乙"
    )
    client = login(clerk)
    response = client.post(reverse("notifications:open", args=[a.pk]))
    assert response.status_code == 302 and response["Location"] == "/enterprise/"
    a.refresh_from_db(), b.refresh_from_db()
    assert a.read_at and not b.read_at
    client.post(reverse("notifications:read_all"))
    assert services.unread_count(clerk) == 0
    page = client.get(reverse("notifications:centre")).content.decode()
    assert 'data-testid="unread-count"' not in page


def test_another_users_notification_is_a_404_and_stays_unread(users, login):
    clerk, staff = users[Role.ENTERPRISE], users[Role.STAFF]
    theirs = services.notify([clerk], kind="notifications.message", text="甲", link="/x/")[0]
    client = login(staff)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    client.post(reverse("notifications:read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize(
    "link", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_a_link_off_the_portal_is_not_followed(users, login, link):
    clerk = users[Role.ENTERPRISE]
    n = services.notify([clerk], kind="notifications.message", text="甲", link=link)[0]
    response = login(clerk).post(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == reverse("notifications:centre")


def test_anonymous_goes_to_login_and_a_page_number_never_fails(users, client, login):
    response = client.get(reverse("notifications:centre"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    c = login(users[Role.LEADER])
    for page in ("x", "-1", "99999"):
        assert c.get(reverse("notifications:centre"), {"page": page}).status_code == 200
