from django.urls import path

from certification import queue_views, role_play_views

urlpatterns = [
    path(
        "cohorts/<int:cohort_id>/role-plays/book/",
        role_play_views.role_play_book,
        name="role-play-book",
    ),
    path("role-plays/<int:pk>/", role_play_views.role_play, name="role-play"),
    path(
        "cohorts/<int:cohort_id>/certification/",
        queue_views.certification_queue_page,
        name="cohort-certification",
    ),
]
