from __future__ import annotations

from django.urls import path

from craftpath.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<str:code>/", views.detail, name="detail"),
]
