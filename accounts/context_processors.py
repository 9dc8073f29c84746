from django.conf import settings


def single_sign_on(request):
    """Whether the sign-in page offers single sign-on, and under what name."""
    return {
        "sso_enabled": settings.ATTUNE_OIDC_ENABLED,
        "sso_provider_name": settings.ATTUNE_OIDC_PROVIDER_NAME,
    }
