"""Reading a scenario file as plain YAML data, strictly and within bounds.

Two YAML habits surprise scenario authors, so the loader turns them off:
unquoted instants (`at: 2026-03-02T15:00:00Z`) stay strings instead of
becoming datetimes, and a key given twice in one mapping is an error instead
of the last one silently winning.

A few hundred bytes of YAML can also describe more data than a machine
holds, or data that never ends: anchors whose aliases repeat an anchor that
repeats another ("billion laughs"), an alias inside the node it names (a
cycle), or collections nested a hundred thousand deep (libyaml's recursive
composer then crashes the interpreter, and Python's overflows its stack). So
the document's node graph is composed here, from the parser's events and
without recursion, measured as it grows and refused past the limits below
before anything is built; only then is it constructed. Both parsers feed the
same composer, so they refuse the same files with the same message.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml

from simulator.replay.errors import ScenarioError

TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
INT_TAG = "tag:yaml.org,2002:int"
MAX_ALIAS_NODES = 10_000
"""Nodes that alias references may add to a document, each counting the whole
node it repeats, expanded. A document without aliases adds none, however long."""
MAX_DEPTH = 100
"""Collections open inside one another; scenarios need about ten. Kept well
below what the recursive readers after the loader (checks, substitution,
matching, JSON) can walk within Python's recursion limit."""


class DocumentRefused(Exception):
    """A valid YAML document that is refused for its shape: a cycle or a limit passed.

    Not a YAMLError: when the fast parser refuses a document, the exact one
    would read the same events and refuse it again, so it is not tried.
    """

    def __init__(self, mark: Any, problem: str) -> None:
        super().__init__(problem)
        self.mark = mark
        self.problem = problem


class StrictConstruction(yaml.constructor.SafeConstructor):
    """Duplicate keys are errors, and so is every value PyYAML cannot construct; shared by both loaders below."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """PyYAML's constructors of explicit tags raise Python's own errors on text that
        does not fit the tag (`!!bool x`: KeyError, `!!timestamp x`: AttributeError,
        `!!float x`: ValueError); each becomes a YAML error at the node instead."""
        try:
            return super().construct_object(node, deep)
        except (ValueError, KeyError, AttributeError):
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read this value as {node.tag.rsplit(':', 1)[-1]}", node.start_mark
            ) from None

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        """An integer Python can turn back into text.

        Python reads and writes integers of at most sys.get_int_max_str_digits()
        decimal digits; a longer one, even written in hex, would fail when a
        body holding it is sent or a seed is derived from it, so it fails here,
        at its line.
        """
        try:
            value = super().construct_yaml_int(node)
            str(value)  # the conversion that would fail later
        except ValueError:
            limit = sys.get_int_max_str_digits()
            raise yaml.constructor.ConstructorError(
                None, None, f"not an integer of at most {limit} digits", node.start_mark
            ) from None
        return value

    yaml_constructors = {**yaml.constructor.SafeConstructor.yaml_constructors, INT_TAG: construct_yaml_int}
    """SafeConstructor's table names its own int constructor, so the one above is registered by hand."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):  # anything else is refused by SafeConstructor with a YAML error
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if isinstance(key, (str, int, float, bool)):
                    if key in seen:
                        raise yaml.constructor.ConstructorError(
                            "while reading a mapping", node.start_mark, f"duplicate key {key!r}", key_node.start_mark
                        )
                    seen.add(key)
        return super().construct_mapping(node, deep)


class StrictLoader(StrictConstruction, yaml.SafeLoader):
    """The pure-Python parser: accepts every string Python can hold (lone surrogates from JSON too)."""


Loader = yaml.SafeLoader | yaml.CSafeLoader
LoaderClass = type[yaml.SafeLoader] | type[yaml.CSafeLoader]
LOADERS: list[LoaderClass] = [StrictLoader]
"""Tried in order; the last one decides and its error is the one reported."""

if hasattr(yaml, "CSafeLoader"):  # PyYAML built with libyaml, as its wheels are

    class FastStrictLoader(StrictConstruction, yaml.CSafeLoader):
        """libyaml's parser, five times faster on a 10,000-step scenario; stricter about escapes."""

    LOADERS.insert(0, FastStrictLoader)

