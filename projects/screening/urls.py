from django.urls import path

from . import views

app_name = "screening"

urlpatterns = [
    path("integrity/", views.integrity_list, name="integrity_list"),
    path("integrity/new/", views.integrity_add, name="integrity_add"),
    path("integrity/<int:pk>/", views.integrity_detail, name="integrity_detail"),
    path("integrity/<int:pk>/decision/", views.integrity_document, name="integrity_document"),
    path("duplicates/", views.duplicate_list, name="duplicate_list"),
    path("duplicates/<int:pk>/", views.duplicate_pair, name="duplicate_pair"),
    path("town/", views.town_home, name="town_home"),
    path("town/<int:pk>/", views.town_application, name="town_application"),
    path("letters/<int:pk>/", views.recommendation_letter, name="recommendation_letter"),
]
