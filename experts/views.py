from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kejiju.choices import Role
from kejiju.collation import Pinyin
from kejiju.listing import FilteredListView
from kejiju.models import User
from kejiju.pdf import render_pdf
from kejiju.permissions import role_required

from . import services
from .choices import MemberRole, ResponseKind
from .filters import DrawFilter, ExpertFilter
from .forms import DeclarationForm, DeclineForm, DrawForm, ResponseForm, ScoreForm
from .models import Draw, DrawMember, Expert, Specialty
from .permissions import DRAW_STAFF, manages_pool, mask_email, mask_phone
from .resources import ExpertResource


class ExpertListView(FilteredListView):
    roles = DRAW_STAFF
    filterset_class = ExpertFilter
    template_name = "experts/expert_list.html"
    export_resource = ExpertResource
    export_title = "专家库"

    def may_export(self) -> bool:
        # The file carries phone numbers and e-mail: only for the staff who manage the pool.
        return manages_pool(self.request.user)

    queryset = Expert.objects.annotate(
        reviews=Count(
            "draw_places__review", filter=Q(draw_places__review__submitted_at__isnull=False)
        ),
        timeliness=Avg("draw_places__rating__timeliness"),
        quality=Avg("draw_places__rating__quality"),
        has_account=Exists(User.objects.filter(expert=OuterRef("pk"))),
    ).order_by(Pinyin("name", key="name_pinyin"), "pk")
    sort_fields = {
        "name": (Pinyin("name", key="name_pinyin"),),
        "employer": (Pinyin("employer", key="employer_pinyin"),),
        "title": ("title",),
        "status": ("status",),
        "entered_on": ("entered_on",),
        "reviews": ("reviews",),
    }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        full = context["manages_pool"] = manages_pool(self.request.user)
        for expert in context["page"]:
            expert.shown_mobile = expert.mobile if full else mask_phone(expert.mobile)
            expert.shown_email = expert.email if full else mask_email(expert.email)
        context["per_specialty"] = (
            Specialty.objects.filter(parent__isnull=False)
            .annotate(n=Count("expert_links", distinct=True))
            .select_related("parent")
            .order_by("parent__order", "order")
        )
        context["pool_total"] = Expert.objects.active().count()
        return context


def _draw_context(record: Draw) -> dict:
    members = list(
        record.members.select_related("expert", "review", "rating").prefetch_related("responses")
    )
    replacements = {r.replaced_id: r for r in record.replacements.select_related("backup__expert")}
    called = {r.backup_id: r for r in replacements.values()}
    panel = {m.pk for m in services.active_panel(record)}
    for member in members:
        member.last = (
            member.responses.all()[len(member.responses.all()) - 1]
            if member.responses.all()
            else None
        )
        member.replaced_by = replacements.get(member.pk)
        member.called = called.get(member.pk)
        member.on_panel = member.pk in panel
    return {
        "draw": record,
        "main": [m for m in members if m.role == MemberRole.MAIN],
        "backups": [m for m in members if m.role == MemberRole.BACKUP],
        "exclusions": record.exclusions.select_related("expert"),
        "specialties": Specialty.objects.filter(
            pk__in=record.criteria["specialties"]
        ).select_related("parent"),
    }


class DrawListView(FilteredListView):
    roles = DRAW_STAFF
    filterset_class = DrawFilter
    template_name = "experts/draw_list.html"
    queryset = Draw.objects.select_related("requested_by", "superseded_by").order_by(
        "-created_at", "-pk"
    )
    sort_fields = {"created_at": ("created_at",), "purpose": ("purpose",)}


@role_required(*DRAW_STAFF)
def draw_create(request):
    form = DrawForm(request.POST or None)
    exclusion_report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.draw_experts(
                purpose=data["purpose"],
                subject=data["subject"],
                step=data["step"],
                criteria=form.criteria(),
                requested_by=request.user,
                supervisor=data["supervisor"],
                applicants=data["applicants"],
                applicant_names=form.applicant_names,
                named=data["named"],
                void_reason=data["void_reason"],
            )
        except services.InsufficientPool as exc:
            form.add_error(None, exc.messages[0])
            experts = Expert.objects.in_bulk(list(exc.pool.exclusions))
            exclusion_report = [(experts[pk], rules) for pk, rules in exc.pool.exclusions.items()]
        except ValidationError as exc:
            for field, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request, f"已抽取正选 {len(record.main)} 人、备选 {len(record.backups)} 人。"
            )
            return redirect("experts:draw_detail", pk=record.pk)
    return render(
        request, "experts/draw_form.html", {"form": form, "exclusion_report": exclusion_report}
    )


@role_required(*DRAW_STAFF)
def draw_detail(request, pk):
    record = get_object_or_404(Draw, pk=pk)
    context = _draw_context(record)
    context["response_form"] = ResponseForm()
    context["shows_contacts"] = manages_pool(request.user)
    return render(request, "experts/draw_detail.html", context)


@role_required(*DRAW_STAFF)
@require_POST
def draw_verify(request, pk):
    record = get_object_or_404(Draw, pk=pk)
    ok, message = services.verify(record)
    (messages.success if ok else messages.error)(
        request, f"核验{'通过' if ok else '未通过'}：{message}"
    )
    return redirect("experts:draw_detail", pk=record.pk)


