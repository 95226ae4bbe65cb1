"""The director's workflows: compose groups' eligibility, decide proposals, look after memberships.

Confidential groups' memberships never appear here, for anyone (superusers included): the admin shows
their counts, and only the group's leads see names, on the roster page.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, Sum
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from belong.admin_privacy import (
    register_confidential_audit_rows,
    register_confidential_outbox_rows,
    register_private_model,
)

from . import eligibility, selectors, services
from .models import Group, GroupProposal, Membership
from .selectors import count_of

register_private_model(Membership)


def _confidential_group_rows() -> Q:
    """Audit rows about a confidential group: its roster exports and admin roster changes name its people."""
    confidential = Group.objects.filter(is_confidential=True)
    ids = list(confidential.values_list("pk", flat=True))
    return Q(object_type__iexact="groups.Group", object_id__in=[str(pk) for pk in ids]) | Q(detail__group_id__in=ids)


register_confidential_audit_rows(_confidential_group_rows)


def _confidential_group_mail() -> Q:
    """Outbox rows naming a confidential group (joined, requests, invitations, the leads' messages)."""
    ids = list(Group.objects.filter(is_confidential=True).values_list("pk", flat=True))
    return Q(context__group_id__in=ids) if ids else Q(pk__in=[])


register_confidential_outbox_rows(_confidential_group_mail)


class MembershipAdminForm(forms.ModelForm):
    """Refuses, as a form error, what the service would refuse: the group's job-role and site rules."""

    class Meta:
        model = Membership
        fields = ["group", "user", "role", "status", "visible_to_members"]

    def validate_unique(self):
        # "Membership with this Group and User already exists" would confirm a hidden membership; the
        # service answers an existing hidden one as if the add worked, and clean() refuses visible ones.
        if self.instance.pk is not None:
            super().validate_unique()

    def validate_constraints(self):
        if self.instance.pk is not None:
            super().validate_constraints()

    def clean(self):
        cleaned = super().clean()
        group = cleaned.get("group") or getattr(self.instance, "group", None)
        user = cleaned.get("user")
        if self.instance.pk is None and group is not None and user is not None:
            if group.is_confidential:
                raise ValidationError(_("A confidential group's roster is kept by its leads, on the roster page."))
            refusal = eligibility.rule_refusal(user, group)
            if refusal:
                self.add_error("user", refusal)
            elif Membership.objects.filter(group=group, user=user, hidden=False).exists():
                self.add_error("user", _("That person is already on this group's roster."))
        return cleaned


def _save_membership(request, membership: Membership, *, adding: bool) -> bool:
    """One admin edit through the services (growth chart, audit log); False with a message when refused."""
    try:
        if adding:
            created = services.membership_add(
                group=membership.group,
                user=membership.user,
                role=membership.role,
                status=membership.status,
                visible_to_members=membership.visible_to_members,
                by=request.user,
            )
            membership.pk = created.pk
        else:
            services.membership_change(
                membership=membership,
                role=membership.role,
                status=membership.status,
                visible_to_members=membership.visible_to_members,
                by=request.user,
            )
    except ValidationError as error:
        messages.error(request, f"{membership.user}: {' '.join(error.messages)}")
        return False
    return True


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipAdminForm
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
        label=_("I have read what changing “confidential membership” does"),
        required=False,
        help_text=_("Needed only when you switch confidential membership on or off for an existing group."),
    )

    def clean(self):
        cleaned = super().clean()
        group = self.instance
        if group.pk and "is_confidential" in self.changed_data and not cleaned.get("confirm_confidential_change"):
            change = selectors.confidential_change(group, bool(cleaned.get("is_confidential")))
            if change.confidential:
                text = _(
                    "All %(count)s people on the roster will be hidden from everyone but the leads, and stay "
                    "hidden even if the group is later opened, unless each chooses otherwise."
                ) % {"count": change.members}
            else:
                text = _("%(hidden)s existing members joined hidden and stay hidden; new members will be listed.") % {
                    "hidden": change.hidden
                }
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
        (
            _("Privacy"),
            {"fields": ["is_confidential", "confirm_confidential_change", "neutral_email_subjects", "public_schedule"]},
        ),
        (_("Membership"), {"fields": ["member_count", "lead_count", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_lead_count=count_of(status=Membership.Status.ACTIVE, role=Membership.Role.LEAD))
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
                choices=field.base_field.choices,
                required=False,
                label=field.verbose_name,
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

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        # Through the services, so the growth chart and the audit log see admin edits too.
        formset.save(commit=False)
        for membership in formset.deleted_objects:
            try:
                services.membership_delete(membership=membership, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        for membership, _changed in formset.changed_objects:
            _save_membership(request, membership, adding=False)
        for membership in formset.new_objects:
            _save_membership(request, membership, adding=True)

    def render_history_view(self, request, template, context, **kwargs):
        # A confidential group's history names no member: a change by one of its people shows no name.
        group = context.get("object")
        if group is not None and group.is_confidential:
            people = set(Membership.objects.filter(group=group).values_list("user_id", flat=True))
            for record in context["page_obj"].object_list:
                if record.history_user_id in people:
                    record.history_user = None
        return super().render_history_view(request, template, context, **kwargs)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # One past version's page shows who saved it; for a confidential group, only when not a member.
        group = self.get_object(request, object_id)
        if group is not None and group.is_confidential:
            record = Group.history.filter(id=object_id, history_id=version_id).only("history_user_id").first()
            if record and Membership.objects.filter(group=group, user_id=record.history_user_id).exists():
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "group", "role", "status", "joined_at", "eligibility_flagged_at"]
    list_filter = ["status", "role", ("group", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "group"]
    search_fields = ["user__full_name", "user__email", "group__name"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        # Not even superusers see who belongs to a confidential group here.
        return super().get_queryset(request).filter(group__is_confidential=False, hidden=False)

    def get_readonly_fields(self, request, obj=None):
        base = ["created_at", "joined_at", "eligibility_flagged_at"]
        # A membership is one person in one group: to move someone, remove them and add them elsewhere.
        return base if obj is None else ["group", "user", *base]

    def get_fields(self, request, obj=None):
        fields = ["group", "user", "role", "status", "visible_to_members"]
        return fields if obj is None else [*fields, "created_at", "joined_at", "eligibility_flagged_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "group":
            kwargs["queryset"] = Group.objects.filter(is_confidential=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changelist_view(self, request, extra_context=None):
        hidden = Group.objects.filter(is_confidential=True).aggregate(n=Sum("member_count"))["n"] or 0
        if hidden:
            extra_context = {
                **(extra_context or {}),
                "subtitle": ngettext(
                    "%(count)d member of confidential groups is not listed; their leads keep those rosters.",
                    "%(count)d members of confidential groups are not listed; their leads keep those rosters.",
                    hidden,
                )
                % {"count": hidden},
            }
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        if not _save_membership(request, obj, adding=not change):
            raise PermissionDenied  # the form's clean() refuses the same cases first; a race lands here

    def response_add(self, request, obj, post_url_continue=None):
        # Back to the list, never to the new row's page: for a hidden member that page would not exist.
        self.message_user(request, _("The membership was saved."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:groups_membership_changelist"))

    def delete_model(self, request, obj):
        services.membership_delete(membership=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            services.membership_delete(membership=membership, by=request.user)


class ProposalDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", _("Not decided yet")), ("approve", _("Approve: create the group")), ("decline", _("Decline"))],
        required=False,
        help_text=_(
            "Approving creates the group as forming with the proposer as lead (if they offered). "
            "The proposer is e-mailed either way, with your message."
        ),
    )

    class Meta:
        model = GroupProposal
        fields = ["name", "purpose", "audience", "would_lead", "decision_message"]


def _decide(modeladmin, request, queryset, *, approve: bool):
    done = 0
    for proposal in queryset.filter(status=GroupProposal.Status.PENDING):
        try:
            services.proposal_decide(
                proposal=proposal, by=request.user, approve=approve, message=proposal.decision_message
            )
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
                services.proposal_decide(
                    proposal=obj, by=request.user, approve=decision == "approve", message=obj.decision_message
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
