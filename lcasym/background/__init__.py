"""The Brightway project and the background data, offline.

- :mod:`~lcasym.background.project`: the one door to bw2data's process-wide state;
- :mod:`~lcasym.background.bootstrap`: set up, verify and repair the project;
- :mod:`~lcasym.background.lcia`: LCIA method families from bw2io's data;
- :mod:`~lcasym.background.open_data` / :mod:`~lcasym.background.open_build`: lcasym-open,
  the shipped open background (files -> checked Brightway data);
- :mod:`~lcasym.background.resolve`: find activities by code or name for validation and
  planning.
"""
