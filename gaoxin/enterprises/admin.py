"""Django admin for the registry, qualification types and awards, chains, visits and reception days.

Every write of a domain record goes through the enterprise services (``ServiceModelAdmin``): an enterprise is
created with ``enterprise_create`` and changed with ``enterprise_update`` (its chains too), awards — on their own
page or inline under the enterprise — with ``qualification_award_create`` / ``_update`` / ``_delete``, enterprise
users with ``enterprise_user_link`` / ``_unlink``; a service's refusal is shown on the form and changes nothing.
What has no service here is read-only: enterprises are not deleted (their visits and problems keep them), visits,
reception days, problems (which become cases) and notifications are recorded by the services of their own pages.
Reference data (industries, chains, qualification types) is edited directly, as reference data is.

Contacts are shown masked in lists; the change form shows them to admins (who may reveal them anyway)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from gaoxin.accounts.models import User
from gaoxin.core.admin import ServiceModelAdmin
from gaoxin.enterprises import services
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


AWARD_FORM_FIELDS = ("qualification_type", "year", "awarded_on", "issuing_body", "evidence_ref", "evidence_file",
                     "is_new")


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _award_create(request: HttpRequest, enterprise: Enterprise, data: dict[str, Any]) -> QualificationAward:
    return services.qualification_award_create(
        actor=_actor(request), enterprise=enterprise, qualification_type=data["qualification_type"],
        year=data["year"], awarded_on=data.get("awarded_on"), issuing_body=data.get("issuing_body", ""),
        evidence_ref=data.get("evidence_ref", ""), evidence_file=data.get("evidence_file") or None,
        is_new=data.get("is_new", False))


def _award_update(request: HttpRequest, award_id: int, form: forms.ModelForm) -> QualificationAward:
    return services.qualification_award_update(
        actor=_actor(request), award=QualificationAward.objects.select_related("enterprise").get(pk=award_id),
        **{name: form.cleaned_data.get(name) for name in AWARD_FORM_FIELDS if name in form.changed_data})


def _award_delete(request: HttpRequest, award_id: int) -> None:
    services.qualification_award_delete(
        actor=_actor(request), award=QualificationAward.objects.select_related("enterprise").get(pk=award_id))


def _as_saved(obj: Any, saved: Any) -> None:
    """Make the admin's instance the row the service wrote (the admin goes on with it: inlines, log, redirect)."""
    obj.pk = saved.pk
    obj.refresh_from_db()
    obj._state.adding = False


class QualificationAwardInline(admin.TabularInline):
    model = QualificationAward
    extra = 0
    fields = AWARD_FORM_FIELDS
    readonly_fields = ("created_at",)


class EnterpriseAdminForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ("credit_code", "name", "address", "lon", "lat", "industry", "chains", "size", "contact_name",
                  "contact_phone")

    def clean_credit_code(self) -> str:
        code = self.cleaned_data["credit_code"]
        problem = credit_code_problem(code)
        if problem is not None:
            raise forms.ValidationError(f"统一社会信用代码{problem.message}", code=problem.code)
        return normalize_input(code)


def _may_see_contacts(request: HttpRequest) -> bool:
    actor = _actor(request)
    return actor.is_superuser or actor.role in services.REVEAL_ROLES


@admin.register(Enterprise)
class EnterpriseAdmin(ServiceModelAdmin):
    form = EnterpriseAdminForm
    list_display = ("credit_code", "name", "street", "industry", "size", "masked_contact", "masked_phone",
                    "is_synthetic")
    list_filter = ("size", "chains", "street", "is_synthetic")
    search_fields = ("credit_code", "name")
    filter_horizontal = ("chains",)
    raw_id_fields = ("industry",)
    readonly_fields = ("micro_grid", "grid", "street", "is_synthetic", "created_at", "updated_at")
    inlines = [QualificationAwardInline]

    @admin.display(description="联系人")
    def masked_contact(self, obj: Enterprise) -> str:
        return obj.contact_name_masked

    @admin.display(description="联系电话")
    def masked_phone(self, obj: Enterprise) -> str:
        return obj.contact_phone_masked

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """The change form shows the contact in clear, so opening it is a reveal, recorded like every other one
        (``services.enterprise_contact_reveal``); a user who may not see contacts gets the form without them."""
        if request.method == "GET" and _may_see_contacts(request):
            enterprise = Enterprise.objects.filter(pk=object_id).first() if object_id.isdecimal() else None
            if enterprise is not None and (enterprise.contact_name or enterprise.contact_phone):
                services.enterprise_contact_reveal(actor=_actor(request), enterprise=enterprise,
                                                   purpose="管理后台编辑企业信息")
        return super().change_view(request, object_id, form_url, extra_context)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if not _may_see_contacts(request):  # the admin's own exclusions (its read-only fields) kept
            kwargs["exclude"] = (*(self.exclude or ()), *self.get_readonly_fields(request, obj), "contact_name",
                                 "contact_phone")
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request: HttpRequest, obj: Enterprise, form: Any, change: bool) -> None:
        data = form.cleaned_data
        values: dict[str, Any] = {
            "credit_code": data["credit_code"], "name": data["name"], "address": data["address"],
            "lon": data["lon"], "lat": data["lat"], "industry": data["industry"].code if data["industry"] else "",
            "chains": [chain.code for chain in data["chains"]], "size": data["size"],
            # A user who may not see contacts has no contact fields: the stored ones stay.
            "contact_name": data.get("contact_name", obj.contact_name),
            "contact_phone": data.get("contact_phone", obj.contact_phone),
        }
        if change:
            saved = services.enterprise_update(actor=_actor(request), enterprise=Enterprise.objects.get(pk=obj.pk),
                                               **values)
        else:
            saved = services.enterprise_create(actor=_actor(request), **values)
        _as_saved(obj, saved)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The chains were written by the service (no form.save_m2m()); the awards go through theirs.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # What formset.save() would have done, through the services; the three lists feed the admin's change log.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        deleted = set(formset.deleted_forms)
        for award_form in formset.deleted_forms:
            if award_form.instance.pk is not None:
                _award_delete(request, award_form.instance.pk)
                formset.deleted_objects.append(award_form.instance)
        for award_form in formset.initial_forms:
            if award_form not in deleted and award_form.has_changed():
                formset.changed_objects.append((_award_update(request, award_form.instance.pk, award_form),
                                                award_form.changed_data))
        for award_form in formset.extra_forms:
            if award_form not in deleted and award_form.has_changed():
                formset.new_objects.append(_award_create(request, form.instance, award_form.cleaned_data))


