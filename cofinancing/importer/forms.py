from django import forms
from django.utils.translation import gettext_lazy as _

from cofinancing.importer.reading import too_large_message
from cofinancing.importer.spec import MAX_FILE_BYTES


class WorkbookUploadForm(forms.Form):
    workbook = forms.FileField(
        label=_("Workbook (.xlsx)"),
        help_text=_("At most 10 MB. Nothing is saved before you confirm the preview."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_workbook(self):
        workbook = self.cleaned_data["workbook"]
        # Refused on its size before anything tries to open it.
        if workbook.size > MAX_FILE_BYTES:
            raise forms.ValidationError(too_large_message())
        return workbook
