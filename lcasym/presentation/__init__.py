"""Presentation shared by the Streamlit app and the PDF report (no Streamlit, no Brightway).

- :mod:`~lcasym.presentation.formatting`: numbers rounded and labelled for people.
- :mod:`~lcasym.presentation.markdown`: user text shown literally inside Markdown.
- :mod:`~lcasym.presentation.selection`: which rows a long listing shows (the largest) and
  what it only counts.
"""
