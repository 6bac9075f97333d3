"""PDF documents built from the same data a page shows, with reportlab (pure Python: no system libraries, so
the embedded run, CI and the container all make the same file).

A document is a title, then headings, paragraphs, label/value lists, tables and horizontal bar charts, in
that order; every chart is followed by its figures as a table, as on screen. Text is escaped here: callers
pass plain strings (names, headlines, minutes) and never markup."""

from __future__ import annotations

import hashlib
from io import BytesIO
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from circular_cities.downloads import download_response

INK = colors.HexColor("#1f2a24")
MUTED = colors.HexColor("#4b5a52")
ACCENT = colors.HexColor("#1d6b46")
RULE = colors.HexColor("#c9d3cd")
BAR = colors.HexColor("#2f7d57")
BAR_TARGET = colors.HexColor("#9fb8aa")
PAGE_WIDTH = A4[0] - 36 * mm  # inside the margins


def _styles():
    sheet = getSampleStyleSheet()
    base = ParagraphStyle("cc-body", parent=sheet["BodyText"], fontName="Helvetica", fontSize=10, leading=14,
                          textColor=INK, spaceAfter=4)
    return {
        "title": ParagraphStyle("cc-title", parent=base, fontName="Helvetica-Bold", fontSize=20, leading=24,
                                spaceAfter=4),
        "subtitle": ParagraphStyle("cc-subtitle", parent=base, fontSize=11, textColor=MUTED, spaceAfter=10),
        1: ParagraphStyle("cc-h1", parent=base, fontName="Helvetica-Bold", fontSize=14, leading=18,
                          textColor=ACCENT, spaceBefore=10, spaceAfter=4),
        2: ParagraphStyle("cc-h2", parent=base, fontName="Helvetica-Bold", fontSize=11, leading=15,
                          spaceBefore=6, spaceAfter=2),
        "body": base,
        "muted": ParagraphStyle("cc-muted", parent=base, textColor=MUTED, fontSize=9, leading=12),
        "cell": ParagraphStyle("cc-cell", parent=base, fontSize=9, leading=11, spaceAfter=0),
        "cell-right": ParagraphStyle("cc-cell-r", parent=base, fontSize=9, leading=11, spaceAfter=0,
                                     alignment=TA_RIGHT),
        "cell-head": ParagraphStyle("cc-cell-h", parent=base, fontName="Helvetica-Bold", fontSize=9, leading=11,
                                    spaceAfter=0),
    }


def _text(value) -> str:
    """Plain text for a Paragraph: escaped, with line breaks kept."""
    return escape("" if value is None else str(value)).replace("\n", "<br/>")


