from django.urls import path

from . import task_book_views, views

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
    path("public/", views.portal, name="portal"),
    path("public/calls/<int:pk>/", views.public_call, name="public_call"),
    path("public/calls/<int:pk>/template/", views.call_template, name="call_template"),
    path("calls/", views.call_list, name="call_list"),
    path("calls/new/", views.call_create, name="call_add"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("calls/<int:pk>/apply/", views.apply, name="apply"),
    path("drafts/<int:pk>/", views.draft_edit, name="draft"),
    path("drafts/<int:pk>/confirm/", views.draft_confirm, name="draft_confirm"),
    path("drafts/<int:pk>/delete/", views.draft_delete, name="draft_delete"),
    path("drafts/<int:pk>/documents/<int:doc_pk>/", views.draft_document, name="draft_document"),
    path("my/", views.my_projects, name="my_projects"),
    path("commissioners/", views.CommissionerListView.as_view(), name="commissioner_list"),
    path("review/", views.my_review_tasks, name="review_tasks"),
    path("review/<int:member_pk>/", views.review_material, name="review_material"),
    path(
        "review/<int:member_pk>/documents/<int:doc_pk>/",
        views.review_document,
        name="review_document",
    ),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/documents/<int:doc_pk>/", views.document_download, name="document"),
    path("<int:pk>/task-book/", task_book_views.task_book, name="task_book"),
    path(
        "<int:pk>/task-book/<int:version>/pdf/",
        task_book_views.task_book_pdf,
        name="task_book_pdf",
    ),
    path("<int:pk>/indicators/", task_book_views.indicators, name="indicators"),
    path("<int:pk>/inspections/", task_book_views.inspections, name="inspections"),
    path("<int:pk>/inspections/new/", task_book_views.inspection_add, name="inspection_add"),
    path(
        "<int:pk>/inspections/photos/<int:photo_pk>/",
        task_book_views.inspection_photo,
        name="inspection_photo",
    ),
]
