"""Writes of the enterprises app that touch several models: accounts, applications and their
workflow, attachments. Each takes model instances and keyword arguments, never a request."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
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


# what the enterprise's users are told (enterprises/reminders.py declares the kinds)
JOIN_REQUESTED = "enterprises.join_requested"
MEMBER_JOINED = "enterprises.member_joined"
MEMBER_REMOVED = "enterprises.member_removed"
ADMIN_HANDED_OVER = "enterprises.admin_handed_over"


def members(enterprise: Enterprise | None):
    """The enterprise's users who can log in (none for an enterprise not yet in the registry)."""
    from kejiju.models import User

    if enterprise is None:
        return User.objects.none()
    return enterprise.users.filter(role=Role.ENTERPRISE, is_active=True).order_by("username")


def target_of(account: AccountRequest) -> Enterprise | None:
    """The registry's enterprise the request's credit code names, if there is one."""
    return Enterprise.objects.filter(credit_code=account.credit_code).first()


def needs_consent(enterprise: Enterprise | None) -> bool:
    """A request for an enterprise that already has users joins it: its administrator decides
    (or staff, with a recorded reason)."""
    return members(enterprise).exists()


def is_administrator(user, enterprise: Enterprise | None) -> bool:
    return (
        enterprise is not None
        and user.is_authenticated
        and user.is_active
        and user.role == Role.ENTERPRISE
        and user.enterprise_id == enterprise.pk
        and enterprise.administrator_id == user.pk
    )


def _store_document(field_file, upload) -> str:
    """Saves an inspected upload under a server-chosen name; returns the name shown on download."""
    inspected: Inspected = upload.inspected
    field_file.save(storage_name("accounts", inspected), upload, save=False)
    return clean_display_name(upload.name, inspected)


def _tell_users(recipients, **kwargs) -> None:
    from kejiju.notifications.services import notify as notify_users

    notify_users(list(recipients), **kwargs)


@transaction.atomic
def request_account(
    *,
    credit_code: str,
    password: str,
    licence=None,
    authorization=None,
    legal_representative: bool = True,
    **fields,
) -> AccountRequest:
    """Files a registration with its 营业执照 (and the 授权委托书 of an applicant who is not the
    legal representative), both checked by content (kejiju.uploads) before they come here."""
    if licence is None:
        raise ValidationError({"licence": "请上传企业营业执照（PDF 或图片）。"})
    if not legal_representative and authorization is None:
        raise ValidationError(
            {
                "authorization": "申请人不是法定代表人的，请上传法定代表人签字并加盖公章的授权委托书。"
            }
        )
    account = AccountRequest(
        credit_code=normalize_credit_code(credit_code),
        password=make_password(password),
        legal_representative=legal_representative,
        **fields,
    )
    stored = []
    try:
        account.licence_name = _store_document(account.licence, licence)
        stored.append(account.licence)
        if authorization is not None:
            account.authorization_name = _store_document(account.authorization, authorization)
            stored.append(account.authorization)
        account.save()
    except Exception:
        for field_file in stored:
            field_file.delete(save=False)
        raise
    enterprise = target_of(account)
    if enterprise is not None and enterprise.administrator_id and needs_consent(enterprise):
        _tell_users(
            [enterprise.administrator_id],
            kind=JOIN_REQUESTED,
            text=f"{account.contact}（{account.username}）申请加入本企业，请核实后同意或拒绝。",
            link=reverse("enterprises:profile"),
            about=account,
            key=f"{JOIN_REQUESTED}:{account.pk}",
            mail_subject="有人申请加入本企业",
            mail_body=(
                f"{enterprise.name}：\n{account.contact}（登录用户名 {account.username}，"
                f"电话 {account.phone}，邮箱 {account.email}）申请成为本企业的平台用户。\n"
                "请登录平台，在「企业信息」页核实后同意或拒绝；未经同意，对方不能登录。"
            ),
        )
    return account


def _open(account: AccountRequest, enterprise: Enterprise, *, consent: str, by, note: str = ""):
    """Creates the user of a pending, locked request and records how it was allowed."""
    from kejiju.models import User

    if User.objects.filter(username__iexact=account.username).exists():
        raise ValidationError(f"登录用户名「{account.username}」已被使用，请联系企业重新申请。")
    existing = list(members(enterprise))
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
    if enterprise.administrator_id is None or not existing:
        enterprise.administrator = user
        enterprise._change_reason = f"首个账号 {user.username} 为企业管理员"
        enterprise.save()
    account.status = AccountRequest.Status.ACTIVATED
    account.enterprise, account.user = enterprise, user
    account.handled_by, account.handled_at = by, timezone.now()
    account.consent, account.note = consent, note
    account.save()
    notify(
        [account.email],
        "企业账号已开通",
        f"{account.enterprise_name}：您的账号「{account.username}」已开通，可以登录办理申报。",
    )
    if existing:
        _tell_joined(
            enterprise, user, existing, how=AccountRequest.Consent(consent).label, about=account
        )
    return account