class PdfDocument:
    """Build a report top to bottom, then ``render()`` it (bytes) or ``response(filename)`` it.

    The content methods only record what to draw (plain text and numbers); the reportlab flowables are made in
    ``render()``, where nearly all the time goes; the big reports are rendered by the worker into stored files
    (reports/files.py), never while a person waits."""

    def __init__(self, *, title: str, subtitle: str = "", author: str = "Circular Cities"):
        self.title = str(title)
        self.subtitle = str(subtitle)
        self.author = author
        self._ops: list = []  # (method, args, kwargs) of the private _draw_* methods, in order
        self._digest = hashlib.sha256()
        self._record("title", self.title, self.subtitle, self.author)

    def _record(self, name: str, *args, **kwargs) -> None:
        self._ops.append((name, args, kwargs))
        self._digest.update(repr((name, args, sorted(kwargs.items()))).encode("utf-8", "surrogatepass"))

    def fingerprint(self) -> str:
        """What the document shows, as a digest (with the language: the page footer is translated)."""
        return f"{self._digest.hexdigest()}-{translation.get_language() or 'da'}"

    # --- content -----------------------------------------------------------------------------------------------

    def heading(self, text, level: int = 1):
        self._record("heading", _plain(text), 1 if level <= 1 else 2)
        return self

    def paragraph(self, text, *, muted: bool = False):
        if text:
            self._record("paragraph", _plain(text), "muted" if muted else "body")
        return self

    def bullets(self, items):
        for item in items:
            self._record("bullet", _plain(item))
        return self

    def key_values(self, rows):
        """A two-column list of (label, value)."""
        rows = [(label, value) for label, value in rows]
        if rows:
            self.table(None, rows, col_widths=[PAGE_WIDTH * 0.35, PAGE_WIDTH * 0.65])
        return self

    def table(self, header, rows, *, col_widths=None, numeric_columns=(), empty: str = ""):
        """A table with an optional header row; ``numeric_columns`` (indexes) are right-aligned."""
        rows = [tuple(_plain(value) for value in row) for row in rows]
        if not rows:
            return self.paragraph(empty or _("Nothing to show."), muted=True)
        header = tuple(_plain(value) for value in header) if header else None
        self._record("table", header, tuple(rows), tuple(col_widths) if col_widths else None,
                     tuple(sorted(set(numeric_columns))))
        return self

    CHART_ROW = 16  # points per bar
    CHART_ROWS_PER_DRAWING = 40  # 640 pt: a drawing always fits on one page (the frame is about 728 pt high)

    def bar_chart(self, items, *, caption: str = "", value_format=str, unit: str = ""):
        """Horizontal bars: ``items`` are (label, value) or (label, value, target). Drawn for print (dark bars,
        a lighter target bar behind), and followed by the same figures as a table.

        A long chart (a national programme's indicators: hundreds of rows) is drawn as several drawings of at most
        ``CHART_ROWS_PER_DRAWING`` rows on the same scale, so it flows over pages instead of failing to fit one."""
        items = [tuple(item) + (None,) * (3 - len(item)) for item in items]
        if not items:
            return self
        top = max([float(v or 0) for _l, v, _t in items] + [float(t or 0) for _l, _v, t in items] + [1.0])
        bars = []
        for label, value, target in items:
            figure = value_format(value or 0) + (f" {unit}" if unit else "")
            if target:
                figure += " / " + value_format(target)
            bars.append((str(label)[:48], float(value or 0), float(target) if target else None, str(figure)))
        self._record("bar_chart", tuple(bars), top, _plain(caption))
        return self

    def image(self, data: bytes | None, *, caption: str = "", width_mm: float = 60, max_height_mm: float = 60):
        """A picture (JPEG or PNG bytes) scaled to ``width_mm`` (never taller than ``max_height_mm``), with an
        optional caption below. Nothing is added when ``data`` is empty or not an image a reader can show."""
        if not data:
            return self
        from reportlab.lib.utils import ImageReader

        try:
            width, height = ImageReader(BytesIO(data)).getSize()
        except Exception:  # noqa: BLE001 - a broken picture must not stop the document
            return self
        self._ops.append(("image", (data, width, height, _plain(caption), width_mm, max_height_mm), {}))
        self._digest.update(repr(("image", hashlib.sha256(data).hexdigest(), _plain(caption), width_mm,
                                  max_height_mm)).encode("utf-8", "surrogatepass"))
        return self

    def spacer(self, height_mm: float = 4):
        self._record("spacer", height_mm)
        return self

    # --- drawing (in render) -----------------------------------------------------------------------------------

    def _draw_title(self, story, styles, title, subtitle, _author):
        story.append(Paragraph(_text(title), styles["title"]))
        if subtitle:
            story.append(Paragraph(_text(subtitle), styles["subtitle"]))

    def _draw_heading(self, story, styles, text, level):
        story.append(Paragraph(_text(text), styles[level]))

    def _draw_paragraph(self, story, styles, text, style):
        story.append(Paragraph(_text(text), styles[style]))

    def _draw_bullet(self, story, styles, text):
        story.append(Paragraph(_text(text), styles["body"], bulletText="•"))

    def _draw_table(self, story, styles, header, rows, col_widths, numeric):
        def cell(value, index, style=None):
            return Paragraph(_text(value), styles[style or ("cell-right" if index in numeric else "cell")])

        data = []
        if header:
            data.append([cell(value, i, "cell-head") for i, value in enumerate(header)])
        data.extend([cell(value, i) for i, value in enumerate(row)] for row in rows)
        table = Table(data, colWidths=list(col_widths) if col_widths else None, repeatRows=1 if header else 0,
                      hAlign="LEFT")
        style = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        if header:
            style += [("LINEBELOW", (0, 0), (-1, 0), 0.9, INK)]
        table.setStyle(TableStyle(style))
        story.append(table)
        story.append(Spacer(1, 4))

    def _draw_bar_chart(self, story, styles, bars, top, caption):
        size = self.CHART_ROWS_PER_DRAWING
        chunks = [bars[start:start + size] for start in range(0, len(bars), size)]
        for index, chunk in enumerate(chunks):
            drawing = self._bar_drawing(chunk, top=top)
            if index < len(chunks) - 1:
                story.append(drawing)
                continue
            parts = [drawing]
            if caption:
                parts.append(Paragraph(_text(caption), styles["muted"]))
            story.append(KeepTogether(parts))
        story.append(Spacer(1, 6))

    def _bar_drawing(self, bars, *, top: float) -> Drawing:
        label_width, bar_width, row = PAGE_WIDTH * 0.32, PAGE_WIDTH * 0.5, self.CHART_ROW
        drawing = Drawing(PAGE_WIDTH, row * len(bars) + 4)
        for index, (label, value, target, figure) in enumerate(bars):
            y = drawing.height - (index + 1) * row
            drawing.add(String(0, y + 4, label, fontName="Helvetica", fontSize=8, fillColor=INK))
            if target:
                drawing.add(Rect(label_width, y + 2, bar_width * target / top, 10, fillColor=BAR_TARGET,
                                 strokeColor=None))
            drawing.add(Rect(label_width, y + 4, max(bar_width * value / top, 0.5), 6, fillColor=BAR,
                             strokeColor=None))
            drawing.add(String(label_width + bar_width + 6, y + 4, figure, fontName="Helvetica", fontSize=8,
                               fillColor=INK))
        drawing.add(Line(label_width, 0, label_width, drawing.height, strokeColor=RULE, strokeWidth=0.5))
        return drawing

    def _draw_image(self, story, styles, data, width, height, caption, width_mm, max_height_mm):
        from reportlab.platypus import Image

        scale = min(width_mm * mm / width, max_height_mm * mm / height)
        parts = [Image(BytesIO(data), width=width * scale, height=height * scale, hAlign="LEFT")]
        if caption:
            parts.append(Paragraph(_text(caption), styles["muted"]))
        story.append(KeepTogether(parts))
        story.append(Spacer(1, 4))

    def _draw_spacer(self, story, styles, height_mm):
        story.append(Spacer(1, height_mm * mm))

    # --- output ------------------------------------------------------------------------------------------------

    def _footer(self, canvas, document):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(MUTED)
        made = date_format(timezone.localtime(), "DATETIME_FORMAT")
        canvas.drawString(18 * mm, 10 * mm, f"{self.title} · {made}")
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, _("Page %(number)d") % {"number": document.page})
        canvas.restoreState()

    def render(self) -> bytes:
        styles = _styles()
        story: list = []
        for name, args, kwargs in self._ops:
            getattr(self, f"_draw_{name}")(story, styles, *args, **kwargs)
        buffer = BytesIO()
        document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                                     topMargin=18 * mm, bottomMargin=18 * mm, title=self.title,
                                     author=self.author, subject=self.subtitle)
        document.build(story, onFirstPage=self._footer, onLaterPages=self._footer)
        return buffer.getvalue()

    def response(self, filename: str, *, inline: bool = False) -> HttpResponse:
        content = self.render()
        return download_response(content, filename=filename, content_type="application/pdf", attachment=not inline)


def _plain(value) -> str:
    """Text as it will be drawn (lazy translations and numbers made plain, so they can be recorded)."""
    return "" if value is None else str(value)


def pdf_text(content: bytes) -> str:
    """All the text of a PDF, page after page (for tests and for checking a file by hand); needs pypdf."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(content)).pages)
