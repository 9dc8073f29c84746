"""Who may do what: one permission class per rule, used by every app's API."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsTrainingManager(BasePermission):
    message = "Only training managers may do this."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_manager)


class IsManagerOrReadOnly(BasePermission):
    """Everyone signed in may read (views scope what they see); managers may write."""

    message = "Only training managers may change this."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or user.is_manager


class IsNotHR(BasePermission):
    """HR reads people's work in aggregate only (insights): individual feedback, coaching
    pairs, role-plays, certifications and interactions answer 403 to HR, not an empty list."""

    message = "HR reads this only in aggregate, through insights."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and not user.is_hr)


class IsAgent(BasePermission):
    message = "Only agents may do this."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.role == user.Role.AGENT)
