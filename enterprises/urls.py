from django.urls import path

from . import views

app_name = "enterprises"

urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="list"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/invite/", views.enterprise_invite, name="invite"),
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register_done"),
    path("accounts/", views.account_requests, name="account_requests"),
    path("accounts/<int:pk>/activate/", views.account_activate, name="account_activate"),
    path("accounts/<int:pk>/decline/", views.account_decline, name="account_decline"),
    path("accounts/<int:pk>/licence/", views.account_licence, name="account_licence"),
    path(
        "accounts/<int:pk>/authorization/",
        views.account_authorization,
        name="account_authorization",
    ),
    path("my/", views.profile, name="profile"),
    path("my/joins/<int:pk>/approve/", views.join_approve, name="join_approve"),
    path("my/joins/<int:pk>/decline/", views.join_decline, name="join_decline"),
    path("my/users/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("my/users/<int:pk>/hand-over/", views.member_hand_over, name="member_hand_over"),
    path("applications/", views.my_applications, name="my_applications"),
    path("applications/new/<str:kind>/", views.application_edit, name="application_new"),
    path("applications/precheck/<str:kind>/", views.precheck_live, name="precheck_live"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path(
        "applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"
    ),
    path("applications/<int:pk>/pdf/", views.application_pdf, name="application_pdf"),
    path("applications/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("review/", views.ReviewQueueView.as_view(), name="review_queue"),
    path("applications/<int:pk>/review/", views.application_review, name="application_review"),
    path(
        "applications/<int:pk>/override/", views.application_override, name="application_override"
    ),
    path("applications/<int:pk>/scores/", views.application_scores, name="application_scores"),
]
