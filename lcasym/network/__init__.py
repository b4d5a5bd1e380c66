"""The network a user describes, and its validation.

- :mod:`~lcasym.network.model`: the pydantic model (facilities, exchanges, custom activities);
- :mod:`~lcasym.network.validation`: rules across records (and against the background);
- :mod:`~lcasym.network.background_rules`: the rules that need a background index;
- :mod:`~lcasym.network.checking`: the one ``validate`` door for the CLI, app and scripts.

File formats (YAML, JSON, Excel) live in :mod:`lcasym.io`.
"""
