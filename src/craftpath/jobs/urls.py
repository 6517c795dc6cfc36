from __future__ import annotations

from django.urls import path

from craftpath.jobs import views

app_name = "jobs"
urlpatterns = [
    path("me/", views.me, name="me"),
    path("seekers/", views.seekers, name="seekers"),
    path("seekers/<uuid:public_id>/", views.seeker_detail, name="seeker"),
    path("placements/<uuid:public_id>/move/", views.placement_move, name="placement_move"),
    path("openings/", views.openings, name="openings"),
    path("openings/import/", views.openings_import, name="openings_import"),
    path("openings/<uuid:public_id>/", views.opening_detail, name="opening"),
]