for _loader in LOADERS:
    _loader.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != TIMESTAMP_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def node_mark(mark: object) -> yaml.Mark | None:
    """An event's mark as the nodes' type. libyaml's marks are a class of their own
    with the same fields; its own composer stores them on nodes just the same."""
    return cast("yaml.Mark | None", mark)


@dataclass
class OpenCollection:
    """A sequence or mapping whose end event has not come yet."""

    node: yaml.CollectionNode
    anchor: str | None
    children: list[yaml.Node] = field(default_factory=list)
    """Items, or a mapping's keys and values in turn."""
    size: int = 1
    """Nodes it holds so far once its aliases are expanded, itself included."""


class Composition:
    """One document's node graph, composed from parser events as PyYAML's Composer
    does (an alias is the very node its anchor names), but with a stack instead of
    recursion, and measured on the way.

    Each anchored node's expanded size is kept once it is complete, so every
    alias adds its node's size to a running total in constant time, and the
    total is checked before the next event is read: a bomb is refused after
    reading about MAX_ALIAS_NODES nodes' worth of aliases, not after building
    them. An alias to a node that is still open names one of its own
    ancestors, the only way YAML can make a cycle.
    """

    def __init__(self, loader: Loader) -> None:
        self.loader = loader
        self.anchors: dict[str, yaml.Node] = {}
        self.sizes: dict[str, int] = {}
        """Expanded sizes of the complete anchored nodes."""
        self.stack: list[OpenCollection] = []
        self.added = 0
        """Nodes the aliases so far add to the document when expanded."""

    def document(self) -> yaml.Node | None:
        """The stream's single document, None for an empty stream (PyYAML's get_single_node)."""
        loader = self.loader
        loader.get_event()  # StreamStartEvent
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # DocumentStartEvent
        root = self.node()
        loader.get_event()  # DocumentEndEvent
        if not loader.check_event(yaml.StreamEndEvent):
            second = loader.get_event()
            assert isinstance(second, yaml.DocumentStartEvent), second
            raise yaml.composer.ComposerError(
                "expected a single document in the stream", root.start_mark, "but found another document", node_mark(second.start_mark)
            )
        return root

    def node(self) -> yaml.Node:
        """Read events until the node starting at the next one is complete."""
        while True:
            event = self.loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                self.open(event)
                continue
            if isinstance(event, yaml.AliasEvent):
                complete, size = self.alias(event)
            elif isinstance(event, yaml.ScalarEvent):
                complete, size = self.scalar(event), 1
            else:
                assert isinstance(event, yaml.CollectionEndEvent), event  # the parser ends the collection it opened last
                complete, size = self.close(self.stack.pop(), event)
            if not self.stack:
                return complete
            parent = self.stack[-1]
            parent.children.append(complete)
            parent.size += size

    def tag(self, kind: type[yaml.Node], event: yaml.ScalarEvent | yaml.CollectionStartEvent) -> str:
        """The event's explicit tag, else the one the loader's resolvers give, as PyYAML's Composer decides."""
        if event.tag is not None and event.tag != "!":
            return event.tag
        value = event.value if isinstance(event, yaml.ScalarEvent) else None
        resolved: str = self.loader.resolve(kind, value, event.implicit)  # type: ignore[no-untyped-call]  # untyped in the stubs
        return resolved

    def remember(self, event: yaml.NodeEvent, node: yaml.Node) -> None:
        """Name the node by the event's anchor, if it has one."""
        anchor = event.anchor
        if anchor is None:
            return
        if anchor in self.anchors:
            first = where(self.anchors[anchor].start_mark)
            problem = f"anchor &{anchor} is defined twice (first at {first})"
            raise yaml.composer.ComposerError(None, None, problem, node_mark(event.start_mark))
        self.anchors[anchor] = node

    def alias(self, event: yaml.AliasEvent) -> tuple[yaml.Node, int]:
        """The node the alias names and its expanded size, once the running total allows it."""
        anchor = str(event.anchor)
        if anchor not in self.anchors:
            raise yaml.composer.ComposerError(None, None, f"found undefined alias {anchor!r}", node_mark(event.start_mark))
        if anchor not in self.sizes:
            raise DocumentRefused(event.start_mark, f"alias *{anchor} refers to itself: it is inside the node &{anchor} names")
        self.added += self.sizes[anchor]
        if self.added > MAX_ALIAS_NODES:
            raise DocumentRefused(
                event.start_mark,
                f"aliases expand past {MAX_ALIAS_NODES:,} nodes (at *{anchor}); write the data out instead of repeating it",
            )
        return self.anchors[anchor], self.sizes[anchor]

    def scalar(self, event: yaml.ScalarEvent) -> yaml.Node:
        start, end = node_mark(event.start_mark), node_mark(event.end_mark)
        node = yaml.ScalarNode(self.tag(yaml.ScalarNode, event), event.value, start, end, style=event.style)
        self.remember(event, node)
        if event.anchor is not None:
            self.sizes[event.anchor] = 1
        return node

    def open(self, event: yaml.CollectionStartEvent) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise DocumentRefused(event.start_mark, f"collections nest deeper than {MAX_DEPTH} levels")
        kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) else yaml.MappingNode
        node = kind(self.tag(kind, event), [], node_mark(event.start_mark), None, flow_style=event.flow_style)
        self.remember(event, node)
        self.stack.append(OpenCollection(node, event.anchor))

    def close(self, closing: OpenCollection, event: yaml.Event) -> tuple[yaml.Node, int]:
        node, children = closing.node, closing.children
        node.value = children if isinstance(node, yaml.SequenceNode) else list(zip(children[::2], children[1::2], strict=True))
        node.end_mark = node_mark(event.end_mark)
        if closing.anchor is not None:
            self.sizes[closing.anchor] = closing.size
        return node, closing.size


