from django.urls import path

from accounts import web

urlpatterns = [
    path("account/tokens/", web.api_tokens, name="api-tokens"),
    path("account/tokens/<int:token_id>/revoke/", web.api_token_revoke, name="api-token-revoke"),
]
