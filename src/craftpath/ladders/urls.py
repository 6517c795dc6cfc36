from __future__ import annotations

from django.urls import path

from craftpath.ladders import views

app_name = "ladders"
urlpatterns = [
    path("me/", views.next_grade, name="me"),
    path("members/<uuid:public_id>/", views.next_grade, name="member"),
    path("eligible/", views.eligible, name="eligible"),
    path("runs/", views.runs, name="runs"),
    path("runs/<uuid:public_id>/", views.run_detail, name="run"),
]
