"""SMS through a gateway chosen by ``KEJIJU_SMS_BACKEND`` (a dotted path), without any vendor's
SDK:

- ``kejiju.notifications.sms.LogBackend`` (the default) writes each message to the log;
- ``kejiju.notifications.sms.HTTPBackend`` posts JSON ``{"mobile": ..., "text": ...}`` to
  ``KEJIJU_SMS_URL`` with ``Authorization: Bearer <KEJIJU_SMS_KEY>`` and expects a 2xx answer
  within ``KEJIJU_SMS_TIMEOUT`` seconds.

A backend raises :class:`SMSError` when the message did not go out; the caller marks that
notification failed and a later run retries it."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class SMSError(Exception):
    """The gateway refused the message, answered an error or did not answer in time."""


class LogBackend:
    """Writes each message to the ``kejiju.notifications.sms`` log instead of sending it."""

    sent: list[tuple[str, str]] = []  # kept for the console and tests (the last 100)

    def send(self, mobile: str, text: str) -> None:
        log.warning("SMS to %s: %s", mobile, text)
        LogBackend.sent = [*LogBackend.sent[-99:], (mobile, text)]


class HTTPBackend:
    """A generic HTTP gateway: one POST per message, JSON body, bearer key."""

    def __init__(
        self, url: str | None = None, key: str | None = None, timeout: float | None = None
    ):
        self.url = url if url is not None else settings.KEJIJU_SMS_URL
        self.key = key if key is not None else settings.KEJIJU_SMS_KEY
        self.timeout = timeout if timeout is not None else settings.KEJIJU_SMS_TIMEOUT

    def send(self, mobile: str, text: str) -> None:
        if not self.url:
            raise SMSError("未配置短信网关地址（KEJIJU_SMS_URL）")
        request = urllib.request.Request(
            self.url,
            data=json.dumps({"mobile": mobile, "text": text}, ensure_ascii=False).encode(),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.key}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                response.read(2048)
        except urllib.error.HTTPError as exc:
            raise SMSError(f"短信网关返回错误 {exc.code}") from exc
        except TimeoutError as exc:
            raise SMSError("短信网关超时") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise SMSError("短信网关超时") from exc
            raise SMSError(f"短信网关无法连接：{reason}") from exc


def backend():
    return import_string(settings.KEJIJU_SMS_BACKEND)()
