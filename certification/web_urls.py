from django.urls import path

from certification import badge_link_views, queue_views, role_play_views

urlpatterns = [
    path("plan/badge-link/", badge_link_views.my_link, name="my-badge-link"),
    path("badge-links/", badge_link_views.manager_links, name="badge-links"),
    path("badge-links/<int:pk>/revoke/", badge_link_views.revoke_link, name="badge-link-revoke"),
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
