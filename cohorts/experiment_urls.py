"""Training managers' pages for A/B experiments."""

urlpatterns: list = []
