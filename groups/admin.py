"""The director's workflows: compose groups' eligibility, decide proposals, look after memberships.

Confidential groups' memberships never appear here, for anyone (superusers included): the admin shows
their counts, and only the group's leads see names, on the roster page.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import selectors, services
from .models import Group, GroupProposal, Membership
from .selectors import count_of


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "status", "visible_to_members", "joined_at", "eligibility_flagged_at"]
    readonly_fields = ["joined_at", "eligibility_flagged_at"]
    autocomplete_fields = ["user"]
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").filter(group__is_confidential=False, hidden=False)


class GroupAdminForm(forms.ModelForm):
    """Switching "confidential" on an existing group is confirmed after seeing what it does to its members."""

    confirm_confidential_change = forms.BooleanField(
        label=_("I have read what changing “confidential membership” does"), required=False,
        help_text=_("Needed only when you switch confidential membership on or off for an existing group."),
    )

    def clean(self):
        cleaned = super().clean()
        group = self.instance
        if group.pk and "is_confidential" in self.changed_data and not cleaned.get("confirm_confidential_change"):
            change = selectors.confidential_change(group, bool(cleaned.get("is_confidential")))
            if change.confidential:
                text = _("All %(count)s people on the roster will be hidden from everyone but the leads, and stay "
                         "hidden even if the group is later opened, unless each chooses otherwise.") % {
                    "count": change.members}
            else:
                text = _("%(hidden)s existing members joined hidden and stay hidden; new members will be listed.") % {
                    "hidden": change.hidden}
            self.add_error("confirm_confidential_change", text)
        return cleaned


@admin.register(Group)
class GroupAdmin(SimpleHistoryAdmin):
    form = GroupAdminForm
    list_display = ["name", "status", "focus", "join_policy", "is_confidential", "member_count", "lead_count"]
    list_filter = ["status", "focus", "join_policy", "is_confidential", "excludes_administrators"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["eligible_schools"]
    readonly_fields = ["member_count", "lead_count", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "status", "focus"]}),
        (_("What the group is about"), {"fields": ["description", "mission", "goals", "audience"]}),
        (_("Charter and contact"), {"fields": ["charter", "charter_adopted_on", "contact_email"]}),
        (
            _("Who may join (job role and site only, never a protected trait)"),
            {"fields": ["join_policy", "excludes_administrators", "eligible_roles", "eligible_schools"]},
        ),
        (_("Privacy"), {"fields": ["is_confidential", "confirm_confidential_change", "neutral_email_subjects",
                                   "public_schedule"]}),
        (_("Membership"), {"fields": ["member_count", "lead_count", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            _lead_count=count_of(status=Membership.Status.ACTIVE, role=Membership.Role.LEAD)
        )

    def get_inlines(self, request, obj):
        # A confidential group shows counts only; a new group has no members yet.
        if obj is None or obj.is_confidential:
            return []
        return [MembershipInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "eligible_roles" in form.base_fields:
            # A multiple choice instead of comma-separated text.
            field = Group._meta.get_field("eligible_roles")
            form.base_fields["eligible_roles"] = forms.TypedMultipleChoiceField(
                choices=field.base_field.choices, required=False, label=field.verbose_name,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Leave all unticked to open the group to every job role."),
            )
        return form

    def save_model(self, request, obj, form, change):
        # The switch goes through its service, which never exposes anyone and writes the audit row.
        if change and "is_confidential" in form.changed_data:
            wanted = obj.is_confidential
            obj.is_confidential = form.initial["is_confidential"]
            super().save_model(request, obj, form, change)
            services.group_set_confidential(group=obj, confidential=wanted, by=request.user)
        else:
            super().save_model(request, obj, form, change)

    @admin.display(description=_("leads"), ordering="_lead_count")
    def lead_count(self, obj):
        return getattr(obj, "_lead_count", None)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "role", "status", "joined_at", "eligibility_flagged_at"]
    list_filter = ["status", "role", ("group", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "group"]
    search_fields = ["user__full_name", "user__email", "group__name"]
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at", "joined_at", "eligibility_flagged_at"]

    def get_queryset(self, request):
        # Not even superusers see who belongs to a confidential group here.
        return super().get_queryset(request).filter(group__is_confidential=False, hidden=False)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "group":
            kwargs["queryset"] = Group.objects.filter(is_confidential=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ProposalDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", _("Not decided yet")), ("approve", _("Approve: create the group")), ("decline", _("Decline"))],
        required=False,
        help_text=_("Approving creates the group as forming with the proposer as lead (if they offered). "
                    "The proposer is e-mailed either way, with your message."),
    )

    class Meta:
        model = GroupProposal
        fields = ["name", "purpose", "audience", "would_lead", "decision_message"]


def _decide(modeladmin, request, queryset, *, approve: bool):
    done = 0
    for proposal in queryset.filter(status=GroupProposal.Status.PENDING):
        try:
            services.decide_proposal(proposal=proposal, by=request.user, approve=approve,
                                     message=proposal.decision_message)
        except ValidationError as error:
            modeladmin.message_user(request, f"{proposal.name}: {' '.join(error.messages)}", messages.ERROR)
        else:
            done += 1
    modeladmin.message_user(
        request, ngettext("%(count)d proposal decided.", "%(count)d proposals decided.", done) % {"count": done}
    )


@admin.action(description=_("Approve the selected proposals (creates the groups)"), permissions=["change"])
def approve_proposals(modeladmin, request, queryset):
    _decide(modeladmin, request, queryset, approve=True)


@admin.action(description=_("Decline the selected proposals"), permissions=["change"])
def decline_proposals(modeladmin, request, queryset):
    _decide(modeladmin, request, queryset, approve=False)


@admin.register(GroupProposal)
class GroupProposalAdmin(admin.ModelAdmin):
    form = ProposalDecisionForm
    list_display = ["name", "proposer", "would_lead", "status", "created_at", "decided_at"]
    list_filter = ["status", "would_lead"]
    list_select_related = ["proposer"]
    search_fields = ["name", "purpose"]
    actions = [approve_proposals, decline_proposals]

    def get_readonly_fields(self, request, obj=None):
        base = ["proposer", "status", "decided_by", "decided_at", "group", "created_at"]
        if obj and obj.status != GroupProposal.Status.PENDING:
            return [*base, "name", "purpose", "audience", "would_lead", "decision_message"]
        return base

    def get_fields(self, request, obj=None):
        fields = ["proposer", "name", "purpose", "audience", "would_lead", "created_at", "status"]
        if obj is None or obj.status == GroupProposal.Status.PENDING:
            return [*fields, "decision_message", "decision"]
        return [*fields, "decision_message", "decided_by", "decided_at", "group"]

    def has_add_permission(self, request):
        return False  # staff propose groups on /groups/propose/

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        decision = form.cleaned_data.get("decision")
        if decision:
            try:
                services.decide_proposal(proposal=obj, by=request.user, approve=decision == "approve",
                                         message=obj.decision_message)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
