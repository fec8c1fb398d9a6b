"""SMS through the gateway backends, with the failure path, and each user's preferences."""

import http.server
import json
import logging
import threading
import time

import pytest
from django.urls import reverse

from kejiju.choices import Role
from kejiju.notifications import services
from kejiju.notifications.delivery import deliver_sms
from kejiju.notifications.models import Contact, Delivery, Notification, Preference
from kejiju.notifications.sms import HTTPBackend, LogBackend, SMSError

pytestmark = pytest.mark.django_db
KIND = "notifications.message"


class Gateway(http.server.BaseHTTPRequestHandler):
    """A gateway that answers 500 for one number, hangs for another, accepts the rest."""

    received: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Gateway.received.append((self.headers["Authorization"], body))
        if body["mobile"] == "13900000500":
            self.send_response(500)
            self.end_headers()
            return
        if body["mobile"] == "13900000408":
            time.sleep(1.5)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    Gateway.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sms"
    server.shutdown()


def subscriber(make_user, name, mobile):
    user = make_user(Role.STAFF, name)
    Contact.objects.create(user=user, mobile=mobile)
    Preference.objects.create(user=user, kind=KIND, email=True, sms=True)
    return user


def test_http_gateway_failures_and_timeouts_are_marked_failed_and_retried(make_user, gateway):
    ok = subscriber(make_user, "ok", "13900000200")
    error = subscriber(make_user, "error", "13900000500")
    slow = subscriber(make_user, "slow", "13900000408")
    quiet = make_user(Role.STAFF, "quiet")  # no SMS chosen
    services.notify([ok, error, slow, quiet], kind=KIND, text="短信测试")
    backend = HTTPBackend(url=gateway, key="secret", timeout=0.5)
    outcome = deliver_sms(gateway=backend)
    assert outcome == {"sent": 1, "failed": 2}
    states = {n.recipient.username: n for n in Notification.objects.select_related("recipient")}
    assert states["ok"].sms_state == Delivery.SENT and states["ok"].sms_sent_at
    assert states["error"].sms_state == Delivery.FAILED and "500" in states["error"].sms_error
    assert states["slow"].sms_state == Delivery.FAILED and "超时" in states["slow"].sms_error
    assert states["quiet"].sms_state == Delivery.NONE
    assert ("Bearer secret", {"mobile": "13900000200", "text": "【瑞安市科学技术局】短信测试"}) in (
        Gateway.received
    )
    # later the gateway works: the failed ones go out, the sent one is not sent again
    LogBackend.sent = []
    assert deliver_sms(gateway=LogBackend()) == {"sent": 2, "failed": 0}
    assert sorted(m for m, _ in LogBackend.sent) == ["13900000408", "13900000500"]
    assert deliver_sms(gateway=LogBackend()) == {"sent": 0, "failed": 0}


def test_a_gateway_that_cannot_be_reached_or_is_not_configured(make_user):
    subscriber(make_user, "ok", "13900000200")
    services.notify(
        Notification.objects.none() or [make_user(Role.LEADER, "x")], kind=KIND, text="x"
    )
    with pytest.raises(SMSError):
        HTTPBackend(url="", key="").send("13900000200", "x")
    services.notify(list(Contact.objects.values_list("user_id", flat=True)), kind=KIND, text="y")
    outcome = deliver_sms(gateway=HTTPBackend(url="http://127.0.0.1:9/", key="k", timeout=0.5))
    assert outcome == {"sent": 0, "failed": 1}


def test_sms_gives_up_after_the_maximum_attempts(make_user, settings):
    settings.KEJIJU_SMS_MAX_ATTEMPTS = 2
    subscriber(make_user, "error", "13900000500")
    services.notify(list(Contact.objects.values_list("user_id", flat=True)), kind=KIND, text="y")
    broken = HTTPBackend(url="", key="")
    assert deliver_sms(gateway=broken)["failed"] == 1
    assert deliver_sms(gateway=broken)["failed"] == 1
    assert deliver_sms(gateway=broken)["failed"] == 0  # two attempts made: no more
    assert Notification.objects.get().sms_attempts == 2


# ---- preferences --------------------------------------------------------------------------------


def test_preferences_page_saves_channels_per_kind(users, login):
    staff = users[Role.STAFF]
    client = login(staff)
    assert "提醒设置" in client.get(reverse("notifications:preferences")).content.decode()
    response = client.post(
        reverse("notifications:preferences"),
        {
            "mobile": "13912345678",
            "sms:enterprises.qualification_expiring": "on",
            "email:enterprises.qualification_expiring": "on",
        },
    )
    assert response.status_code == 302
    assert Contact.objects.get(user=staff).mobile == "13912345678"
    chosen = services.preferences_of(staff)
    assert chosen["enterprises.qualification_expiring"] == (True, True)
    assert chosen["projects.end_reached"] == (False, False)  # unticked: neither


@pytest.mark.parametrize(
    "mobile", ["1391234567", "23912345678", "139123456789", "+8613912345678", "1391234567x"]
)
def test_a_mobile_number_that_is_not_mainland_is_refused_at_the_field(users, login, mobile):
    client = login(users[Role.STAFF])
    response = client.post(reverse("notifications:preferences"), {"mobile": mobile})
    assert response.status_code == 200
    assert response.context["form"].errors["mobile"] == [
        "请输入 11 位中国大陆手机号码（1 开头，如 13800001234）。"
    ]
    assert not Contact.objects.exists()


def test_sms_without_a_mobile_number_is_refused_at_the_field(users, login):
    client = login(users[Role.STAFF])
    response = client.post(reverse("notifications:preferences"), {"sms:projects.end_reached": "on"})
    assert response.status_code == 200
    assert "须填写接收短信的手机号码" in response.context["form"].errors["mobile"][0]
    assert not Preference.objects.exists()


def test_an_unknown_kind_is_ignored_with_a_log_line(users, login, caplog):
    staff = users[Role.STAFF]
    client = login(staff)
    with caplog.at_level(logging.WARNING, logger="kejiju.notifications"):
        response = client.post(
            reverse("notifications:preferences"),
            {"email:no.such_kind": "on", "sms:<script>": "on", "email:projects.end_reached": "on"},
        )
        Preference.objects.create(user=staff, kind="gone.kind", email=False, sms=True)
        chosen = services.preferences_of(staff)
    assert response.status_code == 302
    assert not Preference.objects.filter(kind="no.such_kind").exists()
    assert "gone.kind" not in chosen
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "no.such_kind" in logged and "gone.kind" in logged


def test_preferences_decide_the_digest(users):
    staff = users[Role.STAFF]
    staff.email = "s@example.com"
    staff.save()
    services.save_preferences(staff, mobile="", chosen={KIND: (False, False)})
    services.notify([staff], kind=KIND, text="不要邮件")
    assert Notification.objects.get().email_state == Delivery.NONE
