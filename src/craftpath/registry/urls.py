from __future__ import annotations

from django.urls import include, path

from craftpath.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("find/", views.find_by_id, name="find"),
    path("new/", views.create, name="create"),
    path("import/", include("craftpath.registry.import_urls")),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/edit/", views.edit, name="edit"),
    path("<uuid:public_id>/reveal/", views.reveal, name="reveal"),
    path("<uuid:public_id>/histories/", views.add_history, name="add_history"),
    path("<uuid:public_id>/certificates/", views.add_certificate, name="add_certificate"),
    path("<uuid:public_id>/diplomas/", views.add_diploma, name="add_diploma"),
]