@admin.register(QualificationAward)
class QualificationAwardAdmin(ServiceModelAdmin):
    list_display = ("enterprise", "qualification_type", "year", "awarded_on", "issuing_body", "is_new")
    list_filter = ("year", "qualification_type__level", "qualification_type", "is_new")
    search_fields = ("enterprise__name", "enterprise__credit_code", "evidence_ref")
    raw_id_fields = ("enterprise",)
    fields = ("enterprise", *AWARD_FORM_FIELDS, "is_synthetic", "created_at")
    readonly_fields = ("is_synthetic", "created_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # An award belongs to its enterprise: changing the holder is deleting it and recording another.
        return ("enterprise", *self.readonly_fields) if obj is not None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: QualificationAward, form: Any, change: bool) -> None:
        if change:
            saved = _award_update(request, obj.pk, form)
        else:
            saved = _award_create(request, form.cleaned_data["enterprise"], form.cleaned_data)
        _as_saved(obj, saved)

    def delete_model(self, request: HttpRequest, obj: QualificationAward) -> None:
        _award_delete(request, obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[QualificationAward]) -> None:
        with transaction.atomic():
            for award_id in queryset.values_list("pk", flat=True):
                _award_delete(request, award_id)


@admin.register(EnterpriseUser)
class EnterpriseUserAdmin(ServiceModelAdmin):
    list_display = ("user", "enterprise", "created_at")
    raw_id_fields = ("user", "enterprise")
    fields = ("user", "enterprise", "created_at")
    readonly_fields = ("created_at",)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # a link is made or undone, not edited

    def save_model(self, request: HttpRequest, obj: EnterpriseUser, form: Any, change: bool) -> None:
        saved = services.enterprise_user_link(actor=_actor(request), user=form.cleaned_data["user"],
                                              enterprise=form.cleaned_data["enterprise"])
        _as_saved(obj, saved)

    def delete_model(self, request: HttpRequest, obj: EnterpriseUser) -> None:
        services.enterprise_user_unlink(actor=_actor(request), link=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[EnterpriseUser]) -> None:
        with transaction.atomic():
            for link in queryset:
                services.enterprise_user_unlink(actor=_actor(request), link=link)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the services of their own pages: shown here, never changed here."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ProblemInline(admin.TabularInline):
    model = EnterpriseProblem
    extra = 0
    can_delete = False
    fields = ("category", "description", "department", "case")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ("visited_on", "enterprise", "cadre", "department", "revisit_on", "is_synthetic")
    list_filter = ("visited_on", "department", "is_synthetic")
    search_fields = ("enterprise__name", "enterprise__credit_code", "cadre__username", "notes")
    date_hierarchy = "visited_on"
    raw_id_fields = ("enterprise", "cadre")
    readonly_fields = ("created_at",)
    inlines = [ProblemInline]


@admin.register(ReceptionSession)
class ReceptionSessionAdmin(ReadOnlyAdmin):
    list_display = ("held_on", "title", "leader_name", "location", "is_synthetic")
    list_filter = ("held_on", "is_synthetic")
    search_fields = ("title", "leader_name")
    date_hierarchy = "held_on"
    filter_horizontal = ("departments",)
    raw_id_fields = ("enterprises", "leader", "created_by")
    readonly_fields = ("created_at",)
    inlines = [ProblemInline]


@admin.register(EnterpriseProblem)
class EnterpriseProblemAdmin(ReadOnlyAdmin):
    list_display = ("raised_on", "enterprise", "source", "category", "department", "case")
    list_filter = ("source", "category", "raised_on")
    search_fields = ("enterprise__name", "description", "case__number")


@admin.register(EnterpriseNotification)
class EnterpriseNotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "enterprise", "kind", "title", "read_at")
    list_filter = ("kind",)
    search_fields = ("enterprise__name", "title")


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "purpose", "enterprise", "record_count")
