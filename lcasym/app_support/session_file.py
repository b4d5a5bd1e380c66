"""The app's session file: the network and the run options in one JSON file.

It saves work to restore later (or on another machine).
"""

from __future__ import annotations

import json
from typing import Any

from lcasym.errors import InputError, Problem
from lcasym.io.limits import check_json_text
from lcasym.network.model import SymbiosisNetwork

KIND = "lcasym app session"
VERSION = 1
OPTION_KEYS = ("crediting", "draws", "seed")
#: Largest values the app's run form takes.
MAX_DRAWS_OR_SEED = {"draws": 10_000, "seed": 2**31 - 1}


def session_bytes(network: SymbiosisNetwork, options: dict[str, Any]) -> bytes:
    """``{"kind", "version", "options", "network"}`` as UTF-8 JSON."""
    doc = {
        "kind": KIND,
        "version": VERSION,
        "options": {k: options[k] for k in OPTION_KEYS if k in options},
        "network": network.model_dump(mode="json", exclude_none=True),
    }
    return json.dumps(doc, indent=1, ensure_ascii=False).encode("utf-8")


def read_session(name: str, data: bytes) -> tuple[SymbiosisNetwork, dict[str, Any]]:
    """The network and options of a session file; InputError in one sentence otherwise."""
    try:
        text = data.decode("utf-8")
        check_json_text(text, name)
        doc = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError([Problem(f"not a JSON session file ({exc})", name)], name) from exc
    if not isinstance(doc, dict) or doc.get("kind") != KIND:
        raise InputError(
            [Problem("not an lcasym app session file: expected one saved by the app", name)],
            name,
        )
    from pydantic import ValidationError

    try:
        network = SymbiosisNetwork.model_validate(doc.get("network"))
    except ValidationError as exc:
        raise InputError(
            [Problem(f"the session's network is not valid ({exc.error_count()} problem(s))", name)],
            name,
        ) from exc
    found = doc.get("options")
    raw: dict[str, Any] = found if isinstance(found, dict) else {}
    options: dict[str, Any] = {}
    from lcasym.results.crediting import RULES

    if raw.get("crediting") in RULES:
        options["crediting"] = raw["crediting"]
    for key in ("draws", "seed"):
        if (
            isinstance(raw.get(key), int)
            and not isinstance(raw.get(key), bool)
            and 0 <= raw[key] <= MAX_DRAWS_OR_SEED[key]
        ):
            options[key] = raw[key]
    return network, options
