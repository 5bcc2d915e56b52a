"""Stage 6, export: drafted wording, figures, the export context and the formats/ writers
(Markdown, HTML and DOCX through Pandoc, CSV, Web Annotations, ClaimReview).

May import the base and every stage before it; nothing imports it but the faces.
"""

from reviewtools.export.run import default_out_dir, export_review, screenshot

__all__ = ["default_out_dir", "export_review", "screenshot"]
