from __future__ import annotations

from django.urls import path

from craftpath.taxonomy import views

app_name = "taxonomy"
urlpatterns = [
    path("", views.occupation_list, name="list"),
    path("<str:code>/", views.occupation_detail, name="detail"),
]
