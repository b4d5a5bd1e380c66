"""``python -m lcasym``: the same command as ``lcasym``."""

from lcasym.cli.main import run

if __name__ == "__main__":
    run()
