from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("compute/", views.compute_now, name="compute"),
    path("summary/", views.summary_page, name="summary"),
    path("summary/start/", views.summary_start, name="summary_start"),
    path("summary/<int:pk>/", views.summary_job, name="summary_job"),
    path("summary/<int:pk>/retry/", views.summary_retry, name="summary_retry"),
    path("summary/<int:pk>/download/", views.summary_download, name="summary_download"),
    path("manage/", views.manage_year, name="manage"),
    path("targets/new/", views.TargetCreate.as_view(), name="target_create"),
    path("targets/<int:pk>/", views.TargetUpdate.as_view(), name="target_update"),
    path("targets/<int:pk>/delete/", views.TargetDelete.as_view(), name="target_delete"),
    path("honours/new/", views.HonourCreate.as_view(), name="honour_create"),
    path("honours/<int:pk>/", views.HonourUpdate.as_view(), name="honour_update"),
    path("honours/<int:pk>/delete/", views.HonourDelete.as_view(), name="honour_delete"),
    path("paragraphs/new/", views.ParagraphCreate.as_view(), name="paragraph_create"),
    path("paragraphs/<int:pk>/", views.ParagraphUpdate.as_view(), name="paragraph_update"),
    path("paragraphs/<int:pk>/delete/", views.ParagraphDelete.as_view(), name="paragraph_delete"),
]
