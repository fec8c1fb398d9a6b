"""Submitting background work: eager in-process without a broker, fail fast with a clear message
when a configured broker cannot be reached (never a long hang inside a request)."""

from .celery import app


class QueueUnavailable(RuntimeError):
    """The configured task queue (Redis) cannot be reached."""

    def __init__(self, detail: str = ""):
        super().__init__(f"任务队列暂时不可用，请稍后重试或联系系统管理员。{detail}".strip())


def is_eager() -> bool:
    return bool(app.conf.task_always_eager)


def broker_status(timeout: float = 2.0) -> str:
    """'eager' without a broker, 'ok' when it answers, 'unavailable' otherwise."""
    if is_eager():
        return "eager"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=timeout
            )
            # Redis answers the TCP connect quickly; a PING proves it is really there.
            client = getattr(conn.default_channel, "client", None)
            if client is not None:
                client.ping()
    except Exception:
        return "unavailable"
    return "ok"


def submit(task, *args, **kwargs):
    """``task.delay(*args, **kwargs)`` that raises :class:`QueueUnavailable` instead of hanging."""
    if not is_eager() and broker_status() != "ok":
        raise QueueUnavailable()
    try:
        return task.apply_async(args=args, kwargs=kwargs)
    except QueueUnavailable:
        raise
    except Exception as exc:  # kombu raises its own OperationalError family
        if is_eager():
            raise
        raise QueueUnavailable() from exc
