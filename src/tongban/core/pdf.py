"""PDF documents with Chinese text: the embedded CJK font and a plain document builder.

Every document the platform prints (one-time notifications, receipts, decisions) is
built here, so the font is found and registered in one place.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FONT_NAME = "TongbanCJK"


@cache
def cjk_font() -> str:
    """Register the configured (or first installed) TrueType CJK font; return its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    candidates = [settings.TONGBAN_CJK_FONT] if settings.TONGBAN_CJK_FONT else []
    candidates += settings.TONGBAN_CJK_FONT_CANDIDATES
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            pdfmetrics.registerFont(TTFont(FONT_NAME, candidate, subfontIndex=0))
            return FONT_NAME
    raise ImproperlyConfigured(
        "No CJK TrueType font found for PDFs: install fonts-wqy-microhei or set TONGBAN_CJK_FONT"
    )


@dataclass
class Section:
    heading: str
    lines: list[str]


def build_document(title: str, subtitle: str, sections: Iterable[Section], footer: str) -> bytes:
    """An A4 document: title, subtitle, headed sections of paragraphs, a footer line."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    font = cjk_font()
    styles = {
        "title": ParagraphStyle("title", fontName=font, fontSize=18, leading=24, spaceAfter=4),
        "subtitle": ParagraphStyle(
            "subtitle", fontName=font, fontSize=10, leading=14, textColor="#444444", spaceAfter=8
        ),
        "heading": ParagraphStyle(
            "heading", fontName=font, fontSize=12.5, leading=18, spaceBefore=8, spaceAfter=3
        ),
        "body": ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK"),
        "footer": ParagraphStyle(
            "footer", fontName=font, fontSize=9, leading=13, textColor="#555555", spaceBefore=12
        ),
    }
    story = [
        Paragraph(escape(title), styles["title"]),
        Paragraph(escape(subtitle), styles["subtitle"]),
    ]
    for section in sections:
        story.append(Paragraph(escape(section.heading), styles["heading"]))
        for line in section.lines:
            story.append(Paragraph(escape(line).replace("\n", "<br/>"), styles["body"]))
        story.append(Spacer(1, 2 * mm))
    story.append(Paragraph(escape(footer), styles["footer"]))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="tongban",
    )
    document.build(story)
    return buffer.getvalue()
