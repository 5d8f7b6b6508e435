"""Which functions Lambda calls.

Sources, in order of authority: the ``handlers`` setting, deployment files (``deploy/``), then the
heuristic. A file that any declaration names uses the declared functions only. The heuristic on names
(``handler_shaped``) and its byte-level twin (``could_have_handler``) live here; applying it to a
parsed module is ``analysis/handlers.py``.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from typing import TYPE_CHECKING, Iterable, Mapping, NamedTuple, Sequence

from lambda_import_lint.config import Config
from lambda_import_lint.discovery.declarations import ConfigHandlers, Declarations

if TYPE_CHECKING:
    from lambda_import_lint.discovery.deploy import Ancestors, Listings, Parse, Unit


def discover_declarations(
    config: Config,
    paths: Iterable[str],
    candidates: list[str] | None = None,
    parse: Parse | None = None,
    listed: Sequence[Unit] | None = None,
) -> Declarations:
    """Handlers from the ``handlers`` setting and from deployment files under the project root
    or in a folder above a checked path (so that results do not depend on which folder or file
    was named: a template one level up declares a checked file's handler either way).
    ``candidates``: deployment-file candidates a walk of ``paths`` collected, used when that walk
    covered the whole project root. ``parse``: how deployment files are read (``deploy.discover``).
    ``listed``: the files ``deployment_units`` gave for the same arguments, when the caller has them."""
    from lambda_import_lint.discovery import deploy as deployment

    items = list(ConfigHandlers(config.handlers).declarations(config.root))
    if listed is None:
        listed = deployment_units(config, paths, candidates)
    found = deployment.read_units(listed, parse)
    items.extend(found.declarations)
    return Declarations(tuple(items), tuple(found.warnings), tuple(found.retired))


def deployment_units(
    config: Config,
    paths: Iterable[str],
    candidates: list[str] | None = None,
    listings: Listings | None = None,
    ancestors: Ancestors | None = None,
) -> list[Unit]:
    """The deployment files ``discover_declarations`` reads for these arguments: under the project
    root (``candidates`` when the walk that collected them covered it), then above the checked
    paths. A listing only: no file is opened. ``listings``: the folders that walk listed (and
    those this one lists are added); ``ancestors``: where the folders above are noted."""
    from lambda_import_lint.discovery import deploy as deployment
    from lambda_import_lint.discovery.files import folder_exclusions

    paths = list(paths)
    root = deployment.project_root(paths)
    walked = [os.path.realpath(path) for path in paths if os.path.isdir(path)]
    covered = candidates is not None and str(root) in walked
    above = deployment.ancestor_candidates(paths, root, ancestors)
    return deployment.units(root, folder_exclusions(config), candidates if covered else None, above, listings)


def _strip_underscore(name: str) -> str:
    return name[1:] if name.startswith("_") else name


class Signature(NamedTuple):
    """What a function's parameters say about calling it as Lambda does, ``handler(event, context)``."""

    positional: tuple[str, ...]  # the names of its positional parameters, in order
    required: int  # how many of them have no default
    star_args: bool  # it takes ``*args``
    required_keywords: bool  # a keyword-only parameter without a default
    decorated: bool  # a decorator may give it another signature

    def lambda_can_call(self) -> bool:
        """Whether a call with two positional arguments fits it: ``def handler(event)`` (round 28: a
        router's route functions in ``handlers/``, which the router calls with the event alone)
        or ``def handler(event, context, client)`` raises TypeError when Lambda calls it, so it is
        no handler. A decorated function may be wrapped into one that fits."""
        if self.decorated:
            return True
        return (len(self.positional) >= 2 or self.star_args) and self.required <= 2 and not self.required_keywords


def named_like_a_handler(name: str, handler_names: Iterable[str]) -> bool:
    """Whether a function's name matches one of the ``handler-names`` patterns (``lambda_handler``,
    ``handler``, globs)."""
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in handler_names)


