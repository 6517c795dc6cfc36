from __future__ import annotations

from django.urls import path

from craftpath.competitions import views

app_name = "competitions"
urlpatterns = [
    path("", views.competition_list, name="list"),
    path("new/", views.competition_new, name="new"),
    path("me/", views.my_results, name="me"),
    path("<uuid:public_id>/", views.competition_detail, name="detail"),
    path("<uuid:public_id>/results/", views.record_result, name="record"),
    path("<uuid:public_id>/upload/", views.upload_results, name="upload"),
    path("<uuid:public_id>/promotions/", views.apply_promotions, name="apply"),
    path("posts/", views.post_list, name="posts"),
    path("posts/new/", views.post_new, name="post_new"),
    path("posts/<uuid:public_id>/", views.post_detail, name="post"),
    path("posts/<uuid:public_id>/nominate/", views.nominate, name="nominate"),
    path("appointments/<uuid:public_id>/appoint/", views.appoint, name="appoint"),
    path("appointments/<uuid:public_id>/end/", views.end_appointment, name="end"),
]