def _tell_joined(enterprise, user, existing, *, how: str, about) -> None:
    name = user.get_full_name() or user.username
    text = f"{name}（{user.username}）已加入本企业的平台账号（{how}）。"
    _tell_users(
        existing,
        kind=MEMBER_JOINED,
        text=text,
        link=reverse("enterprises:profile"),
        about=about,
        key=f"{MEMBER_JOINED}:{user.pk}",
        mail_subject="本企业新增平台用户",
        mail_body=(
            f"{enterprise.name}：\n{text}\n它可以查看和办理本企业的申报、项目和专利。"
            "如不认识此人，企业管理员可在平台「企业信息」页移除该用户，并请联系科技局。"
        ),
    )


@transaction.atomic
def activate_account(account: AccountRequest, *, by, reason: str = "") -> AccountRequest:
    """Staff open the account. The first account of an enterprise (none in the registry, or one
    without users) on its 营业执照; an account that would join an enterprise that has users only
    with ``reason`` recorded (the enterprise's administrator is the one to consent)."""
    account = AccountRequest.objects.select_for_update().get(pk=account.pk)
    if account.status != AccountRequest.Status.PENDING:
        raise ValidationError("该申请已处理。")
    enterprise = target_of(account)
    reason = reason.strip()
    if needs_consent(enterprise):
        if not reason:
            raise ValidationError(
                {"reason": "该企业已有用户，加入须经企业管理员同意；科技局代为开通必须填写理由。"}
            )
        if len(reason) > 200:
            raise ValidationError({"reason": "理由不超过 200 字。"})
        return _open(
            account, enterprise, consent=AccountRequest.Consent.STAFF_OVERRIDE, by=by, note=reason
        )
    if not account.licence:
        raise ValidationError(
            "该申请没有上传营业执照，不能开通企业的首个账号；请填写不予开通的原因，请企业重新注册。"
        )
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
    return _open(account, enterprise, consent=AccountRequest.Consent.FIRST_ACCOUNT, by=by)


def _administered(by, message: str) -> Enterprise:
    """The enterprise ``by`` administers, read afresh and locked; PermissionDenied otherwise."""
    enterprise = (
        Enterprise.objects.select_for_update().filter(pk=by.enterprise_id).first()
        if getattr(by, "enterprise_id", None)
        else None
    )
    if not is_administrator(by, enterprise):
        raise PermissionDenied(message)
    return enterprise


def join_requests_for(user):
    """The pending requests to join the enterprise ``user`` administers (none for anyone else)."""
    enterprise = getattr(user, "enterprise", None)
    if not is_administrator(user, enterprise):
        return AccountRequest.objects.none()
    return AccountRequest.objects.filter(
        status=AccountRequest.Status.PENDING, credit_code=enterprise.credit_code
    )


@transaction.atomic
def approve_join(account: AccountRequest, *, by) -> AccountRequest:
    """The enterprise's administrator lets the applicant in."""
    enterprise = _administered(by, "只有本企业的企业管理员可以同意加入申请。")
    account = AccountRequest.objects.select_for_update().get(pk=account.pk)
    if account.credit_code != enterprise.credit_code:
        raise PermissionDenied("该申请不是加入本企业的申请。")
    if account.status != AccountRequest.Status.PENDING:
        raise ValidationError("该申请已处理。")
    return _open(account, enterprise, consent=AccountRequest.Consent.ENTERPRISE_ADMIN, by=by)


@transaction.atomic
def decline_account(account: AccountRequest, *, by, note: str) -> AccountRequest:
    """Staff, or the administrator of the enterprise the request would join, say no."""
    if not note.strip():
        raise ValidationError({"note": "请填写不予开通的原因。"})
    if len(note.strip()) > 200:
        raise ValidationError({"note": "原因不超过 200 字。"})
    account = AccountRequest.objects.select_for_update().get(pk=account.pk)
    if not by.is_bureau_staff:
        enterprise = _administered(by, "只有本企业的企业管理员可以拒绝加入申请。")
        if account.credit_code != enterprise.credit_code:
            raise PermissionDenied("只有本企业的企业管理员可以拒绝加入申请。")
    if account.status != AccountRequest.Status.PENDING:
        raise ValidationError("该申请已处理。")
    account.status = AccountRequest.Status.DECLINED
    account.note = note.strip()
    account.handled_by, account.handled_at = by, timezone.now()
    account.save()
    who = "科技局" if by.is_bureau_staff else "企业管理员"
    notify(
        [account.email],
        "企业账号申请未通过",
        f"{account.enterprise_name}：{who}未同意开通您的账号。原因：{account.note}",
    )
    return account


