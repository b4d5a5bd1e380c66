"""Presentation shared by the Streamlit app and the PDF report (no Streamlit, no Brightway).

- :mod:`~lcasym.presentation.formatting`: numbers rounded and labelled for people.
"""
