from __future__ import annotations

from django.urls import path

from craftpath.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("users/<uuid:public_id>/unlock/", views.unlock, name="unlock"),
]