@transaction.atomic
def remove_member(member, *, by) -> None:
    """The enterprise's administrator removes one of its users: the account can no longer log in
    (it stays, deactivated, for the records it made); the others are told."""
    from kejiju.models import User

    enterprise = _administered(by, "只有本企业的企业管理员可以移除用户。")
    member = User.objects.select_for_update().get(pk=member.pk)
    if member.enterprise_id != enterprise.pk or not member.is_active:
        raise PermissionDenied("该用户不是本企业的在用账号。")
    if member.pk == by.pk:
        raise ValidationError("企业管理员不能移除自己，请先把企业管理员移交给本企业其他用户。")
    member.is_active = False
    member.save(update_fields=["is_active"])
    name = member.get_full_name() or member.username
    text = f"{name}（{member.username}）已被企业管理员移出本企业，不能再登录平台。"
    _tell_users(
        members(enterprise),
        kind=MEMBER_REMOVED,
        text=text,
        link=reverse("enterprises:profile"),
        about=enterprise,
        mail_subject="本企业平台用户已移除",
        mail_body=f"{enterprise.name}：\n{text}",
    )
    notify(
        [member.email],
        "您的企业账号已被移除",
        f"{enterprise.name}：企业管理员已将您的账号「{member.username}」移出本企业，"
        "该账号不能再登录。如有疑问，请联系贵企业的企业管理员。",
    )


@transaction.atomic
def hand_over(member, *, by) -> Enterprise:
    """The administrator passes the role to another user of the enterprise."""
    enterprise = _administered(by, "只有本企业的企业管理员可以移交。")
    if member.enterprise_id != enterprise.pk or not member.is_active:
        raise PermissionDenied("该用户不是本企业的在用账号。")
    if member.pk == by.pk:
        raise ValidationError("您已经是企业管理员。")
    enterprise.administrator = member
    enterprise._change_reason = f"企业管理员由 {by.username} 移交给 {member.username}"
    enterprise.save()
    name = member.get_full_name() or member.username
    _tell_users(
        members(enterprise),
        kind=ADMIN_HANDED_OVER,
        text=f"本企业的企业管理员已由 {by.username} 移交给 {name}（{member.username}）。",
        link=reverse("enterprises:profile"),
        about=enterprise,
    )
    return enterprise


@transaction.atomic
def invite_user(
    *,
    enterprise: Enterprise,
    username: str,
    name: str,
    email: str,
    base_url: str,
    reason: str = "",
) -> str:
    """Staff open an account for one of the enterprise's clerks, who sets their own password
    through the e-mailed one-time link. Returns the link for staff to pass on. Into an
    enterprise that already has users only with ``reason`` recorded, and its users are told."""
    from kejiju.invitations import send_invitation
    from kejiju.models import User

    username = username.strip()
    reason = reason.strip()
    existing = list(members(enterprise))
    if existing and not reason:
        raise ValidationError(
            {"reason": "该企业已有用户，加入须经企业管理员同意；科技局代为开通必须填写理由。"}
        )
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
    if existing:
        _tell_joined(
            enterprise, user, existing, how=f"科技局邀请，理由：{reason}", about=enterprise
        )
    elif enterprise.administrator_id is None:
        enterprise.administrator = user
        enterprise._change_reason = f"首个账号 {user.username} 为企业管理员"
        enterprise.save()
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


def submission_problems(application: Application) -> dict[str, list[str]]:
    """What keeps a draft from being submitted, besides its figures (the form checks those):
    the rules in force, and the materials the rule version lists under
    ``required_attachments`` (matched by 材料名称). Keys: ``__all__``, ``attachments``."""
    problems: dict[str, list[str]] = {}
    try:
        rules = rules_for(application.kind)
    except ValidationError as exc:
        return {"__all__": exc.messages}
    have = {a.description.strip() for a in application.attachments.all()}
    missing = [d for d in rules.thresholds.get("required_attachments", []) if d not in have]
    if missing:
        problems["attachments"] = [f"请上传「{d}」（材料名称填写「{d}」）。" for d in missing]
    return problems


@transaction.atomic
def submit(application: Application, *, by, comment: str = "") -> Application:
    from projects.screening import services as screening

    screening.check_may_apply(enterprise=application.enterprise, user=by)
    if problems := submission_problems(application):
        raise ValidationError(problems)
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


APPLICATION_STEP = "enterprises.application_step"


def notify_enterprise(application: Application, subject: str, body: str) -> None:
    """Tells the enterprise's users through the notification centre (and a mail at once), and
    mails the enterprise's own address when none of its users has it."""
    from django.urls import reverse

    from kejiju.notifications.services import notify as notify_users

    enterprise = application.enterprise
    users = list(enterprise.users.filter(is_active=True))
    title = f"{application.title}{subject}"
    notify_users(
        users,
        kind=APPLICATION_STEP,
        text=f"{title}：{body}",
        link=reverse("enterprises:application_detail", args=[application.pk]),
        about=application,
        mail_subject=title,
        mail_body=f"{enterprise.name}：\n{body}",
    )
    if enterprise.email and enterprise.email not in {user.email for user in users}:
        notify([enterprise.email], title, f"{enterprise.name}：\n{body}")
