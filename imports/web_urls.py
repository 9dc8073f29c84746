from django.urls import path

from imports import views

urlpatterns = [
    path("imports/<int:pk>/", views.import_job_page, name="import-job"),
    path(
        "cohorts/<int:cohort_pk>/enrol/background/",
        views.enrolment_job_start,
        name="cohort-import-background",
    ),
]
