"""The Django admin's shared piece: an admin that writes only through a domain's services (nothing registered here).

A ``ServiceModelAdmin`` subclass overrides ``save_model`` / ``save_related`` / ``save_formset`` / ``delete_model`` /
``delete_queryset`` to call the services, and turns off whatever has no service (``has_*_permission``). A service
that refuses — ``ApplicationError`` after the form itself was valid (a permission, a conflict, a rule the form does
not know) — makes the admin roll the whole change back (it runs in one transaction) and show the form again, with
the service's message on the field it names or above the form: status 200, nothing written, nothing logged. A
refused delete goes back to the object's page (or the list) with the message."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from gaoxin.core.errors import ApplicationError

_REFUSAL = "_gaoxin_admin_refusal"
_M = TypeVar("_M", bound=Model)


class ServiceModelAdmin(admin.ModelAdmin[_M]):
    def changeform_view(self, request: HttpRequest, object_id: str | None = None, form_url: str = "",
                        extra_context: dict[str, Any] | None = None) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as refusal:  # raised while saving: the admin's transaction rolled everything back
            if request.method != "POST":
                raise
            setattr(request, _REFUSAL, refusal)  # the form of the second pass shows it
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        found: ApplicationError | None = getattr(request, _REFUSAL, None)
        if found is None:
            return form
        refusal = found

        class Refused(form):  # type: ignore[misc, valid-type]  # a subclass of the form class built above
            def clean(self) -> dict[str, Any]:
                cleaned: dict[str, Any] = super().clean()
                self.add_error(refusal.field if refusal.field in self.fields else None,
                               forms.ValidationError(refusal.message, code=refusal.code))
                return cleaned

        return Refused

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
                    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except ApplicationError as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
            return HttpResponseRedirect(request.path.removesuffix("delete/"))

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        try:
            return super().changelist_view(request, extra_context)
        except ApplicationError as refusal:  # a bulk action refused by a service (each action is all-or-nothing)
            self.message_user(request, refusal.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
