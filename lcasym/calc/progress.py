"""Progress reporting: a callback ``progress(done, total, what)``.

``done`` and ``total`` count units of the step named ``what`` (e.g. ``"Monte Carlo
draws"``, ``"contributions"``); a step may be reported many times and ends when ``done ==
total``. ``as_progress(True)`` shows ``tqdm.auto`` bars (a widget in notebooks, text on a
terminal); a callable is used as it is; ``None`` or ``False`` report nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Progress = Callable[[int, int, str], None]


class TqdmProgress:
    """One ``tqdm.auto`` bar per step, closed when the step is done."""

    def __init__(self) -> None:
        self._bars: dict[str, Any] = {}

    def __call__(self, done: int, total: int, what: str) -> None:
        """Move the bar of ``what`` to ``done`` of ``total``."""
        from tqdm.auto import tqdm

        bar = self._bars.get(what)
        if bar is None:
            bar = self._bars[what] = tqdm(total=total, desc=what, leave=True)
        bar.total = total
        bar.update(done - bar.n)
        if done >= total:
            bar.close()
            del self._bars[what]


def as_progress(progress: bool | Progress | None) -> Progress | None:
    """The callback for a ``progress=`` option (``True``: tqdm bars)."""
    if progress is None or progress is False:
        return None
    if progress is True:
        return TqdmProgress()
    if not callable(progress):
        raise TypeError("progress must be True, False, None or a callable (done, total, what)")
    return progress