def handler_shaped(name: str, signature: Signature, handler_names: Iterable[str]) -> bool:
    """The heuristic on the names alone (LibCST's tree here, the stdlib's in the prescreen): a
    function Lambda can call with ``(event, context)``, named like a handler or whose first two
    positional parameters are ``(event, context)``, each maybe with a leading underscore."""
    if not signature.lambda_can_call():
        return False
    positional = signature.positional
    if named_like_a_handler(name, handler_names):
        return True
    return [_strip_underscore(parameter) for parameter in positional[:2]] == ["event", "context"]


# Chalice (``app = Chalice(app_name=...)``, ``bp = Blueprint(__name__)``): Lambda calls the app
# object (``app.app``, the REST API, which runs one route per request) and a function per other
# function the app's decorators register (a schedule, a bucket's or a queue's events, an
# authorizer, a WebSocket's events, ``lambda_function``), each deployed as a Lambda function of its
# own; a blueprint's registrations join its app's. No function of theirs takes ``(event,
# context)``, so the heuristic alone finds none (round 32: a third of the repositories drawn).
CHALICE = "chalice"
# An ASGI app behind Mangum (``app = FastAPI()``, ``handler = Mangum(app)``): Lambda calls the
# adapter, which runs one of the app's routes per request (round 34: six repositories of twenty
# API backends drawn, whose routes no heuristic finds). A router (``APIRouter()``) included into the
# app in the same module adds its routes.
ASGI_APP = "asgi app"
ASGI_ROUTER = "asgi router"
ASGI_ADAPTER = "asgi adapter"
FRAMEWORK_OBJECTS: Mapping[str, str] = {
    "chalice.Chalice": CHALICE, "chalice.Blueprint": CHALICE, "chalice.app.Chalice": CHALICE,
    "chalice.app.Blueprint": CHALICE,
    "fastapi.FastAPI": ASGI_APP, "fastapi.applications.FastAPI": ASGI_APP,
    "fastapi.APIRouter": ASGI_ROUTER, "fastapi.routing.APIRouter": ASGI_ROUTER,
    "mangum.Mangum": ASGI_ADAPTER, "mangum.adapter.Mangum": ASGI_ADAPTER,
}
CHALICE_ROUTE = "route"
CHALICE_FUNCTIONS = frozenset((
    "lambda_function", "schedule", "authorizer", "on_s3_event", "on_sns_message", "on_sqs_message",
    "on_cw_event", "on_kinesis_record", "on_dynamodb_record", "on_ws_connect", "on_ws_message",
    "on_ws_disconnect",
))
# The decorators of a FastAPI app or router that make a function a route. Not ``middleware`` nor
# ``on_event``: Mangum runs those on every request (and the lifespan's startup with each one).
ASGI_ROUTES = frozenset(("get", "post", "put", "delete", "patch", "options", "head", "trace", "api_route"))
# What a module importing Chalice or Mangum holds (the byte scan's twin of the above).
_FRAMEWORK_IMPORT = re.compile(
    rb"(?m)^[ \t]*(?:from[ \t]+(?:chalice(?:\.app)?|mangum(?:\.adapter)?)[ \t]+import\b"
    rb"|import[ \t]+(?:chalice|mangum)\b)"
)


def registers_entry(kind: str, decorator_attribute: str) -> bool:
    """Whether ``@app.<decorator_attribute>`` on a framework object of this kind registers a
    function Lambda calls: a Chalice app's route or other function (``CHALICE_ROUTE``,
    ``CHALICE_FUNCTIONS``), a FastAPI app's or router's route (``ASGI_ROUTES``)."""
    if kind == CHALICE:
        return decorator_attribute == CHALICE_ROUTE or decorator_attribute in CHALICE_FUNCTIONS
    return kind in (ASGI_APP, ASGI_ROUTER) and decorator_attribute in ASGI_ROUTES


def is_route(kind: str, decorator_attribute: str) -> bool:
    """Whether the function so registered is one route of the object's routes (one runs per
    request), not a function deployed on its own (a Chalice schedule)."""
    return decorator_attribute == CHALICE_ROUTE if kind == CHALICE else registers_entry(kind, decorator_attribute)


