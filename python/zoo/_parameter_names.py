"""Constructor arguments an estimator does not take: an error that names the
class the caller wrote and what zoo calls the thing asked for.

People arrive with scikit-learn's or Stable-Baselines3's names
(``MLPClassifier(max_iter=50)``, ``DQN(policy="MlpPolicy")``). Python's own
error names whichever class defines ``__init__`` (often a private base, as
in "_BaseMLP.__init__() got an unexpected keyword argument") and stops there.

A class declares the foreign names it knows as data::

    _parameter_aliases = {"max_iter": "the passes over the data are epochs=..."}

Subclasses inherit their bases' entries and may add or replace some; an
entry whose name is a real parameter of the class is ignored, so one shared
mapping can serve classes whose parameters differ. Every ``__init__`` a
subclass defines is wrapped (:func:`check_arguments_before_init`, from
``BaseEstimator.__init_subclass__``) so that the arguments are checked
before it runs, and ``set_params`` uses :func:`unknown_parameter_hint`. A name that is neither a
parameter nor an alias gets the closest real parameter (difflib) when one is
close, else the list of parameters.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import weakref
from typing import NamedTuple


class _InitSpec(NamedTuple):
    init: object
    signature: inspect.Signature | None  # None: object.__init__, which takes nothing
    names: tuple  # every parameter a keyword can name, in signature order
    positional: tuple  # those that may also be given by position
    required: bool  # some parameter has no default
    checked: bool  # False for *args or **kwargs: __init__ has its own rules


_SPECS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _init_spec(cls) -> _InitSpec:
    init = cls.__init__
    spec = _SPECS.get(cls)
    if spec is not None and spec.init is init:
        return spec
    if init is object.__init__:
        spec = _InitSpec(init, None, (), (), False, True)
    else:
        signature = inspect.signature(init)
        parameters = list(signature.parameters.values())[1:]  # without self
        kinds = {parameter.kind for parameter in parameters}
        spec = _InitSpec(
            init,
            signature,
            tuple(p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)),
            tuple(p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)),
            any(p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters),
            not kinds & {inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD},
        )
    _SPECS[cls] = spec
    return spec


def parameter_aliases(cls, names=None) -> dict:
    """The class's foreign parameter names and their hints, its bases'
    included (a subclass's entry wins), leaving out real parameters.

    Parameters
    ----------
    cls : type
    names : iterable of str, optional
        The class's parameters (default: those of its ``__init__``).

    Returns
    -------
    dict
        ``{foreign name: hint}``.
    """
    if names is None:
        names = _init_spec(cls).names
    real = set(names)
    merged = {}
    for klass in reversed(cls.__mro__):
        merged.update(vars(klass).get("_parameter_aliases", {}))
    return {name: hint for name, hint in merged.items() if name not in real}


def check_alias_declaration(cls):
    """Refuse a malformed ``_parameter_aliases`` when the class is defined."""
    aliases = vars(cls).get("_parameter_aliases", {})
    if not isinstance(aliases, dict) or not all(
        isinstance(name, str) and isinstance(hint, str) and hint for name, hint in aliases.items()
    ):
        raise TypeError(f"{cls.__name__}._parameter_aliases must map parameter names to hint strings.")


def unknown_parameter_hint(cls, name, names) -> str | None:
    """What to say about ``name``, which is not one of ``names`` (the
    parameters of ``cls``): its alias's hint, the closest real parameter, or
    None."""
    aliases = parameter_aliases(cls, names)
    if name in aliases:
        return aliases[name]
    close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.7)
    if close:
        return f"did you mean {close[0]!r}?"
    close = difflib.get_close_matches(name, list(aliases), n=1, cutoff=0.8)
    if close:  # a misspelt foreign name: answer for the name meant
        return f"if you meant {close[0]!r}: {aliases[close[0]]}"
    return None


def check_constructor_arguments(cls, args, kwargs):
    """Raise TypeError, naming ``cls``, if ``cls(*args, **kwargs)`` does not
    fit its ``__init__``; say nothing otherwise."""
    spec = _init_spec(cls)
    if not spec.checked:
        return
    title = cls.__name__
    for name in kwargs:
        if name not in spec.names:
            hint = unknown_parameter_hint(cls, name, spec.names)
            if hint is None:
                hint = (f"{title}'s parameters are {', '.join(spec.names)}." if spec.names
                        else f"{title} takes no parameters.")
            raise TypeError(f"{title}() got an unexpected keyword argument {name!r}; {hint}")
    given = len(args)
    allowed = len(spec.positional)
    if given > allowed:
        were = "was" if given == 1 else "were"
        if allowed == 0:
            example = f"{title}({spec.names[0]}=...)" if spec.names else f"{title}()"
            raise TypeError(f"{title}() takes no positional arguments but {given} {were} given; "
                            f"give parameters by name, e.g. {example}.")
        keyword = f", {spec.names[allowed]}=..." if len(spec.names) > allowed else ""
        raise TypeError(
            f"{title}() takes {allowed} positional argument{'s' if allowed > 1 else ''} "
            f"({', '.join(spec.positional)}) but {given} {were} given; give the others by name, "
            f"e.g. {title}({', '.join(spec.positional)}{keyword})."
        )
    if (args or spec.required) and spec.signature is not None:
        try:
            spec.signature.bind(None, *args, **kwargs)
        except TypeError as error:  # a missing or doubly given argument
            raise TypeError(f"{title}(): {error}.") from None


def check_arguments_before_init(cls):
    """Wrap the ``__init__`` that ``cls`` defines itself so that
    :func:`check_constructor_arguments` runs first, for the class being
    built. The wrapper keeps the signature (``__wrapped__``), which
    ``get_params`` and scikit-learn read."""
    init = vars(cls).get("__init__")
    if not inspect.isfunction(init) or getattr(init, "_zoo_checks_arguments", False):
        return

    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        # Only the __init__ the caller reached: a subclass's own __init__
        # calls this one with arguments of this signature, already checked.
        if type(self).__init__ is __init__:
            check_constructor_arguments(type(self), args, kwargs)
        init(self, *args, **kwargs)

    __init__._zoo_checks_arguments = True
    cls.__init__ = __init__
