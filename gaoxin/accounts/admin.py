from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from gaoxin.accounts import services
from gaoxin.accounts.models import OrgUnit, User


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "is_synthetic")
    list_filter = ("kind", "is_synthetic")
    search_fields = ("code", "name")
    readonly_fields = ("path",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "org_unit", "is_active", "locked_until")
    list_filter = ("role", "is_active", "is_synthetic")
    search_fields = ("username", "display_name")
    autocomplete_fields = ("org_unit",)
    filter_horizontal = ("extra_scope",)
    actions = ("unlock",)
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("高新", {"fields": ("role", "org_unit", "extra_scope", "display_name", "phone", "is_synthetic",
                            "locked_until")}),
    )

    @admin.action(description="解除登录锁定")
    def unlock(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.user_unlock(user=user)
        self.message_user(request, f"已解除 {queryset.count()} 个账户的登录锁定")
