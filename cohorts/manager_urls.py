from django.urls import path

from cohorts import manager_actions, manager_views, refresher_views

urlpatterns = [
    path("cohorts/", manager_views.cohort_list, name="cohorts"),
    path("refreshers/", refresher_views.refresher_list, name="refreshers"),
    path("refreshers/new/", refresher_views.refresher_new, name="refresher-new"),
    path("refreshers/<int:pk>/", refresher_views.refresher_edit, name="refresher-edit"),
    path("cohorts/new/", manager_views.cohort_new, name="cohort-new"),
    path("cohorts/<int:pk>/", manager_views.cohort_detail, name="cohort"),
    path("cohorts/<int:pk>/start/", manager_actions.cohort_start, name="cohort-start"),
    path("cohorts/<int:pk>/close/", manager_actions.cohort_close, name="cohort-close"),
    path("cohorts/<int:pk>/extend/", manager_actions.cohort_extend, name="cohort-extend"),
    path(
        "cohorts/<int:pk>/pairs/regenerate/",
        manager_actions.cohort_regenerate_pairs,
        name="cohort-regenerate-pairs",
    ),
    path("cohorts/<int:pk>/schedule/resync/", manager_actions.cohort_resync, name="cohort-resync"),
    path(
        "cohorts/<int:pk>/schedule/<int:item_id>/move/",
        manager_actions.item_move,
        name="cohort-item-move",
    ),
    path(
        "cohorts/<int:pk>/attendance/", manager_actions.cohort_attendance, name="cohort-attendance"
    ),
    path("cohorts/<int:pk>/practice/", manager_actions.cohort_practice, name="cohort-practice"),
    path(
        "cohorts/<int:pk>/enrollments/<int:enrollment_id>/withdraw/",
        manager_actions.enrollment_withdraw,
        name="cohort-enrollment-withdraw",
    ),
    path(
        "cohorts/<int:pk>/enrollments/<int:enrollment_id>/reactivate/",
        manager_actions.enrollment_reactivate,
        name="cohort-enrollment-reactivate",
    ),
    path("cohorts/<int:pk>/enrol/", manager_actions.cohort_import, name="cohort-import"),
    *(
        path(
            f"cohorts/<int:pk>/invitations/<int:invitation_id>/{action}/",
            manager_actions.invitation_act,
            {"action": action},
            name=f"cohort-invitation-{action}",
        )
        for action in manager_actions.INVITATION_ACTIONS
    ),
    path(
        "cohorts/<int:pk>/decisions/<int:decision_id>/revoke/",
        manager_actions.decision_revoke,
        name="cohort-revoke",
    ),
]
