"""Session-state helpers and cached library calls shared by the pages.

Everything expensive goes through ``st.cache_data`` / ``st.cache_resource``. Brightway is
only reached through lcasym's API, whose ``brightway_project`` holds a process-wide lock:
Streamlit serves every browser session from threads of one process.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from lcasym import app_support
from lcasym.errors import InputError, LcasymError, Problem
from lcasym.network.model import SymbiosisNetwork
from lcasym.results import SymbiosisResult

NETWORK = "network"  # the current SymbiosisNetwork
SOURCE = "network_source"  # where it came from (file name or "table editor")
PROBLEMS = "network_problems"  # list[Problem] from the last load / apply
CHECK_NOTE = "network_check_note"  # which background the references were checked against
EDITOR = "editor_version"  # bumped to re-seed the table editors from the network
RESULT = "result"  # the last SymbiosisResult
RESULT_FOR = "result_for"  # JSON of the network the result was calculated for


def network() -> SymbiosisNetwork | None:
    return st.session_state.get(NETWORK)


def result() -> SymbiosisResult | None:
    return st.session_state.get(RESULT)


def result_is_stale() -> bool:
    net = network()
    return net is not None and st.session_state.get(RESULT_FOR) != net.model_dump_json()


def set_network(net: SymbiosisNetwork, source: str, problems: list[Problem]) -> None:
    """Make ``net`` the current network; the editors re-seed from it."""
    st.session_state[NETWORK] = net
    st.session_state[SOURCE] = source
    st.session_state[PROBLEMS] = list(problems)
    st.session_state[EDITOR] = st.session_state.get(EDITOR, 0) + 1


def show_problems(problems: list[Problem], *, limit: int = 25) -> None:
    """Errors in one red box, warnings in a yellow one; each with its location."""
    errors, warnings = app_support.split_problems(problems)
    if errors:
        lines = app_support.problem_lines(errors[:limit])
        more = f"\n\n… and {len(errors) - limit} more." if len(errors) > limit else ""
        st.error(
            f"**{len(errors)} error(s): fix them before running.**\n\n" + "\n".join(lines) + more,
            icon=":material/error:",
        )
    if warnings:
        with st.expander(f"{len(warnings)} warning(s) (the run can go ahead)", icon="⚠️"):
            st.warning("\n".join(app_support.problem_lines(warnings)))


def show_input_error(exc: InputError) -> None:
    show_problems(exc.problems or [Problem(str(exc))])


def show_unexpected(exc: BaseException, what: str) -> None:
    """A short message, with the details folded away (never a bare traceback)."""
    st.error(f"{what} failed unexpectedly: {type(exc).__name__}: {str(exc)[:300]}")
    with st.expander("Details for a bug report"):
        st.code("".join(traceback.format_exception(exc)), language=None)


@contextmanager
def guarded(what: str) -> Iterator[None]:
    """Show lcasym's errors as messages and anything else as a short error with details."""
    try:
        yield
    except InputError as exc:
        show_input_error(exc)
    except LcasymError as exc:
        st.error(f"{what}: {exc}")
    except Exception as exc:  # the user must never see a traceback
        show_unexpected(exc, what)


# --- cached library calls --------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=16)
def calculate(network_json: str, crediting: str, draws: int, seed: int) -> SymbiosisResult:
    """lcasym.api.calculate on a network given as JSON (hashable), cached per options."""
    from lcasym.api import calculate as run

    net = SymbiosisNetwork.model_validate_json(network_json)
    return run(net, crediting=crediting, draws=draws, seed=seed)


@st.cache_data(show_spinner=False, ttl=120)
def project_status() -> app_support.ProjectStatus:
    return app_support.project_status()


@st.cache_data(show_spinner=False)
def template_bytes() -> bytes:
    return app_support.template_bytes()


@st.cache_data(show_spinner=False, max_entries=32)
def network_bytes(network_json: str, fmt: str) -> bytes:
    return app_support.network_bytes(SymbiosisNetwork.model_validate_json(network_json), fmt)


def cached_result_bytes(fmt: str) -> bytes:
    """The current result as a file; cached in the session (one per format)."""
    res = result()
    key = f"result_bytes_{fmt}"
    stamp = (id(res), fmt)
    if st.session_state.get(key, (None, None))[0] != stamp:
        st.session_state[key] = (stamp, app_support.result_bytes(res, fmt))
    return st.session_state[key][1]


def need_network() -> SymbiosisNetwork | None:
    net = network()
    if net is None:
        st.info("No network loaded yet: load an example or your own file first.")
        st.page_link("app_pages/network.py", label="Go to Network", icon=":material/hub:")
    return net


def need_result() -> SymbiosisResult | None:
    res = result()
    if res is None:
        st.info("No results yet: run the network first.")
        st.page_link("app_pages/results.py", label="Go to Results", icon=":material/insights:")
    return res
