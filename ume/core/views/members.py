"""Users and roles: invitations, role assignment per organisation/scope, deactivation."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView

from .. import selectors, services
from ..filters import MemberFilter
from ..forms import AcceptInvitationForm, AddRoleForm, InvitationForm, MembershipForm
from ..models import Invitation, Membership
from ..permissions import MANAGE_MEMBERS, VIEW_MEMBERSHIP
from ..tables import MemberTable
from .base import ListView, ObjectMixin, PolicyMixin, ServiceFormView, attach_errors

MEMBERS = (gettext_lazy("Users and roles"), reverse_lazy("core:member_list"))


class MemberListView(ListView):
    permission_required = VIEW_MEMBERSHIP
    table_class = MemberTable
    filterset_class = MemberFilter
    page_title = gettext_lazy("Users and roles")
    breadcrumbs = [(gettext_lazy("Users and roles"), None)]
    template_name = "core/member_list.html"
    create_url = reverse_lazy("core:member_invite")
    create_permission = MANAGE_MEMBERS
    create_label = gettext_lazy("Invite a user")

    def get_queryset(self):
        return selectors.member_list(actor=self.request.user, organisation=self.organisation)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        invitations = list(
            selectors.invitation_list(actor=self.request.user, organisation=self.organisation)
        )
        for invitation in invitations:  # to hand over another way when the mail does not arrive
            invitation.link = self.request.build_absolute_uri(
                reverse("core:invitation_accept", args=[invitation.token])
            )
        ctx["invitations"] = invitations
        return ctx


class MemberInviteView(ServiceFormView):
    permission_required = MANAGE_MEMBERS
    template_name = "core/form.html"
    form_class = InvitationForm
    page_title = gettext_lazy("Invite a user")
    breadcrumbs = [MEMBERS, (gettext_lazy("Invite a user"), None)]
    success_url = reverse_lazy("core:member_list")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.limit_choices(self.organisation)
        return form

    def perform(self, form):
        invitation = services.invitation_create(
            actor=self.request.user,
            organisation=self.organisation,
            accept_url_base=self.request.build_absolute_uri("/"),
            **form.cleaned_data,
        )
        messages.success(
            self.request, _("An invitation was sent to {email}.").format(email=invitation.email)
        )
        return invitation


class MemberDetailView(ObjectMixin, PolicyMixin, DetailView):
    permission_required = VIEW_MEMBERSHIP
    template_name = "core/member_detail.html"
    context_object_name = "member"

    def get_queryset(self):
        return selectors.member_list(actor=self.request.user, organisation=self.organisation)

    def get_permission_object(self):
        return self.organisation

    def get_breadcrumbs(self):
        return [MEMBERS, (str(self.get_object()), None)]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        member = self.object
        ctx["page_title"] = str(member)
        ctx["add_form"] = kwargs.get("add_form") or self._add_form()
        ctx["history"] = selectors.audit_entry_list(
            actor=self.request.user, organisation=self.organisation
        ).filter(
            model_label="core.membership", object_id__in=[str(m.pk) for m in member.org_roles]
        )[:50]
        return ctx

    def _add_form(self, data=None):
        form = AddRoleForm(data)
        form.limit_choices(self.organisation)
        return form

    def post(self, request, *args, **kwargs):
        """Add a role, deactivate or reactivate the member (admin only)."""
        self.object = member = self.get_object()
        action = request.POST.get("action")
        try:
            if action == "deactivate":
                services.member_deactivate(
                    actor=request.user, organisation=self.organisation, user=member
                )
                messages.success(request, _("The user was deactivated. Their history is kept."))
            elif action == "reactivate":
                services.member_reactivate(
                    actor=request.user, organisation=self.organisation, user=member
                )
                messages.success(request, _("The user was reactivated."))
            elif action == "add_role":
                form = self._add_form(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(add_form=form))
                try:
                    services.membership_add(
                        actor=request.user,
                        organisation=self.organisation,
                        user=member,
                        **form.cleaned_data,
                    )
                except ValidationError as exc:
                    attach_errors(form, exc)
                    return self.render_to_response(self.get_context_data(add_form=form))
                messages.success(request, _("The role was added."))
            else:
                messages.error(request, _("Unknown operation."))
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        return redirect("core:member_detail", pk=member.pk)


class MembershipEditView(ObjectMixin, ServiceFormView):
    permission_required = MANAGE_MEMBERS
    template_name = "core/form.html"
    form_class = MembershipForm
    success_message = gettext_lazy("The role was saved.")

    def get_queryset(self):
        return Membership.objects.filter(organisation=self.organisation).select_related("user")

    def get_permission_object(self):
        return self.organisation

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.get_object(),
            "organisation": self.organisation,
        }

    def get_breadcrumbs(self):
        m = self.get_object()
        return [
            MEMBERS,
            (str(m.user), reverse("core:member_detail", args=[m.user_id])),
            (_("Edit role"), None),
        ]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "page_title": _("Edit role")}

    def perform(self, form):
        return services.membership_update(
            actor=self.request.user,
            membership=self.get_object(),
            data=form.changed_data_dict(),
            version=form.cleaned_data.get("version"),
        )

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "remove":
            membership = self.get_object()
            try:
                services.membership_remove(actor=request.user, membership=membership)
                messages.success(request, _("The role was removed."))
            except ValidationError as exc:
                for msg in exc.messages:
                    messages.error(request, msg)
            return redirect("core:member_detail", pk=membership.user_id)
        return super().post(request, *args, **kwargs)

    def get_success_url(self):
        return reverse("core:member_detail", args=[self.saved.user_id])


class InvitationRevokeView(ObjectMixin, PolicyMixin, View):
    permission_required = MANAGE_MEMBERS
    http_method_names = ["post"]

    def get_queryset(self):
        return Invitation.objects.filter(organisation=self.request.organisation)

    def post(self, request, *args, **kwargs):
        try:
            services.invitation_revoke(actor=request.user, invitation=self.get_object())
            messages.success(request, _("The invitation was revoked."))
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        return redirect("core:member_list")


class InvitationAcceptView(View):
    """Public (the token is the credential): accept an invitation, creating the account."""

    public = True
    template_name = "core/invitation_accept.html"

    def get_invitation(self, token: str) -> Invitation:
        invitation = (
            Invitation.objects.select_related("organisation", "scope").filter(token=token).first()
        )
        if invitation is None:
            raise Http404
        return invitation

    def get(self, request, token):
        invitation = self.get_invitation(token)
        return render(request, self.template_name, self._context(request, invitation))

    def _context(self, request, invitation, form=None):
        from ..models import User

        existing = User.objects.filter(email__iexact=invitation.email).exists()
        return {
            "invitation": invitation,
            "existing": existing,
            "form": form or AcceptInvitationForm(initial={"full_name": invitation.full_name}),
        }

    def post(self, request, token):
        invitation = self.get_invitation(token)
        actor = request.user if request.user.is_authenticated else None
        form = AcceptInvitationForm(request.POST) if actor is None else None
        if form is not None and not form.is_valid():
            return render(
                request, self.template_name, self._context(request, invitation, form), status=200
            )
        try:
            user = services.invitation_accept(
                actor=actor,
                invitation=invitation,
                password=form.cleaned_data["password1"] if form else "",
                full_name=form.cleaned_data["full_name"] if form else "",
            )
        except ValidationError as exc:
            form = form or AcceptInvitationForm()
            attach_errors(form, exc)
            return render(request, self.template_name, self._context(request, invitation, form))
        if actor is None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session["ume_org"] = invitation.organisation_id
        messages.success(
            request,
            _("Welcome to {organisation}.").format(organisation=invitation.organisation.name),
        )
        return redirect("core:dashboard")
