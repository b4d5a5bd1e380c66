"""The report's optional packages (``lcasym[report]``): a clear message when one is missing."""

from lcasym.extras import require

for _module in ("jinja2", "weasyprint"):
    require(_module)
