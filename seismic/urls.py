from django.urls import path

from . import views

app_name = "seismic"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("activities/", views.ActivityListView.as_view(), name="activity_list"),
    path("activities/new/", views.activity_edit, name="activity_add"),
    path("activities/<int:pk>/", views.ActivityDetailView.as_view(), name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("photos/<int:pk>/", views.photo_file, name="photo_file"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_add"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/versions/new/", views.version_add, name="version_add"),
    path("plans/<int:pk>/drills/new/", views.drill_add, name="drill_add"),
    path("sites/", views.SiteListView.as_view(), name="site_list"),
    path("sites/new/", views.site_edit, name="site_add"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("sites/<int:pk>/inspections/new/", views.inspection_add, name="inspection_add"),
    path("observation/", views.PointListView.as_view(), name="point_list"),
    path("observation/new/", views.point_edit, name="point_add"),
    path("observation/<int:pk>/edit/", views.point_edit, name="point_edit"),
    path("observation/reports/new/", views.report_add, name="report_add"),
    path("observation/reports/<int:pk>/check/", views.report_check, name="report_check"),
    path("stations/", views.station_list, name="station_list"),
    path("stations/new/", views.station_edit, name="station_add"),
    path("stations/<int:pk>/edit/", views.station_edit, name="station_edit"),
    path("stations/<int:station_pk>/milestones/new/", views.milestone_edit, name="milestone_add"),
    path(
        "stations/<int:station_pk>/milestones/<int:pk>/",
        views.milestone_edit,
        name="milestone_edit",
    ),
    path("teams/", views.team_list, name="team_list"),
]
