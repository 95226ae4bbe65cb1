from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from belong import private_files

from .models import Announcement, Delivery, Kind, Post, Resource, Thread
from .services import Upload

KINDS = (private_files.PDF, private_files.JPEG, private_files.PNG, private_files.GIF)


def _upload(upload) -> Upload | None:
    """The upload recognised by its first bytes (PDF, images, Office files), or a ValidationError."""
    if not upload:
        return None
    content_type, extension = private_files.sniff(
        upload, limit=settings.SPACES_FILE_MAX_BYTES, kinds=KINDS, office=True
    )
    return Upload(file=upload, content_type=content_type, extension=extension, name=upload.name or "file")


class AnnouncementForm(forms.ModelForm):
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("PDF, image or Office file, up to 10 MB."),
    )

    class Meta:
        model = Announcement
        fields = ["title", "body", "pinned"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"body": _("Markdown: links, lists, emphasis. HTML is shown as text.")}

    def clean_attachment(self):
        return _upload(self.cleaned_data.get("attachment"))


class ThreadForm(forms.ModelForm):
    body = forms.CharField(label=_("Message"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))

    class Meta:
        model = Thread
        fields = ["title", "anonymous"]

    def __init__(self, *args, allow_anonymous: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_anonymous:
            del self.fields["anonymous"]


class ReplyForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["body", "anonymous"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, allow_anonymous: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_anonymous:
            del self.fields["anonymous"]


class EditForm(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this post?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ResourceForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("File (optional)"), required=False, help_text=_("PDF, image or Office file, up to 10 MB.")
    )

    class Meta:
        model = Resource
        fields = ["title", "url", "description"]

    def clean_upload(self):
        return _upload(self.cleaned_data.get("upload"))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("url") and not cleaned.get("upload") and not self.errors:
            raise forms.ValidationError(_("Give a link or a file."))
        return cleaned


class PreferencesForm(forms.Form):
    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Delivery.choices, initial=current[kind.value], widget=forms.RadioSelect
            )
