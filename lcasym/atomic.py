"""Write files all-or-nothing, and only where writing cannot destroy anything.

:func:`check_output` tells, before any long work, whether a path can take an output: not a
folder, not a device or pipe (``/dev/full``), not one of the inputs, in a folder that
exists (or can be made) and is writable. :func:`atomic_path` writes a temporary file beside
the target and renames it over the target only on success, after checking the target again;
a full disk or any other write failure leaves neither a partial file nor a changed target.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from lcasym.errors import OutputError, Problem, WriteError

_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_READ_ONLY = {errno.EACCES, errno.EPERM, errno.EROFS}


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _refuse(path: Path, message: str) -> OutputError:
    return OutputError([Problem(message, str(path))], str(path))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return a.absolute() == b.absolute()


def _existing_ancestor(folder: Path) -> Path:
    current = folder.absolute()
    while not current.exists() and current != current.parent:
        current = current.parent
    return current


def check_folder(folder: str | Path) -> Path:
    """Raise :class:`OutputError` unless ``folder`` is (or can become) a writable folder.

    Nothing is created: the first existing ancestor must be a writable folder.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise _refuse(folder, "is a file, but a folder is expected here: give a folder name")
    base = _existing_ancestor(folder)
    if not base.is_dir():
        raise _refuse(
            folder, f"{base} is a file, but a folder is expected there: choose another path"
        )
    if not os.access(base, os.W_OK | os.X_OK):
        raise _refuse(folder, f"the folder {base} is read-only: choose a writable folder")
    return folder


def check_output(path: str | Path, *, inputs: Iterable[str | Path] = ()) -> Path:
    """Raise :class:`OutputError` if writing ``path`` could fail or destroy something.

    Refused: an existing folder, anything but a regular file (device, pipe, socket), one of
    ``inputs`` (the same file under any name), a parent that is a file, a read-only folder.

    Returns
    -------
    Path
        ``path`` as a :class:`~pathlib.Path`.
    """
    path = Path(path)
    if path.is_dir():
        raise _refuse(path, "is a folder: give a file name (for example out/results.json)")
    if path.exists() or path.is_symlink():
        mode = path.stat().st_mode if path.exists() else path.lstat().st_mode
        if not stat.S_ISREG(mode):
            raise _refuse(
                path, "is not a regular file (a device, pipe or socket): lcasym writes only files"
            )
    for source in inputs:
        if _same_file(path, Path(source)):
            raise _refuse(
                path, f"is the input file {Path(source).name}: choose another output name"
            )
    check_folder(path.parent)
    return path


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it to ``path``.

    The file gets the usual permissions (0666 less the umask), not mkstemp's 0600. On an
    exception the temporary file is removed and ``path`` is left as it was. The target is
    checked with :func:`check_output` before and again just before the rename, so a folder,
    device or pipe is never replaced.

    Raises
    ------
    OutputError
        If ``path`` cannot take a file (see :func:`check_output`).
    WriteError
        If writing fails (disk full, permissions); nothing is left behind.
    """
    path = check_output(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise _write_error(path, exc) from None
    try:
        yield Path(tmp)
        check_output(path)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        if isinstance(exc, WriteError):
            raise
        raise _write_error(path, exc) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _write_error(path: Path, exc: OSError) -> WriteError:
    if exc.errno in _DISK_FULL:
        reason = "the disk is full: free some space and run again"
    elif exc.errno in _READ_ONLY:
        reason = "permission denied: choose a writable folder"
    else:
        reason = f"{exc.strerror or exc}"
    return WriteError(exc.errno or errno.EIO, f"cannot write {path}: {reason}; nothing was written")
