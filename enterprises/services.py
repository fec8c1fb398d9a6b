"""Writes of the enterprises app that touch several models: accounts, applications and their
workflow, attachments. Each takes model instances and keyword arguments, never a request."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from kejiju.choices import Role
from kejiju.codes import normalize_credit_code
from kejiju.uploads import Inspected, clean_display_name, storage_name

from . import precheck
from .choices import ApplicationKind, ApplicationStatus, Verdict
from .models import (
    AccountRequest,
    Application,
    ApplicationTransition,
    Attachment,
    Enterprise,
    RuleSet,
)

log = logging.getLogger(__name__)

S = ApplicationStatus
# status → the statuses it may move to
TRANSITIONS = {
    S.DRAFT: {S.SUBMITTED},
    S.RETURNED: {S.SUBMITTED},
    S.WITHDRAWN: {S.SUBMITTED},
    S.SUBMITTED: {S.RETURNED, S.APPROVED, S.REJECTED, S.WITHDRAWN},
    S.APPROVED: set(),
    S.REJECTED: set(),
}


# ---- accounts ------------------------------------------------------------------------------


def username_available(username: str) -> bool:
    """Neither an account nor a pending registration has this login name (any case)."""
    from kejiju.models import User

    return not (
        User.objects.filter(username__iexact=username).exists()
        or AccountRequest.objects.filter(
            username__iexact=username, status=AccountRequest.Status.PENDING
        ).exists()
    )


def tell_username_unavailable(*, email: str, username: str, enterprise_name: str) -> None:
    """The registration with a taken login name is not filed; only the applicant's mailbox
    learns why (the page answers as for any registration)."""
    notify(
        [email],
        "注册申请未受理：登录用户名无法使用",
        f"{enterprise_name}：\n您申请的登录用户名「{username}」已被使用或正在审核中，本次注册申请未受理。"
        "请更换一个登录用户名后重新提交注册申请。\n如您已有本平台账号，可在登录页使用「忘记密码」找回。",
    )


def request_account(*, credit_code: str, password: str, **fields) -> AccountRequest:
    return AccountRequest.objects.create(
        credit_code=normalize_credit_code(credit_code), password=make_password(password), **fields
    )


@transaction.atomic
def activate_account(account: AccountRequest, *, by) -> AccountRequest:
    """Opens the account: links it to the registry's enterprise of that code, adding the
    enterprise from the request when the registry does not have it yet."""
    from kejiju.models import User

    account = AccountRequest.objects.select_for_update().get(pk=account.pk)
    if account.status != AccountRequest.Status.PENDING:
        raise ValidationError("该申请已处理。")
    if User.objects.filter(username=account.username).exists():
        raise ValidationError(f"登录用户名「{account.username}」已被使用，请联系企业重新申请。")
    enterprise = Enterprise.objects.filter(credit_code=account.credit_code).first()
    if enterprise is None:
        enterprise = Enterprise(
            credit_code=account.credit_code,
            name=account.enterprise_name,
            town=account.town,
            contact=account.contact,
            phone=account.phone,
            email=account.email,
        )
        enterprise.full_clean()
        enterprise._change_reason = "企业注册开通"
        enterprise.save()
    user = User(
        username=account.username,
        role=Role.ENTERPRISE,
        enterprise=enterprise,
        email=account.email,
        first_name=account.contact,
        phone=account.phone,
        password=account.password,
    )
    user.save()
    account.status = AccountRequest.Status.ACTIVATED
    account.enterprise, account.user = enterprise, user
    account.handled_by, account.handled_at = by, timezone.now()
    account.save()
    notify(
        [account.email],
        "企业账号已开通",
        f"{account.enterprise_name}：您的账号「{account.username}」已开通，可以登录办理申报。",
    )
    return account


@transaction.atomic
def decline_account(account: AccountRequest, *, by, note: str) -> AccountRequest:
    if not note.strip():
        raise ValidationError({"note": "请填写不予开通的原因。"})
    if account.status != AccountRequest.Status.PENDING:
        raise ValidationError("该申请已处理。")
    account.status = AccountRequest.Status.DECLINED
    account.note = note.strip()
    account.handled_by, account.handled_at = by, timezone.now()
    account.save()
    notify([account.email], "企业账号申请未通过", f"{account.enterprise_name}：{account.note}")
    return account


@transaction.atomic
def invite_user(
    *, enterprise: Enterprise, username: str, name: str, email: str, base_url: str
) -> str:
    """Staff open an account for one of the enterprise's clerks, who sets their own password
    through the e-mailed one-time link. Returns the link for staff to pass on."""
    from kejiju.invitations import send_invitation
    from kejiju.models import User

    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "该用户名已被使用。"})
    user = User(
        username=username,
        role=Role.ENTERPRISE,
        enterprise=enterprise,
        email=email,
        first_name=name.strip(),
    )
    user.set_unusable_password()
    user.save()
    return send_invitation(
        user, base_url=base_url, purpose=f"作为「{enterprise.name}」的企业用户使用本平台"
    )


# ---- applications --------------------------------------------------------------------------


def rules_for(kind: str, day=None) -> RuleSet:
    day = day or timezone.localdate()
    rules = RuleSet.objects.effective_on(kind, day)
    if rules is None:
        raise ValidationError(
            f"没有 {day} 适用的「{ApplicationKind(kind).label}」规则，请联系科技局。"
        )
    return rules


def compute_precheck(application: Application) -> precheck.Precheck:
    rules = rules_for(application.kind)
    result = precheck.run(
        application.kind,
        application.figures,
        rules,
        on=timezone.localdate(),
        scores=application.scores,
    )
    application.rule_set = rules
    application.precheck = result.as_dict()
    application.verdict = result.verdict
    return result


@transaction.atomic
def save_application(
    *,
    enterprise: Enterprise,
    kind: str,
    year: int,
    figures: dict,
    by,
    recognition: str = "",
    application: Application | None = None,
) -> Application:
    if application is None:
        application = Application(enterprise=enterprise, kind=kind, created_by=by)
    elif not application.editable:
        raise ValidationError(f"申报当前状态为「{application.get_status_display()}」，不能修改。")
    application.year = year
    application.recognition = recognition
    application.figures = figures
    compute_precheck(application)
    application.save()
    return application


def _move(application: Application, to: str, *, by, comment: str = "") -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if to not in TRANSITIONS[application.status]:
        raise ValidationError(
            f"申报当前状态为「{application.get_status_display()}」，"
            f"不能变为「{ApplicationStatus(to).label}」。"
        )
    ApplicationTransition.objects.create(
        application=application,
        from_status=application.status,
        to_status=to,
        by=by,
        comment=comment.strip(),
    )
    application.status = to
    return application


@transaction.atomic
def submit(application: Application, *, by, comment: str = "") -> Application:
    application = _move(application, S.SUBMITTED, by=by, comment=comment)
    compute_precheck(application)
    application.submitted_at = timezone.now()
    application.save()
    notify_enterprise(application, "已提交", "您的申报已提交，科技局将尽快审核。")
    return application


@transaction.atomic
def withdraw(application: Application, *, by, comment: str = "") -> Application:
    application = _move(application, S.WITHDRAWN, by=by, comment=comment or "企业撤回")
    application.save()
    return application


def _review(application, to, *, by, comment, required: bool, message: str):
    if required and not comment.strip():
        raise ValidationError({"comment": "请填写意见，企业将看到这段说明。"})
    application = _move(application, to, by=by, comment=comment)
    application.save()
    notify_enterprise(
        application,
        ApplicationStatus(to).label,
        message + (f"\n意见：{comment}" if comment else ""),
    )
    return application


@transaction.atomic
def return_for_revision(application: Application, *, by, comment: str) -> Application:
    return _review(
        application,
        S.RETURNED,
        by=by,
        comment=comment,
        required=True,
        message="您的申报被退回修改，请按意见修改后重新提交。",
    )


@transaction.atomic
def approve(application: Application, *, by, comment: str = "") -> Application:
    return _review(
        application,
        S.APPROVED,
        by=by,
        comment=comment,
        required=False,
        message="您的申报已审核通过，科技局将推荐上报。",
    )


@transaction.atomic
def reject(application: Application, *, by, comment: str) -> Application:
    return _review(
        application,
        S.REJECTED,
        by=by,
        comment=comment,
        required=True,
        message="您的申报经审核不予推荐。",
    )


@transaction.atomic
def set_scores(application: Application, *, scores: dict, by) -> Application:
    """The reviewer's scores within each item's band (DOMAIN.md §1: the expert's choice)."""
    application.scores = {k: v for k, v in scores.items() if v not in (None, "")}
    compute_precheck(application)
    application._change_reason = f"{by} 录入审核评分"
    application.save()
    return application


@transaction.atomic
def override_verdict(application: Application, *, verdict: str, reason: str, by) -> Application:
    """Staff replace the computed verdict, with a recorded reason; an empty verdict clears it."""
    if verdict and not reason.strip():
        raise ValidationError({"reason": "人工认定结论必须填写理由。"})
    if verdict and verdict not in Verdict.values:
        raise ValidationError({"verdict": "无效的结论。"})
    application.override_verdict = verdict
    application.override_reason = reason.strip() if verdict else ""
    application.override_by = by if verdict else None
    application.override_at = timezone.now() if verdict else None
    application._change_reason = f"人工认定：{reason.strip()}" if verdict else "取消人工认定"
    application.save()
    return application


# ---- attachments ---------------------------------------------------------------------------


@transaction.atomic
def add_attachment(application: Application, *, file, description: str, by) -> Attachment:
    inspected: Inspected = file.inspected
    if not application.editable:
        raise ValidationError("申报已提交，不能再上传材料。")
    attachment = Attachment(
        application=application,
        description=description.strip() or "附件",
        original_name=clean_display_name(file.name, inspected),
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=by,
    )
    attachment.file.save(storage_name("applications", inspected), file, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def remove_attachment(attachment: Attachment) -> None:
    if not attachment.application.editable:
        raise ValidationError("申报已提交，不能删除材料。")
    stored = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))


# ---- notifications -------------------------------------------------------------------------


def notify(recipients: list[str], subject: str, body: str) -> None:
    recipients = [r for r in dict.fromkeys(recipients) if r]
    if not recipients:
        return

    def send():
        try:
            send_mail(f"【科技局】{subject}", body, settings.DEFAULT_FROM_EMAIL, recipients)
        except Exception:  # a mail server problem must not undo the workflow step
            log.exception("could not send %s to %s", subject, recipients)

    transaction.on_commit(send)


def notify_enterprise(application: Application, subject: str, body: str) -> None:
    enterprise = application.enterprise
    recipients = [enterprise.email] + list(
        enterprise.users.filter(is_active=True).values_list("email", flat=True)
    )
    notify(recipients, f"{application.title}{subject}", f"{enterprise.name}：\n{body}")
