from django.urls import path

from insights import calibration_views, views

urlpatterns = [
    path("insights/", views.hr_insights, name="insights"),
    path("calibration/", calibration_views.calibration_list, name="calibrations"),
    path("calibration/new/", calibration_views.calibration_new, name="calibration-new"),
    path("calibration/<int:pk>/", calibration_views.calibration_session, name="calibration"),
    path(
        "calibration/<int:pk>/results/",
        calibration_views.calibration_results,
        name="calibration-results",
    ),
    path("calibration/quality/", calibration_views.reviewer_quality, name="reviewer-quality"),
]
