"""Django admin for the registry, qualification types and awards, chains, visits and reception days.

Contacts are shown masked in lists; the change form shows them to admins (who may reveal them anyway).
Problems are read-only here: they are written through the services, which report their cases."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from gaoxin.enterprises.creditcode import credit_code_problem, normalize_input
from gaoxin.enterprises.models import (
    Enterprise,
    EnterpriseNotification,
    EnterpriseProblem,
    EnterpriseUser,
    IndustrialChain,
    Industry,
    PersonalDataAccess,
    QualificationAward,
    QualificationType,
    ReceptionSession,
    Visit,
)


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(IndustrialChain)
class IndustrialChainAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "sort_order", "is_synthetic")
    list_editable = ("sort_order",)
    search_fields = ("code", "name")


@admin.register(QualificationType)
class QualificationTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "sort_order", "is_active")
    list_filter = ("level", "is_active")
    list_editable = ("sort_order", "is_active")
    search_fields = ("code", "name")


class QualificationAwardInline(admin.TabularInline):
    model = QualificationAward
    extra = 0
    fields = ("qualification_type", "year", "awarded_on", "issuing_body", "evidence_ref", "evidence_file", "is_new")
    readonly_fields = ("created_at",)


class EnterpriseAdminForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ("credit_code", "name", "address", "lon", "lat", "industry", "chains", "size", "contact_name",
                  "contact_phone", "is_synthetic")

    def clean_credit_code(self) -> str:
        code = self.cleaned_data["credit_code"]
        problem = credit_code_problem(code)
        if problem is not None:
            raise forms.ValidationError(f"统一社会信用代码{problem.message}", code=problem.code)
        return normalize_input(code)


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    form = EnterpriseAdminForm
    list_display = ("credit_code", "name", "street", "industry", "size", "masked_contact", "masked_phone",
                    "is_synthetic")
    list_filter = ("size", "chains", "street", "is_synthetic")
    search_fields = ("credit_code", "name")
    filter_horizontal = ("chains",)
    raw_id_fields = ("industry",)
    readonly_fields = ("micro_grid", "grid", "street", "created_at", "updated_at")
    inlines = [QualificationAwardInline]

    @admin.display(description="联系人")
    def masked_contact(self, obj: Enterprise) -> str:
        return obj.contact_name_masked

    @admin.display(description="联系电话")
    def masked_phone(self, obj: Enterprise) -> str:
        return obj.contact_phone_masked

    def save_model(self, request: HttpRequest, obj: Enterprise, form: object, change: bool) -> None:
        # Same rules as the services: the form checked the credit code; the point is located again.
        from gaoxin.core import clock
        from gaoxin.enterprises.services import _apply_location

        _apply_location(obj)
        obj.updated_at = clock.now()
        if not change:
            obj.created_at = obj.updated_at
        super().save_model(request, obj, form, change)


@admin.register(QualificationAward)
class QualificationAwardAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "qualification_type", "year", "awarded_on", "issuing_body", "is_new")
    list_filter = ("year", "qualification_type__level", "qualification_type", "is_new")
    search_fields = ("enterprise__name", "enterprise__credit_code", "evidence_ref")
    raw_id_fields = ("enterprise",)
    readonly_fields = ("created_at",)

    def save_model(self, request: HttpRequest, obj: QualificationAward, form: object, change: bool) -> None:
        from gaoxin.core import clock

        if not change:
            obj.created_at = clock.now()
        super().save_model(request, obj, form, change)


@admin.register(EnterpriseUser)
class EnterpriseUserAdmin(admin.ModelAdmin):
    list_display = ("user", "enterprise", "created_at")
    raw_id_fields = ("user", "enterprise")
    readonly_fields = ("created_at",)


class ProblemInline(admin.TabularInline):
    model = EnterpriseProblem
    extra = 0
    can_delete = False
    fields = ("category", "description", "department", "case")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ("visited_on", "enterprise", "cadre", "department", "revisit_on", "is_synthetic")
    list_filter = ("visited_on", "department", "is_synthetic")
    search_fields = ("enterprise__name", "enterprise__credit_code", "cadre__username", "notes")
    date_hierarchy = "visited_on"
    raw_id_fields = ("enterprise", "cadre")
    readonly_fields = ("created_at",)
    inlines = [ProblemInline]


@admin.register(ReceptionSession)
class ReceptionSessionAdmin(admin.ModelAdmin):
    list_display = ("held_on", "title", "leader_name", "location", "is_synthetic")
    list_filter = ("held_on", "is_synthetic")
    search_fields = ("title", "leader_name")
    date_hierarchy = "held_on"
    filter_horizontal = ("departments",)
    raw_id_fields = ("enterprises", "leader", "created_by")
    readonly_fields = ("created_at",)
    inlines = [ProblemInline]


@admin.register(EnterpriseProblem)
class EnterpriseProblemAdmin(admin.ModelAdmin):
    list_display = ("raised_on", "enterprise", "source", "category", "department", "case")
    list_filter = ("source", "category", "raised_on")
    search_fields = ("enterprise__name", "description", "case__number")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(EnterpriseNotification)
class EnterpriseNotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "enterprise", "kind", "title", "read_at")
    list_filter = ("kind",)
    search_fields = ("enterprise__name", "title")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "purpose", "enterprise", "record_count")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
