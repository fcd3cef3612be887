"""syncam report: the evidence of an alignment as one self-contained HTML page.

``build.report`` writes it; Jinja2 (the ``syncam[report]`` extra) is imported only when a report is
made, so the rest of syncam never needs it. The plots are drawn with OpenCV (syncam/report/plots.py).
"""

from syncam.report.build import ReportResult, index, report

__all__ = ["ReportResult", "index", "report"]
