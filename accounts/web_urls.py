from django.urls import path

from accounts import web

urlpatterns = [
    path("account/tokens/", web.api_tokens, name="api-tokens"),
    path("account/tokens/<int:token_id>/revoke/", web.api_token_revoke, name="api-token-revoke"),
    path("notifications/", web.notifications, name="notifications"),
    path(
        "notifications/<int:notification_id>/read/",
        web.notification_read,
        name="notification-read",
    ),
    path("notifications/read-all/", web.notifications_read_all, name="notifications-read-all"),
]
