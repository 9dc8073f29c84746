from django.urls import path

from helpdesk import views

urlpatterns = [
    path("helpdesk/", views.sources, name="helpdesk-sources"),
    path("helpdesk/<int:pk>/", views.source_detail, name="helpdesk-source"),
    path("helpdesk/<int:pk>/sync/", views.source_sync_now, name="helpdesk-source-sync"),
    path("helpdesk/<int:pk>/secret/", views.source_secret_rotate, name="helpdesk-source-secret"),
    path("helpdesk/<int:pk>/macros/", views.source_macros_push, name="helpdesk-source-macros"),
]
