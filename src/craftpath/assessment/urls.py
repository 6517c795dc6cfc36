from __future__ import annotations

from django.urls import path

from craftpath.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.event_list, name="events"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<uuid:public_id>/", views.event_detail, name="event"),
    path("events/<uuid:public_id>/register/", views.register, name="register"),
    path("events/<uuid:public_id>/publish/", views.publish, name="publish"),
    path("candidates/<uuid:public_id>/scores/", views.scores, name="scores"),
]
