"""syncam report: the evidence of an alignment as one self-contained HTML page.

``build.report`` writes it; matplotlib and Jinja2 (the ``syncam[report]`` extra) are imported only when
a report is made, so the rest of syncam never needs them.
"""

from syncam.report.build import ReportResult, index, report

__all__ = ["ReportResult", "index", "report"]