def yaml_problem(source: str, text: str, error: yaml.YAMLError) -> ScenarioError:
    """The YAML error as `file: line L, column C: problem`, on one line."""
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        problem = error.problem or "invalid YAML"
        return ScenarioError(source, (), f"{where(mark)}: YAML syntax error: {problem}")
    if isinstance(error, yaml.reader.ReaderError):  # a character YAML forbids, such as NUL; no mark, an offset
        before = text[: error.position]
        line, column = before.count("\n"), error.position - (before.rfind("\n") + 1)
        problem = str(error).splitlines()[0]  # `unacceptable character #x0000: ...`, then where, as an offset
        return ScenarioError(source, (), f"line {line + 1}, column {column + 1}: YAML syntax error: {problem}")
    return ScenarioError(source, (), f"YAML syntax error: {error}")


def where(mark: Any) -> str:
    """`line L, column C` of a mark of either parser, counted from 1 as editors do."""
    return f"line {mark.line + 1}, column {mark.column + 1}"


def parse(text: str, loader_class: LoaderClass) -> Any:
    """The document as Python data, composed and checked by Composition first."""
    loader = loader_class(text)
    try:
        root = Composition(loader).document()
        return None if root is None else loader.construct_document(root)
    finally:
        loader.dispose()


def read_yaml(path: Path) -> Any:
    """The file's YAML document; every failure is a ScenarioError naming the file."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(source, (), "no such file") from None
    except IsADirectoryError:
        raise ScenarioError(source, (), "is a directory, not a scenario file") from None
    except UnicodeDecodeError:
        raise ScenarioError(source, (), "is not UTF-8 text") from None
    except OSError as exc:
        raise ScenarioError(source, (), f"cannot be read: {exc.strerror}") from None
    *faster, exact = LOADERS
    try:
        for loader in faster:
            try:
                return parse(text, loader)
            except yaml.YAMLError:
                pass  # libyaml refuses a few escapes Python's parser takes
        try:
            return parse(text, exact)
        except yaml.YAMLError as exc:
            raise yaml_problem(source, text, exc) from None
    except DocumentRefused as exc:
        raise ScenarioError(source, (), f"{where(exc.mark)}: {exc.problem}") from None
