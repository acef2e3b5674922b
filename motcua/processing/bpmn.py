"""Import a BPMN 2.0 process, as drawn in standard modelers, into a Motcua process definition.

    bpmn_to_definition(xml_bytes, procedure="1.001193") -> dict   # the format of definition.py

The XML is read with defusedxml: a DTD, entity declarations (entity-expansion bombs) and external
entities are refused before anything is expanded, and files over 2 MB are refused unread; a process
of more than MAX_ELEMENTS elements, or whose gateways are too intricate to follow, is refused too.

Supported subset (anything else is refused with the element's type and id):
  - one `process` (or, in a collaboration with pools, the first executable one);
  - one plain `startEvent`; plain `endEvent`s (a terminate end is accepted as a plain end);
  - `userTask` and plain `task` -> steps, named by the task's name, keyed by its id;
  - `exclusiveGateway` -> branches; a gateway with one outgoing flow is a merge (passed through);
  - `sequenceFlow`, with an optional `conditionExpression` on flows leaving a gateway;
  - `laneSet`/`lane` -> the role of the tasks in the lane (innermost lane wins).
Diagram interchange (bpmndi), documentation, text annotations, associations, groups and data
objects are ignored.

Per task:
  role    `motcua:role` on the task, else its lane: `motcua:role` on the lane, else the lane's
          name: a role value, or one of ROLE_NAMES (case/diacritic-insensitive; a longer name
          that starts with one of them, e.g. "Chuyên viên phòng Tư pháp", also matches);
  hours   `motcua:hours="4"`, else an ISO 8601 duration (PT4H, P1D = 8 h, P1W = 40 h) in a
          `dueDate` attribute (camunda:dueDate), in extensionElements (a `dueDate` attribute, or
          a property named hours/dueDate/duration), or in the task's documentation;
  agency  `motcua:agency` on the task, else on its lane, else receiving (one-stop officer) or
          competent.
The namespace of the motcua: extension attributes is MOTCUA_NS.

Actions (each outgoing flow of a task, followed through gateways to a task or an end):
  - `motcua:action="…"` on a flow, or a flow named after request_supplement / refuse / handover
    (or their Vietnamese names, see FLOW_ACTIONS): that action;
  - to an endEvent: finish (one-stop officer), sign (leader), approve (other roles);
  - a back edge in depth-first order from the start (to a task earlier in the graph): return;
  - to another task: forward -- except a direct flow from a non one-stop task to the one-stop
    task that returns the result (whose way out is finish): approve/sign with it as target,
    as in "sign: give_back";
  - several targets for one action (through exclusive gateways): branches, in document order,
    with the flows' conditions as `when`; the gateway's `default` flow (or the flow without a
    condition) is the last, default branch. When an action has a single target, choosing the
    action is the officer's decision and a condition on that flow is not kept.
Conditions: `${field == value}`, `${field != value}`, `${field}` (exists), field a dotted path,
value a number, true/false or a quoted string.

The result is checked with `definition.parse`; its problems are reported in the same BpmnError,
naming the task behind each step.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from motcua.core.text import fold
from motcua.processing import definition
from motcua.workcalendar.service import working_day_hours

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
MOTCUA_NS = "https://motcua.vn/bpmn"
MAX_BYTES = 2 * 1024 * 1024
MAX_ELEMENTS = 1000  # flow nodes and flows in the process
MAX_WORK = 20_000  # flow visits while following gateways (a lattice of gateways can explode)
MAX_CHAIN = 50  # gateways in a row between two tasks
MAX_LANE_DEPTH = 10
DAYS_PER_WEEK = 5

PROCESS_ROLES = ("one_stop_officer", "specialist", "head", "leader")
# Folded lane names (and their beginnings) -> role; the longest match wins.
ROLE_NAMES = {
    "one stop officer": "one_stop_officer",
    "one stop": "one_stop_officer",
    "bo phan mot cua": "one_stop_officer",
    "can bo mot cua": "one_stop_officer",
    "bo phan tiep nhan va tra ket qua": "one_stop_officer",
    "specialist": "specialist",
    "chuyen vien": "specialist",
    "cong chuc": "specialist",
    "head": "head",
    "truong phong": "head",
    "pho truong phong": "head",
    "lanh dao phong": "head",
    "leader": "leader",
    "lanh dao": "leader",
    "chu tich": "leader",
    "pho chu tich": "leader",
}
# Folded flow names -> action.
FLOW_ACTIONS = {
    "request supplement": "request_supplement",
    "yeu cau bo sung": "request_supplement",
    "bo sung ho so": "request_supplement",
    "refuse": "refuse",
    "tu choi": "refuse",
    "tu choi giai quyet": "refuse",
    "handover": "handover",
    "hand over": "handover",
    "lien thong": "handover",
    "chuyen lien thong": "handover",
}

TASKS = ("userTask", "task")
EVENTS = ("startEvent", "endEvent")
GATEWAY = "exclusiveGateway"
NODES = (*TASKS, *EVENTS, GATEWAY)
REFUSED = {
    "parallelGateway": "parallel branches are not supported (a dossier is at one step at a time)",
    "inclusiveGateway": "inclusive gateways are not supported (only exclusive gateways)",
    "eventBasedGateway": "event-based gateways are not supported (only exclusive gateways)",
    "complexGateway": "complex gateways are not supported (only exclusive gateways)",
    "subProcess": "sub-processes are not supported; draw their steps in the process",
    "adHocSubProcess": "sub-processes are not supported; draw their steps in the process",
    "transaction": "transactions are not supported; draw their steps in the process",
    "callActivity": "call activities are not supported; draw the called steps in the process",
    "boundaryEvent": "boundary events are not supported (a step's deadline comes from its hours)",
    "intermediateCatchEvent": "intermediate events are not supported",
    "intermediateThrowEvent": "intermediate events are not supported",
    "implicitThrowEvent": "intermediate events are not supported",
    "serviceTask": "automatic tasks are not supported (only user tasks done by officers)",
    "scriptTask": "automatic tasks are not supported (only user tasks done by officers)",
    "sendTask": "send tasks are not supported (only user tasks done by officers)",
    "receiveTask": "receive tasks are not supported (only user tasks done by officers)",
    "businessRuleTask": "business rule tasks are not supported (only user tasks done by officers)",
    "manualTask": "manual tasks are not supported; use a userTask",
}
IGNORED = {
    "documentation", "extensionElements", "textAnnotation", "association", "group",
    "dataObject", "dataObjectReference", "dataStoreReference", "property", "ioSpecification",
    "ioBinding", "auditing", "monitoring", "category", "supportedInterfaceRef",
    "correlationSubscription", "resourceRole", "performer", "potentialOwner",
}

_FIELD = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
_VALUE = r"-?\d+(?:\.\d+)?|true|false|'[^'\\]*'|\"[^\"\\]*\""
_CONDITION_RE = re.compile(
    rf"^\$\{{\s*(?P<field>{_FIELD})\s*(?:(?P<op>==|!=)\s*(?P<value>{_VALUE})\s*)?\}}$"
)
_NUM = r"(\d+(?:[.,]\d+)?)"
_DURATION_RE = re.compile(
    rf"^P(?:{_NUM}W)?(?:{_NUM}D)?(?:T(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?$"
)
_DURATION_TOKEN_RE = re.compile(r"(?<!\w)P[0-9WDTHMS.,]*[WDHMS](?!\w)")
_HOURS_RE = re.compile(r"^\d+(?:[.,]\d+)?$")


class BpmnError(definition.DefinitionError):
    """The file cannot be imported; `problems` lists every reason, naming the elements."""


@dataclass(eq=False)
class _Flow:
    id: str
    source: str
    target: str
    name: str
    condition: dict[str, Any] | None
    action: str | None
    bad_condition: bool = False  # reported; not taken for a default


@dataclass(eq=False)
class _Node:
    id: str
    kind: str
    name: str
    el: Element
    incoming: list[_Flow] = field(default_factory=list)
    outgoing: list[_Flow] = field(default_factory=list)
    # tasks only
    key: str = ""
    role: str = ""
    agency: str = ""
    hours: float = 0.0

    @property
    def refused(self) -> bool:
        return self.kind in REFUSED or self.kind not in NODES

    def __str__(self) -> str:
        label = f"{self.kind} {_short(self.id)!r}"
        return f'{label} ("{_short(self.name)}")' if self.name else label


@dataclass
class _Exit:
    """A way out of a task: the flows from the task to a task or an end event."""

    flows: list[_Flow]
    target: _Node
    condition: dict[str, Any] | None = None
    default: bool = True  # no condition decides it
    via_split: bool = False  # through an exclusive gateway with several outgoing flows


def bpmn_to_definition(xml: bytes | str, *, procedure: str, name: str | None = None
                       ) -> dict[str, Any]:
    """The Motcua definition dict for the BPMN 2.0 `xml`, or BpmnError with every problem."""
    root = _read(xml)
    process = _pick_process(root)
    return _Importer(process).run(procedure, name)


# --- reading ------------------------------------------------------------------------------------


def _read(xml: bytes | str) -> Element:
    data = xml.encode("utf-8") if isinstance(xml, str) else bytes(xml)
    if len(data) > MAX_BYTES:
        raise BpmnError([
            f"the file is {len(data) / 1024 / 1024:.1f} MB; at most {MAX_BYTES // 1024 // 1024} MB"
            " is accepted"
        ])
    if not data.strip():
        raise BpmnError(["the file is empty"])
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        if re.search(rb"<!ENTITY[^>]*\b(?:SYSTEM|PUBLIC)\b", data):
            what = "declares an external entity (<!ENTITY … SYSTEM …>)"
        elif b"<!ENTITY" in data:
            what = "declares entities (<!ENTITY …>), which can expand into a huge document"
        else:
            what = "has a document type declaration (<!DOCTYPE …>)"
        raise BpmnError([
            f"refused: the file {what}; BPMN files must not contain a DTD or entities"
        ]) from None
    except ParseError as exc:
        raise BpmnError([f"not a valid XML file ({exc})"]) from None
    ns, local = _split(root.tag)
    if ns != BPMN_NS or local != "definitions":
        where = f"namespace {ns}" if ns else "no namespace"
        raise BpmnError([
            f"not a BPMN 2.0 file: the root element is <{_short(local)}> in {_short(where)}; "
            f"expected <definitions> in namespace {BPMN_NS}"
        ])
    return root


def _pick_process(root: Element) -> Element:
    processes = root.findall(_q("process"))
    if not processes:
        raise BpmnError(["the file has no process"])
    if len(processes) == 1:
        return processes[0]
    ids = ", ".join(repr(_short(p.get("id", ""))) for p in processes)
    collaboration = root.find(_q("collaboration"))
    if collaboration is None:
        raise BpmnError([
            f"the file has {len(processes)} processes ({ids}); exactly one is supported "
            "(or pools of a collaboration, one of them executable)"
        ])
    by_id = {p.get("id"): p for p in processes}
    ordered = [by_id[ref] for participant in collaboration.findall(_q("participant"))
               if (ref := participant.get("processRef")) in by_id]
    ordered += [p for p in processes if p not in ordered]
    for process in ordered:
        if (process.get("isExecutable") or "").strip().lower() == "true":
            return process
    raise BpmnError([
        f"the collaboration has {len(processes)} processes ({ids}) and none is executable; "
        "mark the pool to import as executable"
    ])


# --- the process --------------------------------------------------------------------------------


class _Importer:
    def __init__(self, process: Element) -> None:
        self.process = process
        self.problems: list[str] = []
        self.nodes: dict[str, _Node] = {}
        self.flows: list[_Flow] = []
        self.lanes: dict[str, tuple[int, Element]] = {}  # node id -> (depth, innermost lane)
        self.work = 0

    def run(self, procedure: str, name: str | None) -> dict[str, Any]:
        self._collect()
        tasks = [n for n in self.nodes.values() if n.kind in TASKS]
        if not tasks:
            self.problems.append(
                f"process {_short(self.process.get('id', ''))!r} has no userTask "
                "(at least one task done by an officer is needed)"
            )
        for task in tasks:
            self._task(task)
        _assign_keys(tasks)
        steps = self._graph()
        if self.problems:
            raise BpmnError(self.problems)
        raw: dict[str, Any] = {
            "procedure": procedure,
            "name": name or _text(self.process.get("name")) or procedure,
            "steps": steps,
        }
        agency_kind = self.process.get(_m("agencyKind"))
        if agency_kind:
            raw["agency_kind"] = agency_kind
        try:
            definition.parse(raw)
        except definition.DefinitionError as exc:
            raise BpmnError([self._explain(p, tasks) for p in exc.problems]) from None
        return raw

    # elements

    def _collect(self) -> None:
        flows: list[Element] = []
        count = 0
        for child in self.process:
            ns, local = _split(child.tag)
            if ns != BPMN_NS or local in IGNORED:
                continue
            count += 1
            if count > MAX_ELEMENTS:
                raise BpmnError([
                    f"the process has more than {MAX_ELEMENTS} elements; it is too large"
                ])
            if local == "laneSet":
                self._lane_set(child, 0)
                continue
            element_id = child.get("id") or ""
            if not element_id:
                self.problems.append(f"a {local} has no id")
                continue
            if element_id in self.nodes or any(f.get("id") == element_id for f in flows):
                self.problems.append(f"the id {_short(element_id)!r} is used twice")
                continue
            if local == "sequenceFlow":
                flows.append(child)
                continue
            node = _Node(element_id, local, _text(child.get("name")), child)
            self.nodes[element_id] = node
            if local in REFUSED:
                self.problems.append(f"{node}: {REFUSED[local]}")
            elif local not in NODES:
                self.problems.append(f"{node}: this element is not supported")
            else:
                self._check_node(node)
        for el in flows:
            self._flow(el)

    def _check_node(self, node: _Node) -> None:
        children = [_split(c.tag)[1] for c in node.el if _split(c.tag)[0] == BPMN_NS]
        definitions = [c for c in children if c.endswith("EventDefinition")]
        if node.kind == "endEvent":
            definitions = [c for c in definitions if c != "terminateEventDefinition"]
        if definitions:
            self.problems.append(
                f"{node}: a {definitions[0]} is not supported (only a plain {node.kind})"
            )
        loops = [c for c in children if c.endswith("LoopCharacteristics")]
        if loops:
            self.problems.append(f"{node}: {loops[0]} (repeated tasks) is not supported")

    def _lane_set(self, lane_set: Element, depth: int) -> None:
        if depth > MAX_LANE_DEPTH:
            raise BpmnError([f"lanes are nested more than {MAX_LANE_DEPTH} deep"])
        for lane in lane_set.findall(_q("lane")):
            for ref in lane.findall(_q("flowNodeRef")):
                node_id = (ref.text or "").strip()
                if node_id and self.lanes.get(node_id, (-1, lane))[0] < depth:
                    self.lanes[node_id] = (depth, lane)
            for child in lane.findall(_q("childLaneSet")):
                self._lane_set(child, depth + 1)

    def _flow(self, el: Element) -> None:
        flow_id = el.get("id") or ""
        name = _text(el.get("name"))
        label = f"sequenceFlow {_short(flow_id)!r}"
        ok = True
        for attr in ("sourceRef", "targetRef"):
            ref = (el.get(attr) or "").strip()
            if ref not in self.nodes:
                what = f"{ref!r} is not an element of the process" if ref else "is missing"
                self.problems.append(f"{label}: {attr} {_short(what)}")
                ok = False
        condition = None
        expression = el.find(_q("conditionExpression"))
        if expression is not None:
            text = "".join(expression.itertext()).strip()
            condition = _condition(text)
            if condition is None:
                self.problems.append(
                    f"{label}: the condition {_short(text)!r} is not supported; use "
                    "${field == value}, ${field != value} or ${field} (field a dotted path, "
                    "value a number, true/false or a quoted string)"
                )
        action = el.get(_m("action"))
        if action is not None and action not in definition.ACTIONS:
            self.problems.append(
                f"{label}: motcua:action {_short(action)!r} is not one of "
                f"{', '.join(definition.ACTIONS)}"
            )
            action = None
        if action is None and name:
            action = FLOW_ACTIONS.get(_fold(name))
        if not ok:
            return
        flow = _Flow(flow_id, el.get("sourceRef", "").strip(), el.get("targetRef", "").strip(),
                     name, condition, action, expression is not None and condition is None)
        self.flows.append(flow)
        self.nodes[flow.source].outgoing.append(flow)
        self.nodes[flow.target].incoming.append(flow)

    def _task(self, task: _Node) -> None:
        if not task.name:
            self.problems.append(f"{task}: a name is required (it is the step's name)")
        lane = self.lanes.get(task.id, (0, None))[1]
        task.role = self._role(task, lane)
        agency = task.el.get(_m("agency")) or (lane.get(_m("agency")) if lane is not None else "")
        if not agency:
            agency = "receiving" if task.role == "one_stop_officer" else "competent"
        if not (agency in ("receiving", "competent") or agency in definition.AGENCY_KINDS
                or (agency.startswith("code:") and len(agency) > 5)):
            self.problems.append(
                f"{task}: motcua:agency {_short(agency)!r} must be receiving, competent, "
                f"an agency kind ({', '.join(definition.AGENCY_KINDS)}) or code:<agency code>"
            )
        task.agency = agency
        task.hours = self._hours(task)

    def _role(self, task: _Node, lane: Element | None) -> str:
        explicit = task.el.get(_m("role"))
        if explicit is None and lane is not None:
            explicit = lane.get(_m("role"))
        if explicit is not None:
            if explicit in PROCESS_ROLES:
                return explicit
            where = task if task.el.get(_m("role")) is not None else _lane_label(lane)
            self.problems.append(
                f"{where}: motcua:role {_short(explicit)!r} is not one of "
                f"{', '.join(PROCESS_ROLES)}"
            )
            return ""
        if lane is None:
            self.problems.append(
                f"{task}: the task is in no lane; put it in a lane named after the role that "
                "does it (or set motcua:role)"
            )
            return ""
        role = _role_from_name(_text(lane.get("name")))
        if not role:
            self.problems.append(
                f"{_lane_label(lane)}: the lane's name is not a Motcua role; name it "
                "one_stop_officer, specialist, head or leader (or Bộ phận một cửa, Chuyên viên, "
                "Trưởng phòng, Lãnh đạo), or set motcua:role"
            )
        return role

    def _hours(self, task: _Node) -> float:
        el = task.el
        hours = el.get(_m("hours"))
        if hours is not None:
            return self._hours_value(task, "motcua:hours", hours, number=True)
        for attr, value in el.attrib.items():
            if _split(attr)[1] == "dueDate":
                return self._hours_value(task, "dueDate", value, number=False)
        for ext in el.findall(_q("extensionElements")):
            for item in ext.iter():
                for attr, value in item.attrib.items():
                    if _split(attr)[1] == "dueDate":
                        return self._hours_value(task, "dueDate", value, number=False)
                if _split(item.tag)[1] == "property":
                    prop = _fold(item.get("name") or "").replace("motcua:", "")
                    if prop in ("hours", "duedate", "duration"):
                        return self._hours_value(task, f"property {prop}",
                                                 item.get("value") or "", number=prop == "hours")
        for doc in el.findall(_q("documentation")):
            for token in _DURATION_TOKEN_RE.findall("".join(doc.itertext())):
                found = _duration_hours(token)
                if found:
                    return found
        self.problems.append(
            f"{task}: no time allotment; set motcua:hours=\"4\" (namespace {MOTCUA_NS}) or a "
            "duration such as PT4H or P1D (camunda:dueDate, or in the documentation)"
        )
        return 0.0

    def _hours_value(self, task: _Node, source: str, value: str, *, number: bool) -> float:
        value = value.strip()
        hours = None
        if number and _HOURS_RE.match(value):
            hours = float(value.replace(",", "."))
        elif not number or value.startswith("P"):
            hours = _duration_hours(value)
        if hours is None or not 0 < hours <= 2000:
            expected = "a number of working hours" if number else "an ISO 8601 duration"
            self.problems.append(
                f"{task}: {source} {_short(value)!r} is not {expected} between 0 and 2000 hours"
                " (durations: PT4H, P1D = 8 working hours, P1W = 5 days)"
            )
            return 0.0
        return hours

    # the graph

    def _graph(self) -> list[dict[str, Any]]:
        starts = [n for n in self.nodes.values() if n.kind == "startEvent"]
        for node in self.nodes.values():
            self._check_degree(node)
        if not starts:
            self.problems.append("the process has no startEvent")
            return []
        if len(starts) > 1:
            self.problems.append(
                f"the process has {len(starts)} startEvents "
                f"({', '.join(repr(_short(s.id)) for s in starts)}); exactly one is supported"
            )
            return []
        start = starts[0]
        back, reached = self._depth_first(start)
        first = None
        if len(start.outgoing) == 1:
            exits = self._exits(start.outgoing[0], [], frozenset())
            if len(exits) == 1 and exits[0].target.kind in TASKS and not exits[0].via_split:
                first = exits[0].target
            elif exits:
                self.problems.append(
                    f"{start}: must lead to one task, the first step (not to a branching "
                    "gateway or an end)"
                )
        elif start.outgoing:
            self.problems.append(
                f"{start}: has {len(start.outgoing)} outgoing flows; exactly one is supported"
            )
        else:
            self.problems.append(f"{start}: has no outgoing flow")
        tasks = [self.nodes[i] for i in reached if self.nodes[i].kind in TASKS]
        for node in self.nodes.values():
            if node.kind in TASKS and node.id not in reached:
                self.problems.append(f"{node}: cannot be reached from the startEvent")
        if first is None:
            return []
        tasks.remove(first)
        tasks.insert(0, first)
        kinds = {t.id: [(self._action(t, e, back), e) for e in self._task_exits(t)]
                 for t in tasks}
        returns_result = {
            t.id for t in tasks if t.role == "one_stop_officer"
            and any(a == "finish" for a, _ in kinds[t.id])
            and not any(a in ("forward", "handover") for a, _ in kinds[t.id])
        }
        steps = []
        for task in tasks:
            actions: dict[str, list[_Exit]] = {}
            for action, e in kinds[task.id]:
                if action is None:
                    continue
                if (action == "forward" and not e.via_split and task.role != "one_stop_officer"
                        and e.target.id in returns_result):
                    action = "sign" if task.role == "leader" else "approve"
                actions.setdefault(action, []).append(e)
            steps.append({
                "key": task.key,
                "name": task.name,
                "role": task.role,
                "agency": task.agency,
                "hours": _number(task.hours),
                "actions": {a: self._targets(task, a, actions[a])
                            for a in definition.ACTIONS if a in actions},
            })
        return steps

    def _check_degree(self, node: _Node) -> None:
        if node.refused:
            return
        if node.kind == "startEvent" and node.incoming:
            self.problems.append(f"{node}: a start event cannot have incoming flows")
        if node.kind == "endEvent" and node.outgoing:
            self.problems.append(f"{node}: an end event cannot have outgoing flows")
        if node.kind in TASKS and not node.outgoing:
            self.problems.append(f"{node}: has no outgoing flow (every step needs an action)")
        if node.kind == GATEWAY:
            if not node.incoming:
                self.problems.append(
                    f"{node}: has no incoming flow"
                    + (" and a single outgoing flow" if len(node.outgoing) == 1 else "")
                )
            if not node.outgoing:
                self.problems.append(f"{node}: has no outgoing flow")
            default = node.el.get("default")
            if default and default not in {f.id for f in node.outgoing}:
                self.problems.append(
                    f"{node}: its default flow {_short(default)!r} is not one of its outgoing "
                    "flows"
                )
            if len(node.outgoing) == 1 and node.outgoing[0].condition is not None:
                self.problems.append(
                    f"sequenceFlow {_short(node.outgoing[0].id)!r}: the only flow out of "
                    f"{node} cannot have a condition"
                )
        for flow in node.outgoing:
            if flow.condition is not None and node.kind != GATEWAY:
                self.problems.append(
                    f"sequenceFlow {_short(flow.id)!r}: a condition is only supported on a flow "
                    f"leaving an exclusiveGateway (it leaves {node})"
                )

    def _depth_first(self, start: _Node) -> tuple[set[str], list[str]]:
        """Back-edge flow ids, and the nodes reached in pre-order (flows in document order)."""
        grey, done, back, order = {start.id}, set(), set(), [start.id]
        stack: list[tuple[_Node, Iterator[_Flow]]] = [(start, iter(start.outgoing))]
        while stack:
            node, flows = stack[-1]
            flow = next(flows, None)
            if flow is None:
                grey.discard(node.id)
                done.add(node.id)
                stack.pop()
                continue
            target = self.nodes[flow.target]  # refused nodes too: they are reported once
            if target.id in grey:
                back.add(flow.id)
            elif target.id not in done:
                grey.add(target.id)
                order.append(target.id)
                stack.append((target, iter(target.outgoing)))
        return back, order

    def _task_exits(self, task: _Node) -> list[_Exit]:
        return [e for flow in task.outgoing for e in self._exits(flow, [], frozenset())]

    def _exits(self, flow: _Flow, chain: list[_Flow], seen: frozenset[str]) -> list[_Exit]:
        target = self.nodes[flow.target]
        chain = [*chain, flow]
        self.work += 1
        if self.work > MAX_WORK or len(chain) > MAX_CHAIN:
            raise BpmnError([
                f"sequenceFlow {_short(flow.id)!r}: the gateways between the tasks are too many "
                "or too intricate to import"
            ])
        if target.refused:
            return []  # already reported
        if target.kind != GATEWAY:
            return [_Exit(chain, target)]
        if target.id in seen:
            self.problems.append(f"{target}: gateways form a loop with no task in it")
            return []
        seen = seen | {target.id}
        if len(target.outgoing) == 1:  # a merge: pass through
            return self._exits(target.outgoing[0], chain, seen)
        source = self.nodes[flow.source]
        if source.kind == GATEWAY and flow.condition is not None and flow.id != source.el.get(
                "default"):
            self.problems.append(
                f"sequenceFlow {_short(flow.id)!r}: a conditional flow into another branching "
                f"gateway ({target}) is not supported; combine the conditions in one gateway"
            )
            return []
        exits = []
        default = target.el.get("default")
        for out in target.outgoing:
            is_default = out.id == default or (out.condition is None and not out.bad_condition)
            for e in self._exits(out, chain, seen):
                if not e.via_split:  # decided at this gateway (not at a later one)
                    e.default, e.condition = is_default, None if is_default else out.condition
                e.via_split = True
                exits.append(e)
        return exits

    def _action(self, task: _Node, e: _Exit, back: set[str]) -> str | None:
        carrier = next((f for f in reversed(e.flows) if f.action), None)
        explicit = carrier.action if carrier else None
        target, flow = e.target, carrier or e.flows[0]
        to_end = target.kind == "endEvent"
        if explicit is None:
            if to_end:
                return {"one_stop_officer": "finish", "leader": "sign"}.get(task.role, "approve")
            return "return" if any(f.id in back for f in e.flows) else "forward"
        if explicit in definition.NO_TARGET and not to_end:
            self.problems.append(
                f"sequenceFlow {_short(flow.id)!r}: {explicit} ends the processing; the flow "
                f"must go to an endEvent, not to {target}"
            )
            return None
        if explicit in definition.MOVES and to_end:
            self.problems.append(
                f"sequenceFlow {_short(flow.id)!r}: {explicit} needs a task to go to, not {target}"
            )
            return None
        return explicit

    def _targets(self, task: _Node, action: str, exits: list[_Exit]) -> Any:
        def key(e: _Exit) -> str | None:
            if e.target.kind not in TASKS or action in definition.NO_TARGET:
                return None
            if action == "request_supplement" and e.target is task:
                return None  # waits for the applicant, then resumes here
            return e.target.key

        targets = list(dict.fromkeys(key(e) for e in exits))
        if len(targets) == 1:
            return targets[0]
        defaults = [e for e in exits if e.default]
        flows = ", ".join(repr(_short(e.flows[-1].id)) for e in defaults or exits)
        if len(defaults) != 1:
            self.problems.append(
                f"{task}: its {action} flows lead to {len(targets)} different steps, so all but "
                "one need a condition and one must be the default (the gateway's default flow, "
                f"or the one without a condition); {len(defaults)} default flows ({flows})"
            )
            return targets[0]
        branches: list[dict[str, Any]] = [
            {"to": key(e), "when": e.condition} for e in exits if not e.default
        ]
        branches.append({"to": key(defaults[0])})
        return branches

    def _explain(self, problem: str, tasks: list[_Node]) -> str:
        for task in tasks:
            prefix = f"step {task.key}:"
            if problem.startswith(prefix):
                return f"{task} (step {task.key}):{problem[len(prefix):]}"
        return problem


# --- helpers ------------------------------------------------------------------------------------


def _q(local: str) -> str:
    return f"{{{BPMN_NS}}}{local}"


def _m(local: str) -> str:
    return f"{{{MOTCUA_NS}}}{local}"


def _split(tag: Any) -> tuple[str, str]:
    if not isinstance(tag, str):  # comments, processing instructions
        return "", ""
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def _text(value: str | None) -> str:
    return " ".join((value or "").split())


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[-_]+", " ", fold(text)).split())


def _lane_label(lane: Element | None) -> str:
    if lane is None:
        return "lane"
    name = _text(lane.get("name"))
    label = f"lane {_short(lane.get('id', ''))!r}"
    return f'{label} ("{_short(name)}")' if name else label


def _role_from_name(name: str) -> str:
    folded = _fold(name)
    for alias in sorted(ROLE_NAMES, key=len, reverse=True):
        if folded == alias or folded.startswith(alias + " "):
            return ROLE_NAMES[alias]
    return ""


def _condition(text: str) -> dict[str, Any] | None:
    match = _CONDITION_RE.match(text)
    if match is None:
        return None
    path, op, raw = match.group("field", "op", "value")
    if op is None:
        return {"field": path, "exists": True}
    value: Any
    if raw in ("true", "false"):
        value = raw == "true"
    elif raw[0] in "'\"":
        value = raw[1:-1]
    elif "." in raw:
        value = float(raw)
    else:
        value = int(raw)
    return {"field": path, "equals" if op == "==" else "not_equals": value}


def _duration_hours(text: str) -> float | None:
    """Working hours in an ISO 8601 duration (P1D = one working day, 8 h by default; P1W = 5
    days); None if not one."""
    match = _DURATION_RE.match(text.strip())
    if match is None or text.strip() in ("P", "PT") or text.strip().endswith("T"):
        return None
    weeks, days, hours, minutes, seconds = (
        float(g.replace(",", ".")) if g else 0.0 for g in match.groups()
    )
    total = ((weeks * DAYS_PER_WEEK + days) * working_day_hours() + hours + minutes / 60
             + seconds / 3600)
    return round(total, 2) or None


def _number(hours: float) -> int | float:
    return int(hours) if float(hours).is_integer() else hours


def _assign_keys(tasks: list[_Node]) -> None:
    used: set[str] = set()
    for task in tasks:
        base = re.sub(r"[^a-z0-9]+", "_", fold(task.id)).strip("_")
        if not base or not base[0].isalpha():
            base = f"step_{base}".rstrip("_")
        base = base[:40].rstrip("_")
        key, n = base, 1
        while key in used:
            n += 1
            suffix = f"_{n}"
            key = base[: 40 - len(suffix)].rstrip("_") + suffix
        used.add(key)
        task.key = key
