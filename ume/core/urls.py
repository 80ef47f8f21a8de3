"""Routes of the platform core. Each view declares its permission (default deny)."""

from django.urls import path

from .views import account, audit, dashboard, members, organisation, tokens

app_name = "core"

urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("switch/", account.SwitchView.as_view(), name="switch"),
    path("account/security/", account.AccountSecurityView.as_view(), name="account_security"),
    path(
        "account/api-tokens/<int:pk>/revoke/",
        tokens.ApiTokenRevokeView.as_view(),
        name="api_token_revoke",
    ),
    path("organisation/", organisation.OrganisationEditView.as_view(), name="organisation_edit"),
    path("organisation/api-tokens/", tokens.ApiTokenListView.as_view(), name="api_token_list"),
    path("scopes/", organisation.ScopeListView.as_view(), name="scope_list"),
    path("scopes/new/", organisation.ScopeCreateView.as_view(), name="scope_create"),
    path("scopes/<int:pk>/", organisation.ScopeDetailView.as_view(), name="scope_detail"),
    path("scopes/<int:pk>/edit/", organisation.ScopeEditView.as_view(), name="scope_edit"),
    path("departments/", organisation.DepartmentListView.as_view(), name="department_list"),
    path("departments/new/", organisation.DepartmentCreateView.as_view(), name="department_create"),
    path(
        "departments/<int:pk>/", organisation.DepartmentEditView.as_view(), name="department_edit"
    ),
    path(
        "departments/<int:pk>/delete/",
        organisation.DepartmentDeleteView.as_view(),
        name="department_delete",
    ),
    path("members/", members.MemberListView.as_view(), name="member_list"),
    path("members/invite/", members.MemberInviteView.as_view(), name="member_invite"),
    path("members/<int:pk>/", members.MemberDetailView.as_view(), name="member_detail"),
    path("roles/<int:pk>/", members.MembershipEditView.as_view(), name="membership_edit"),
    path(
        "invitations/<int:pk>/revoke/",
        members.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path(
        "invitations/<str:token>/", members.InvitationAcceptView.as_view(), name="invitation_accept"
    ),
    path("audit/", audit.AuditEntryListView.as_view(), name="audit_list"),
    path("audit/export/", audit.AuditExportView.as_view(), name="audit_export"),
]
