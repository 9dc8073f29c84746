from django.urls import path

from hiring import views

urlpatterns = [
    path("hiring/", views.openings, name="hiring-openings"),
    path("hiring/openings/<int:pk>/", views.opening_detail, name="hiring-opening"),
    path("hiring/openings/<int:pk>/comparison/", views.comparison, name="hiring-comparison"),
    path(
        "hiring/openings/<int:pk>/comparison.csv",
        views.comparison_csv,
        name="hiring-comparison-csv",
    ),
    path("hiring/candidates/<int:pk>/", views.candidate_detail, name="hiring-candidate"),
    path("hiring/candidates/<int:pk>/hire/", views.candidate_hire, name="hiring-candidate-hire"),
    path(
        "hiring/candidates/<int:pk>/delete/", views.candidate_delete, name="hiring-candidate-delete"
    ),
    path("hiring/interviews/<int:pk>/", views.interview_detail, name="hiring-interview"),
    path("hiring/starting-point/", views.starting_point, name="hiring-starting-point"),
    path(
        "hiring/starting-point/<int:agent_pk>/",
        views.agent_starting_point,
        name="hiring-agent-starting-point",
    ),
]
