from django.urls import path

from . import views

app_name = "experts"

urlpatterns = [
    path("", views.ExpertListView.as_view(), name="expert_list"),
    path("<int:pk>/invite/", views.expert_invite, name="expert_invite"),
    path("draws/", views.DrawListView.as_view(), name="draw_list"),
    path("draws/new/", views.draw_create, name="draw_add"),
    path("draws/<int:pk>/", views.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/verify/", views.draw_verify, name="draw_verify"),
    path("draws/<int:pk>/record.pdf", views.draw_pdf, name="draw_pdf"),
    path(
        "draws/<int:pk>/members/<int:member_pk>/respond/",
        views.member_respond,
        name="member_respond",
    ),
    path("draws/<int:pk>/members/<int:member_pk>/rate/", views.member_rate, name="member_rate"),
    path("my/", views.my_reviews, name="my_reviews"),
    path("my/<int:member_pk>/", views.my_review, name="my_review"),
]
