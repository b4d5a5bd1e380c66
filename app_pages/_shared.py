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
UNSAVED = "unsaved_edits"  # True after a table edit, until the session file is saved
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


@st.cache_resource(show_spinner=False, max_entries=8)
def engine_session(network_json: str):
    """The network's engine session (lcasym.open_session), shared by every browser session
    that runs the same network: built once, immutable and thread-safe; what-ifs and results
    are array work on its factorised system (no Brightway write per change)."""
    from lcasym.calc.session import open_session

    return open_session(SymbiosisNetwork.model_validate_json(network_json))


@st.cache_data(show_spinner=False, max_entries=16)
def calculate(network_json: str, crediting: str, draws: int, seed: int) -> SymbiosisResult:
    """The network's result (JSON for hashing), cached per options; each browser session
    gets its own copy."""
    return engine_session(network_json).result(crediting=crediting, draws=draws, seed=seed)


# --- options kept across pages -----------------------------------------------------------------

OPTIONS = "app_options"  # dict: crediting, draws, seed (plain session state: survives pages)
DEFAULT_OPTIONS = {"crediting": "receiver", "draws": 200, "seed": 1961}


def options() -> dict:
    """The run options the user chose last (kept across pages and in the session file)."""
    return st.session_state.setdefault(OPTIONS, dict(DEFAULT_OPTIONS))


def set_options(**values) -> None:
    options().update(values)


def load_demo() -> None:
    """Load examples/kalundborg.yaml and calculate it with the current options."""
    from lcasym.io import read_network
    from lcasym.paths import examples_dir

    net = read_network(examples_dir() / "kalundborg.yaml")
    set_network(net, "kalundborg.yaml (demo)", [])
    run_current()


def run_current() -> None:
    net = network()
    if net is None:
        return
    opts = options()
    res = calculate(net.model_dump_json(), opts["crediting"], int(opts["draws"]), int(opts["seed"]))
    st.session_state[RESULT] = res
    st.session_state[RESULT_FOR] = net.model_dump_json()


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


def result_network_json() -> str:
    """JSON of the network the current result was calculated for (its engine session)."""
    return st.session_state.get(RESULT_FOR) or network().model_dump_json()


def warn_before_leaving() -> None:
    """Ask the browser to confirm closing or reloading the tab while edits are unsaved.

    A tiny script in a same-origin component frame sets the page's ``beforeunload``
    handler; it is cleared again once the session file is saved.
    """
    import streamlit.components.v1 as components

    on = "true" if st.session_state.get(UNSAVED) else "false"
    components.html(
        "<script>const w = window.parent; if (" + on + ") {"
        " w.onbeforeunload = (e) => { e.preventDefault(); e.returnValue = ''; return ''; };"
        "} else { w.onbeforeunload = null; }</script>",
        height=0,
    )
