"""Operators' view of hiring (superusers only: candidates are people's data, and the
admin cannot apply the opening's visibility rule to every list and form)."""

from django.contrib import admin

from config.admin import SuperuserOnlyAdmin
from hiring.models import Candidate, Interview, InterviewScore, Opening


@admin.register(Opening)
class OpeningAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("title", "team", "rubric", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("team", "rubric")
    raw_id_fields = ("created_by",)
    filter_horizontal = ("interviewers",)


@admin.register(Candidate)
class CandidateAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("name", "opening", "stage", "stage_changed_at", "agent")
    list_filter = ("stage",)
    search_fields = ("name", "email")
    list_select_related = ("opening", "agent")
    raw_id_fields = ("opening", "agent")


@admin.register(Interview)
class InterviewAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("candidate", "scenario", "held_on")
    list_select_related = ("candidate", "scenario")
    raw_id_fields = ("candidate", "scenario")


@admin.register(InterviewScore)
class InterviewScoreAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("interview", "interviewer", "submitted_at")
    list_select_related = ("interview__candidate", "interviewer")
    readonly_fields = ("interview", "interviewer", "values", "notes", "submitted_at")

    def has_add_permission(self, request):
        return False
