"""Which fixtures a Gherkin scenario's steps will ask for, known before it runs.

pytest-bdd binds a scenario to a test whose only arguments are `request` and
the example; each step's definition is looked up, and its fixtures
requested, only as the step runs. Seeding a scenario has to be decided at
collection, so this finds each step's definitions as pytest-bdd will (its
`find_fixturedefs_for_step`, which the `pytest-bdd>=9,<10` pin covers) and
follows their fixtures' own arguments.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

import pytest
from _pytest.fixtures import FixtureManager
from pytest_bdd.parser import Scenario, ScenarioTemplate
from pytest_bdd.scenario import find_fixturedefs_for_step, scenario_wrapper_template_registry
from pytest_bdd.steps import step_function_context_registry
from pytest_bdd.utils import get_required_args, registry_get_safe


def scenario_reaches(metafunc: pytest.Metafunc, fixture: str) -> bool:
    """Whether the test is a scenario one of whose steps needs `fixture`, directly or through
    other fixtures, in any of its examples."""
    template: ScenarioTemplate | None = registry_get_safe(scenario_wrapper_template_registry, metafunc.function)
    if template is None:
        return False
    manager = metafunc.definition.session._fixturemanager
    node = metafunc.definition
    for scenario in renderings(template):
        for step in scenario.steps:
            for fixturedef in find_fixturedefs_for_step(step, manager, node):
                context = step_function_context_registry[fixturedef.func]
                if reaches(get_required_args(context.step_func), fixture, manager, node):
                    return True
    return False


def renderings(template: ScenarioTemplate) -> Iterator[Scenario]:
    """The scenario as each example row makes it (an outline's steps may match only once filled in)."""
    contexts = [context for examples in template.examples for context in examples.as_contexts()]
    for context in contexts or [{}]:
        yield template.render(context)


def reaches(names: Iterable[str], fixture: str, manager: FixtureManager, node: pytest.Item) -> bool:
    seen: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name == fixture:
            return True
        if name in seen:
            continue
        seen.add(name)
        for fixturedef in manager.getfixturedefs(name, node) or ():
            pending.extend(fixturedef.argnames)
    return False
