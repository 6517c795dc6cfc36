from __future__ import annotations

from django.urls import path

from craftpath.training import views

app_name = "training"
urlpatterns = [
    path("", views.course_list, name="courses"),
    path("courses/new/", views.course_new, name="course_new"),
    path("providers/new/", views.provider_new, name="provider_new"),
    path("courses/<uuid:public_id>/", views.course_detail, name="course"),
    path("courses/<uuid:public_id>/enrol/", views.enrol, name="enrol"),
    path("enrolments/<uuid:public_id>/withdraw/", views.withdraw, name="withdraw"),
    path("enrolments/<uuid:public_id>/complete/", views.complete, name="complete"),
]