# What adds routes to an ASGI app besides its decorators: routers, mounted apps, routes added by
# call. Only ``include_router`` of a router of the same module is followed; any other makes the
# routes found in the module some of the app's only.
_ADDS_ROUTES = frozenset(("include_router", "mount", "add_api_route", "add_route", "add_api_websocket_route", "host"))


def adds_routes(method: str) -> bool:
    """Whether ``app.<method>(...)`` adds routes to an ASGI app or router (``_ADDS_ROUTES``)."""
    return method in _ADDS_ROUTES


def route_owners(
    app: str, additions: Iterable[tuple[str, str, str | None]], routers: set[str]
) -> tuple[list[str], bool]:
    """The app and the module's routers whose routes are the app's, and whether those are all its
    routes, given each call that adds routes (object, method, name of its first argument) and the
    names of the module's routers: ``app.include_router(router)`` brings ``router``'s, through
    routers included in included routers too; anything else the app's routes come from is elsewhere."""
    additions = list(additions)
    owners = [app]
    grown = True
    while grown:
        grown = False
        for owner, method, argument in additions:
            if owner in owners and method == "include_router" and argument in routers and argument not in owners:
                owners.append(argument)
                grown = True
    complete = all(
        method == "include_router" and argument in routers for owner, method, argument in additions if owner in owners
    )
    return owners, complete


def framework_object(callee: str, imported: Mapping[str, str]) -> str | None:
    """What calling ``callee`` (a dotted name: ``Chalice``, ``chalice.Blueprint``, ``Mangum``)
    makes, given what the module's imports bind (bound name → qualified name): a
    ``FRAMEWORK_OBJECTS`` kind, or None."""
    root, _, rest = callee.partition(".")
    qualified = imported.get(root)
    if qualified is None:
        return None
    return FRAMEWORK_OBJECTS.get(f"{qualified}.{rest}" if rest else qualified)


def could_have_handler(source: bytes, handler_names: Iterable[str]) -> bool:
    """A byte-level test with no false negatives for the heuristic (used before parsing): a
    ``def`` named like a handler, or one whose first parameter is ``event`` (comments allowed), or
    an import of Chalice or Mangum."""
    if (b"chalice" in source or b"mangum" in source) and _FRAMEWORK_IMPORT.search(source) is not None:
        return True  # a Chalice app's or blueprint's functions, an ASGI app's routes (``FRAMEWORK_OBJECTS``)
    names = tuple(handler_names)
    fragments = _handler_fragments(names)
    if fragments is not None and not any(fragment in source for fragment in fragments):
        return False  # plain substring tests first: several times faster than the pattern
    return _handler_pattern(names).search(source) is not None


@functools.lru_cache(maxsize=8)
def _handler_fragments(handler_names: tuple[str, ...]) -> tuple[bytes, ...] | None:
    """Substrings one of which any match of the pattern contains: ``event`` and the longest
    literal piece of each name glob (None when a glob has no literal piece to look for)."""
    fragments = [b"event"]
    for glob in handler_names:
        longest = max(re.split(r"[*?]", glob), key=len)
        if not longest or "[" in glob:  # character classes: the pattern takes any name
            return None
        fragments.append(longest.encode())
    return tuple(fragments)


def _name_pattern(glob: str) -> str:
    """A handler-name glob as a regular expression over identifier characters."""
    if "[" in glob:
        return r"\w+"  # character classes: any name may match (a superset is safe here)
    return re.escape(glob).replace(r"\*", r"\w*").replace(r"\?", r"\w")


@functools.lru_cache(maxsize=8)
def _handler_pattern(handler_names: tuple[str, ...]) -> re.Pattern[bytes]:
    named = "|".join(_name_pattern(name) for name in handler_names) or "(?!)"
    # Each comment between `(` and `event` ends at its newline: a comment group that could also
    # end inside a comment backtracks exponentially over the `#`s of one long line (a file of
    # one commented-out line, round 42: 14 minutes on one 14 KB file).
    return re.compile(
        rb"def\s+(?:(?:" + named.encode() + rb")\s*[(\[]|\w+\s*(?:\[[^\]]*\])?\s*\(\s*(?:#[^\n]*\n\s*)*_?event\b)"
    )
