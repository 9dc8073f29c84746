"""Training managers' pages for A/B experiments."""

from django.urls import path

from cohorts import experiment_views

urlpatterns = [
    path("experiments/", experiment_views.experiment_list, name="experiments"),
    path("experiments/new/", experiment_views.experiment_new, name="experiment-new"),
    path("experiments/<int:pk>/", experiment_views.experiment_detail, name="experiment"),
]
