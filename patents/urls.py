from django.urls import path

from . import views

app_name = "patents"

urlpatterns = [
    path("", views.PatentListView.as_view(), name="list"),
    path("<int:pk>/", views.patent_detail, name="detail"),
    path("unlinked/", views.unlinked_applicants, name="unlinked"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("disputes/", views.DisputeListView.as_view(), name="dispute_list"),
    path("disputes/<int:pk>/", views.dispute_detail, name="dispute_detail"),
    path("activities/", views.ActivityListView.as_view(), name="activity_list"),
]
