from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .readers import MAX_ROWS


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (XLSX or CSV)"),
        widget=forms.ClearableFileInput(attrs={
            "accept": ".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "An Excel workbook (.xlsx, its first sheet is read) or a CSV file, at most 2 MB and %(rows)s rows. The "
            "first row holds the column headers.") % {"rows": MAX_ROWS}
