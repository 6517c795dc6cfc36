from __future__ import annotations

from django.urls import path

from craftpath.credentials import views

app_name = "credentials"
urlpatterns = [
    path("", views.credential_list, name="list"),
    path("trust.json", views.trust_list, name="trust"),
    path("status/<uuid:key_id>/<str:purpose>.json", views.status_list, name="status"),
    path("<uuid:public_id>/", views.credential_detail, name="detail"),
    path("<uuid:public_id>/pdf", views.credential_pdf, name="pdf"),
    path("<uuid:public_id>/json", views.credential_json, name="json"),
    path("<uuid:public_id>/<str:change>/", views.change_status, name="change"),
]
