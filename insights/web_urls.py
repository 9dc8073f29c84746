from django.urls import path

from insights import calibration_views, experiment_views, measurement_views, views

urlpatterns = [
    path("insights/", views.hr_insights, name="insights"),
    path("experiments/", experiment_views.experiment_list, name="experiments"),
    path("experiments/new/", experiment_views.experiment_new, name="experiment-new"),
    path("experiments/<int:pk>/", experiment_views.experiment_detail, name="experiment"),
    path("calibration/", calibration_views.calibration_list, name="calibrations"),
    path("calibration/new/", calibration_views.calibration_new, name="calibration-new"),
    path("calibration/<int:pk>/", calibration_views.calibration_session, name="calibration"),
    path(
        "calibration/<int:pk>/results/",
        calibration_views.calibration_results,
        name="calibration-results",
    ),
    path("measurement/", measurement_views.measurement_list, name="measurement"),
    path("measurement/<int:pk>/", measurement_views.measurement_detail, name="assessment"),
    path("calibration/quality/", calibration_views.reviewer_quality, name="reviewer-quality"),
]
