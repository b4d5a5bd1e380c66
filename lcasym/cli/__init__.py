"""The ``lcasym`` command line: thin shells over the public API."""