@role_required(*DRAW_STAFF)
def draw_pdf(request, pk):
    record = get_object_or_404(Draw, pk=pk)
    context = _draw_context(record)
    context["verified"] = services.verify(record)
    pdf = render_pdf("experts/draw_record_pdf.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="draw-{record.pk}.pdf"'
    return response


@role_required(*DRAW_STAFF)
@require_POST
def member_respond(request, pk, member_pk):
    member = get_object_or_404(
        DrawMember.objects.select_related("expert"), pk=member_pk, draw_id=pk
    )
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            replacement = services.record_response(
                member=member,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                recorded_by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已记录 {member.expert.name} 的答复。")
            if replacement:
                messages.info(request, f"已由备选 {replacement.backup.expert.name} 递补。")
            elif (
                form.cleaned_data["kind"] != ResponseKind.ACCEPTED
                and member.role == MemberRole.MAIN
            ):
                messages.warning(request, "备选专家已用完，请另行抽取。")
    else:
        messages.error(request, "请选择答复。")
    return redirect("experts:draw_detail", pk=pk)


@role_required(*DRAW_STAFF)
@require_POST
def expert_invite(request, pk):
    if not manages_pool(request.user):
        raise PermissionDenied("只有专家库管理人员可以邀请专家开通账号。")
    expert = get_object_or_404(Expert, pk=pk)
    try:
        link, _ = services.invite_expert(expert=expert, base_url=request.build_absolute_uri("/"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        sent = f"邀请邮件已发送至 {expert.email}；" if expert.email else ""
        messages.success(
            request,
            f"已为 {expert.name} 开通账号（用户名 {expert.mobile}）。{sent}设置密码链接：{link}",
        )
    return redirect(f"{reverse('experts:expert_list')}?q={expert.name}")


# ---- the drawn expert's own pages --------------------------------------------------------------


@role_required(*DRAW_STAFF)
@require_POST
def member_rate(request, pk, member_pk):
    member = get_object_or_404(
        DrawMember.objects.select_related("expert"), pk=member_pk, draw_id=pk
    )
    try:
        services.rate_expert(
            member=member,
            timeliness=int(request.POST.get("timeliness", 0)),
            quality=int(request.POST.get("quality", 0)),
            note=request.POST.get("note", "")[:300],
            rated_by=request.user,
        )
    except (ValidationError, ValueError) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", ["请选择 1–5 分。"])))
    else:
        messages.success(request, f"已评价 {member.expert.name} 的履职情况。")
    return redirect("experts:draw_detail", pk=pk)


@role_required(Role.EXPERT)
def my_reviews(request):
    places = (
        DrawMember.objects.assigned_to(request.user)
        .select_related("draw", "review")
        .prefetch_related("responses", "replacing")
        .order_by("-draw__created_at")
    )
    visible = [p for p in places if p.role == MemberRole.MAIN or hasattr(p, "replacing")]
    for place in visible:
        responses = list(place.responses.all())
        place.last = responses[-1] if responses else None
    return render(request, "experts/my_reviews.html", {"places": visible})


def _my_place(request, member_pk) -> DrawMember:
    member = (
        DrawMember.objects.assigned_to(request.user)
        .select_related("draw")
        .filter(pk=member_pk)
        .first()
    )
    if member is None or not (member.role == MemberRole.MAIN or hasattr(member, "replacing")):
        raise Http404("没有该评审任务。")
    return member


@role_required(Role.EXPERT)
def my_review(request, member_pk):
    member = _my_place(request, member_pk)
    review = getattr(member, "review", None)
    last = member.responses.last()
    declaration = DeclarationForm(request.POST if "declare" in request.POST else None)
    decline = DeclineForm(request.POST if "decline" in request.POST else None)
    score = ScoreForm(request.POST if "score" in request.POST else None)
    if request.method == "POST":
        try:
            if "declare" in request.POST and declaration.is_valid():
                services.declare_no_conflict(member=member, user=request.user)
                messages.success(request, "已声明无利益冲突，现在可以查看材料并评分。")
                return redirect("experts:my_review", member_pk=member.pk)
            if "decline" in request.POST and decline.is_valid():
                services.record_response(
                    member=member,
                    kind=ResponseKind.DECLINED,
                    reason=decline.cleaned_data["reason"],
                    recorded_by=request.user,
                    online=True,
                )
                messages.info(request, "已记录您不能参加本次评审，感谢告知。")
                return redirect("experts:my_reviews")
            if "score" in request.POST and score.is_valid():
                services.submit_review(
                    member=member, scores=score.scores(), comment=score.cleaned_data["comment"]
                )
                messages.success(request, "评审意见已提交。")
                return redirect("experts:my_review", member_pk=member.pk)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    return render(
        request,
        "experts/my_review.html",
        {
            "member": member,
            "review": review,
            "last": last,
            "declaration": declaration,
            "decline": decline,
            "score": score,
            "declined": last is not None and last.kind != ResponseKind.ACCEPTED,
        },
    )
