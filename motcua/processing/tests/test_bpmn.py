import time
from pathlib import Path

import pytest

from motcua.processing import definition
from motcua.processing.bpmn import MAX_BYTES, BpmnError, bpmn_to_definition

SAMPLES = Path(__file__).parent / "bpmn"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def problems_of(xml, **kwargs) -> list[str]:
    with pytest.raises(BpmnError) as error:
        bpmn_to_definition(xml, procedure=kwargs.pop("procedure", "1.000001"), **kwargs)
    assert isinstance(error.value, ValueError)
    return error.value.problems


# --- a small builder for variations ----------------------------------------------------------


def task(id, name="Bước", hours="2", kind="userTask", **attrs):
    attributes = "".join(f' {k.replace("__", ":")}="{v}"' for k, v in attrs.items())
    hours_attr = f' motcua:hours="{hours}"' if hours is not None else ""
    name_attr = f' name="{name}"' if name is not None else ""
    return f'<bpmn:{kind} id="{id}"{name_attr}{hours_attr}{attributes} />'


def flow(id, source, target, name=None, condition=None, **attrs):
    attributes = "".join(f' {k.replace("__", ":")}="{v}"' for k, v in attrs.items())
    name_attr = f' name="{name}"' if name else ""
    head = f'<bpmn:sequenceFlow id="{id}" sourceRef="{source}" targetRef="{target}"{name_attr}'
    if condition is None:
        return f"{head}{attributes} />"
    return (f'{head}{attributes}><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">'
            f"{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>")


def lane(id, name, *refs, **attrs):
    attributes = "".join(f' {k.replace("__", ":")}="{v}"' for k, v in attrs.items())
    inner = "".join(f"<bpmn:flowNodeRef>{r}</bpmn:flowNodeRef>" for r in refs)
    return f'<bpmn:lane id="{id}" name="{name}"{attributes}>{inner}</bpmn:lane>'


def bpmn(*elements, lanes=None, process_attrs="", extra="") -> bytes:
    lane_set = f'<bpmn:laneSet id="LaneSet_1">{"".join(lanes)}</bpmn:laneSet>' if lanes else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    xmlns:motcua="https://motcua.vn/bpmn" id="Definitions_1" targetNamespace="http://bpmn.io">
  <bpmn:process id="Process_1" name="Thủ tục thử" isExecutable="true"{process_attrs}>
    {lane_set}
    {"".join(elements)}
  </bpmn:process>
  {extra}
</bpmn:definitions>""".encode()


START = '<bpmn:startEvent id="Start" />'
END = '<bpmn:endEvent id="End" />'
LANES = [
    lane("Lane_A", "Bộ phận một cửa", "receive", "give_back"),
    lane("Lane_B", "Chuyên viên", "check", "verify", "G", "G2"),
    lane("Lane_C", "Lãnh đạo", "sign"),
]


def linear(*extra, lanes=LANES, check_flows=None, **kwargs) -> bytes:
    """start -> receive -> check -> give_back -> end, with `extra` elements."""
    check_flows = check_flows if check_flows is not None else [flow("F3", "check", "give_back")]
    return bpmn(
        START, END,
        task("receive", "Tiếp nhận"), task("check", "Thẩm định"), task("give_back", "Trả kết quả"),
        flow("F1", "Start", "receive"), flow("F2", "receive", "check"), *check_flows,
        flow("F4", "give_back", "End"), *extra, lanes=lanes, **kwargs,
    )


def steps_of(xml: bytes) -> dict[str, dict]:
    return {s["key"]: s for s in bpmn_to_definition(xml, procedure="1.000001")["steps"]}


# --- the valid samples -------------------------------------------------------------------------


def test_birth_registration_with_two_lanes_a_gateway_and_a_return():
    result = bpmn_to_definition(sample("birth_registration.bpmn"), procedure="1.001193")
    assert result == {
        "procedure": "1.001193",
        "name": "Đăng ký khai sinh",  # the executable pool's process, not the applicant's
        "steps": [
            {"key": "receive", "name": "Tiếp nhận hồ sơ", "role": "one_stop_officer",
             "agency": "receiving", "hours": 2, "actions": {"forward": "check"}},
            {"key": "check", "name": "Thẩm định hồ sơ", "role": "specialist",
             "agency": "competent", "hours": 4, "actions": {
                 "forward": [
                     {"to": "verify",
                      "when": {"field": "form_data.late_registration", "equals": True}},
                     {"to": "draft"},
                 ],
                 "return": "receive",
                 "request_supplement": None,
             }},
            # P1D in the documentation: one working day
            {"key": "verify", "name": "Xác minh thông tin", "role": "specialist",
             "agency": "competent", "hours": 8, "actions": {"forward": "draft", "refuse": None}},
            # a specialist's flow to the one-stop step that returns the result approves it
            {"key": "draft", "name": "Hoàn thiện kết quả", "role": "specialist",
             "agency": "competent", "hours": 4, "actions": {"approve": "give_back"}},
            # PT1H in a camunda:property
            {"key": "give_back", "name": "Trả kết quả", "role": "one_stop_officer",
             "agency": "receiving", "hours": 1, "actions": {"finish": None}},
        ],
    }
    process = definition.parse(result, budget_hours=definition.budget_hours(3, "working_days", 8))
    assert process.start.key == "receive"
    assert process.total_hours == 19
    check = process.step("check")
    assert check.next_step("forward", {"form_data": {"late_registration": True}}) == "verify"
    assert check.next_step("forward", {"form_data": {}}) == "draft"


def test_default_namespace_with_camunda_extensions():
    result = bpmn_to_definition(sample("business_household.bpmn"), procedure="2.000720",
                                name="Đăng ký hộ kinh doanh")
    assert result["name"] == "Đăng ký hộ kinh doanh"
    assert result["steps"] == [
        {"key": "activity_receive", "name": "Receive the application",
         "role": "one_stop_officer", "agency": "receiving", "hours": 4,  # camunda:dueDate PT4H
         "actions": {"forward": "activity_review"}},
        {"key": "activity_review", "name": "Review the application", "role": "specialist",
         "agency": "competent", "hours": 8,  # camunda:property dueDate P1D
         "actions": {"forward": [
             {"to": "activity_inspect",
              "when": {"field": "form_data.business_line", "equals": "food"}},
             {"to": "activity_lease", "when": {"field": "form_data.lease_contract",
                                               "exists": True}},
             {"to": "activity_sign"},  # the gateway's default, through the merge gateway
         ]}},
        {"key": "activity_inspect", "name": "Inspect food safety", "role": "specialist",
         "agency": "competent", "hours": 12,  # plain task, P1DT4H
         "actions": {"forward": "activity_sign"}},
        {"key": "activity_sign", "name": "Sign the certificate", "role": "leader",
         "agency": "competent", "hours": 2,
         "actions": {"return": "activity_review", "handover": "activity_tax",
                     "sign": "activity_giveback"}},
        {"key": "activity_tax", "name": "Register with the tax office", "role": "specialist",
         "agency": "sector", "hours": 4, "actions": {"approve": "activity_giveback"}},
        {"key": "activity_giveback", "name": "Return the result", "role": "one_stop_officer",
         "agency": "receiving", "hours": 1, "actions": {"finish": None}},
        {"key": "activity_lease", "name": "Check the lease contract", "role": "specialist",
         "agency": "competent", "hours": 2, "actions": {"forward": "activity_sign"}},
    ]
    process = definition.parse(result)
    assert process.total_hours == 4 + 8 + 12 + 2 + 4 + 1


# --- the invalid samples -----------------------------------------------------------------------


@pytest.mark.parametrize("name,expected", [
    ("parallel_gateway.bpmn", ["parallelGateway 'Gateway_Split'",
                               "parallelGateway 'Gateway_Join'"]),
    ("subprocess.bpmn", ["subProcess 'SubProcess_Verify'"]),
    ("missing_lane.bpmn", ["userTask 'Activity_Orphan'", "in no lane"]),
    ("bad_condition.bpmn", ["sequenceFlow 'Flow_Adult'", "${form_data.age > 18}",
                            "sequenceFlow 'Flow_Student'"]),
    ("not_xml.bpmn", ["not a valid XML file"]),
    ("not_bpmn.xml", ["not a BPMN 2.0 file", "<mxfile>"]),
])
def test_invalid_samples_name_the_offending_element(name, expected):
    problems = problems_of(sample(name))
    message = "; ".join(problems)
    for text in expected:
        assert text in message
    # only the real problems, not their consequences (e.g. "cannot be reached")
    assert "cannot be reached" not in message


def test_a_billion_laughs_is_refused_without_expanding():
    began = time.perf_counter()
    problems = problems_of(sample("billion_laughs.bpmn"))
    assert time.perf_counter() - began < 1
    assert problems == [
        "refused: the file declares entities (<!ENTITY …>), which can expand into a huge "
        "document; BPMN files must not contain a DTD or entities"
    ]


def test_an_external_entity_is_refused_without_reading_it(tmp_path):
    problems = problems_of(sample("external_entity.bpmn"))
    assert "external entity" in problems[0]
    assert "root:" not in problems[0]
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-42")
    xml = sample("external_entity.bpmn").replace(b"file:///etc/passwd",
                                                 secret.as_uri().encode())
    problems = problems_of(xml)
    assert "external entity" in problems[0]
    assert "TOP-SECRET-42" not in " ".join(problems)


def test_a_dtd_without_entities_is_refused_too():
    xml = linear().replace(b"<bpmn:definitions", b"<!DOCTYPE x>\n<bpmn:definitions", 1)
    assert "document type declaration" in problems_of(xml)[0]


def test_a_file_over_2_mb_is_refused_unread():
    padding = "<!-- " + "x" * MAX_BYTES + " -->"
    xml = linear(extra=padding)
    assert len(xml) > MAX_BYTES
    assert problems_of(xml) == ["the file is 2.0 MB; at most 2 MB is accepted"]
    assert bpmn_to_definition(linear(extra="<!-- small -->"), procedure="1.000001")


def test_empty_and_processless_files():
    assert problems_of(b"  ") == ["the file is empty"]
    empty = (b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" '
             b'targetNamespace="x" />')
    assert problems_of(empty) == ["the file has no process"]


# --- mapping -----------------------------------------------------------------------------------


def test_the_minimal_process_and_its_defaults():
    result = bpmn_to_definition(linear(), procedure="1.000001")
    assert result == {
        "procedure": "1.000001", "name": "Thủ tục thử",
        "steps": [
            {"key": "receive", "name": "Tiếp nhận", "role": "one_stop_officer",
             "agency": "receiving", "hours": 2, "actions": {"forward": "check"}},
            {"key": "check", "name": "Thẩm định", "role": "specialist", "agency": "competent",
             "hours": 2, "actions": {"approve": "give_back"}},
            {"key": "give_back", "name": "Trả kết quả", "role": "one_stop_officer",
             "agency": "receiving", "hours": 2, "actions": {"finish": None}},
        ],
    }
    assert bpmn_to_definition(linear().decode(), procedure="1.000001") == result  # str too


@pytest.mark.parametrize("lane_name,role", [
    ("one_stop_officer", "one_stop_officer"),
    ("Bộ phận Một cửa", "one_stop_officer"),
    ("CÁN BỘ MỘT CỬA", "one_stop_officer"),
    ("One-stop officer", "one_stop_officer"),
    ("Chuyen vien", "specialist"),
    ("Chuyên viên phòng Tư pháp", "specialist"),
    ("specialist", "specialist"),
    ("Trưởng phòng", "head"),
    ("Lãnh đạo phòng Kinh tế", "head"),
    ("Head", "head"),
    ("lãnh đạo", "leader"),
    ("Lãnh đạo UBND xã", "leader"),
    ("LEADER", "leader"),
])
def test_lane_names_map_to_roles(lane_name, role):
    lanes = [lane("A", "Bộ phận một cửa", "receive", "give_back"), lane("B", lane_name, "check")]
    assert steps_of(linear(lanes=lanes))["check"]["role"] == role


def test_unknown_lane_names_and_roles_are_refused():
    lanes = [lane("A", "Bộ phận một cửa", "receive", "give_back"), lane("Lane_Kt", "Kế toán",
                                                                         "check")]
    assert any("lane 'Lane_Kt' (\"Kế toán\")" in p and "not a Motcua role" in p
               for p in problems_of(linear(lanes=lanes)))
    lanes[1] = lane("Lane_Kt", "Kế toán", "check", motcua__role="janitor")
    assert any("motcua:role 'janitor'" in p for p in problems_of(linear(lanes=lanes)))


def test_motcua_role_and_agency_on_the_lane_or_the_task():
    lanes = [lane("A", "Bộ phận một cửa", "receive", "give_back"),
             lane("B", "Phòng Tài chính", "check", motcua__role="head",
                  motcua__agency="department")]
    steps = steps_of(linear(lanes=lanes))
    assert (steps["check"]["role"], steps["check"]["agency"]) == ("head", "department")
    xml = linear(lanes=[lane("A", "Bộ phận một cửa", "receive", "give_back")]).replace(
        b'id="check"', b'id="check" motcua:role="leader" motcua:agency="code:H01.01"')
    steps = steps_of(xml)
    assert (steps["check"]["role"], steps["check"]["agency"]) == ("leader", "code:H01.01")
    assert steps["check"]["actions"] == {"sign": "give_back"}


def test_nested_lanes_take_the_innermost_name():
    nested = (
        '<bpmn:lane id="Agency" name="Phòng Tư pháp"><bpmn:flowNodeRef>check</bpmn:flowNodeRef>'
        '<bpmn:childLaneSet id="Inner">'
        + lane("Inner_B", "Chuyên viên", "check") + "</bpmn:childLaneSet></bpmn:lane>"
    )
    lanes = [lane("A", "Bộ phận một cửa", "receive", "give_back"), nested]
    assert steps_of(linear(lanes=lanes))["check"]["role"] == "specialist"


@pytest.mark.parametrize("attrs,hours", [
    ({"hours": "4"}, 4),
    ({"hours": "2.5"}, 2.5),
    ({"hours": None, "camunda__dueDate": "PT4H"}, 4),
    ({"hours": None, "camunda__dueDate": "P1D"}, 8),
    ({"hours": None, "camunda__dueDate": "P2DT4H"}, 20),
    ({"hours": None, "camunda__dueDate": "PT30M"}, 0.5),
    ({"hours": None, "camunda__dueDate": "P1W"}, 40),
    ({"hours": "3", "camunda__dueDate": "P1D"}, 3),  # motcua:hours wins
])
def test_time_allotments(attrs, hours):
    xml = linear().replace(task("check", "Thẩm định").encode(),
                           task("check", "Thẩm định", **attrs).encode())
    assert steps_of(xml)["check"]["hours"] == hours


def test_time_allotment_in_extension_elements_and_documentation():
    zeebe = ('<bpmn:userTask id="check" name="Thẩm định"><bpmn:extensionElements>'
             '<zeebe:taskSchedule xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" '
             'dueDate="P1DT2H" /></bpmn:extensionElements></bpmn:userTask>')
    xml = linear().replace(task("check", "Thẩm định").encode(), zeebe.encode())
    assert steps_of(xml)["check"]["hours"] == 10
    documented = ('<bpmn:userTask id="check" name="Thẩm định"><bpmn:documentation>Thời hạn '
                  'giải quyết: PT6H (theo quy chế).</bpmn:documentation></bpmn:userTask>')
    xml = linear().replace(task("check", "Thẩm định").encode(), documented.encode())
    assert steps_of(xml)["check"]["hours"] == 6


@pytest.mark.parametrize("attrs,message", [
    ({"hours": "abc"}, "motcua:hours 'abc' is not a number of working hours"),
    ({"hours": "0"}, "motcua:hours '0' is not a number"),
    ({"hours": None, "camunda__dueDate": "P1M"}, "dueDate 'P1M' is not an ISO 8601 duration"),
    ({"hours": None, "camunda__dueDate": "${dateTime().plusDays(1)}"}, "is not an ISO 8601"),
    ({"hours": None}, "no time allotment"),
    ({"motcua__agency": "mars"}, "motcua:agency 'mars' must be"),
])
def test_bad_allotments_and_agencies_name_the_task(attrs, message):
    xml = linear().replace(task("check", "Thẩm định").encode(),
                           task("check", "Thẩm định", **attrs).encode())
    problems = problems_of(xml)
    assert len(problems) == 1
    assert problems[0].startswith("userTask 'check' (\"Thẩm định\"): ")
    assert message in problems[0]


@pytest.mark.parametrize("lane_name,to_end,to_give_back", [
    ("Chuyên viên", {"approve": None}, {"approve": "give_back"}),
    ("Trưởng phòng", {"approve": None}, {"approve": "give_back"}),
    ("Lãnh đạo", {"sign": None}, {"sign": "give_back"}),
    ("Bộ phận một cửa", {"finish": None}, {"forward": "give_back"}),
])
def test_end_actions_follow_the_role(lane_name, to_end, to_give_back):
    lanes = [lane("A", "Bộ phận một cửa", "receive", "give_back"), lane("B", lane_name, "check")]
    assert steps_of(linear(lanes=lanes))["check"]["actions"] == to_give_back
    direct = bpmn(START, END, task("receive", "Tiếp nhận"), task("check", "Thẩm định"),
                  flow("F1", "Start", "receive"), flow("F2", "receive", "check"),
                  flow("F3", "check", "End"), lanes=lanes)
    assert steps_of(direct)["check"]["actions"] == to_end


def test_named_flows_take_motcua_actions():
    flows = [
        flow("F3", "check", "give_back"),
        flow("F_sup", "check", "check", name="Yêu cầu bổ sung"),
        flow("F_ref", "check", "End2", name="TỪ CHỐI"),
        flow("F_back", "check", "receive", name="Trả lại"),
    ]
    xml = linear('<bpmn:endEvent id="End2" />', check_flows=flows)
    assert steps_of(xml)["check"]["actions"] == {
        "return": "receive", "request_supplement": None, "refuse": None, "approve": "give_back",
    }


def test_motcua_action_attribute_and_handover():
    lanes = [*LANES[:2], lane("Lane_T", "Chuyên viên", "tax", motcua__agency="sector")]
    flows = [flow("F3", "check", "give_back"),
             flow("F_tax", "check", "tax", name="Chuyển thuế", motcua__action="handover"),
             flow("F_sup", "check", "End2", motcua__action="request_supplement")]
    xml = linear('<bpmn:endEvent id="End2" />', task("tax", "Đăng ký thuế", hours="4"),
                 flow("F5", "tax", "give_back"), check_flows=flows, lanes=lanes)
    steps = steps_of(xml)
    assert steps["check"]["actions"] == {
        "handover": "tax", "request_supplement": None, "approve": "give_back"}
    assert steps["tax"]["agency"] == "sector"


@pytest.mark.parametrize("flows,message", [
    ([flow("F3", "check", "give_back"), flow("F_r", "check", "receive", name="Từ chối")],
     "sequenceFlow 'F_r': refuse ends the processing; the flow must go to an endEvent"),
    ([flow("F3", "check", "give_back"), flow("F_h", "check", "End", motcua__action="handover")],
     "sequenceFlow 'F_h': handover needs a task to go to"),
    ([flow("F3", "check", "give_back", motcua__action="teleport")],
     "sequenceFlow 'F3': motcua:action 'teleport' is not one of"),
])
def test_misused_actions_name_the_flow(flows, message):
    assert any(message in p for p in problems_of(linear(check_flows=flows)))


def test_gateway_conditions():
    flows = [
        flow("F3", "check", "G"),
        flow("G_a", "G", "verify", condition="${form_data.kind != 'online'}"),
        flow("G_b", "G", "verify", condition="${ form_data.count == 3 }"),
        flow("G_c", "G", "sign", condition='${form_data.urgent == false}'),
        flow("G_d", "G", "give_back", condition="${form_data.ignored}"),  # the default
    ]
    xml = linear(
        '<bpmn:exclusiveGateway id="G" default="G_d" />',
        task("verify", "Xác minh"), task("sign", "Ký"),
        flow("F5", "verify", "give_back"), flow("F6", "sign", "give_back"), check_flows=flows)
    steps = steps_of(xml)
    assert steps["check"]["actions"] == {"forward": [
        {"to": "verify", "when": {"field": "form_data.kind", "not_equals": "online"}},
        {"to": "verify", "when": {"field": "form_data.count", "equals": 3}},
        {"to": "sign", "when": {"field": "form_data.urgent", "equals": False}},
        {"to": "give_back"},
    ]}
    assert steps["sign"]["actions"] == {"sign": "give_back"}


def test_chained_gateways_are_flattened_and_a_review_gateway_returns():
    flows = [
        flow("F3", "check", "G"),
        flow("G_a", "G", "verify", condition="${form_data.a}"),
        flow("G_next", "G", "G2"),  # the default flow leads to a second decision
        flow("G2_b", "G2", "sign", condition="${form_data.b == 1.5}"),
        flow("G2_c", "G2", "give_back"),
        flow("G_back", "G", "receive", condition="${valid == false}"),
    ]
    xml = linear(
        '<bpmn:exclusiveGateway id="G" default="G_next" />', '<bpmn:exclusiveGateway id="G2" />',
        task("verify", "Xác minh"), task("sign", "Ký"),
        flow("F5", "verify", "give_back"), flow("F6", "sign", "give_back"), check_flows=flows)
    assert steps_of(xml)["check"]["actions"] == {
        "forward": [
            {"to": "verify", "when": {"field": "form_data.a", "exists": True}},
            {"to": "sign", "when": {"field": "form_data.b", "equals": 1.5}},
            {"to": "give_back"},
        ],
        # a branch back to an earlier task is the officer's return (its condition is theirs)
        "return": "receive",
    }


def test_a_decision_gateway_without_conditions():
    flows = [flow("F3", "check", "G"), flow("G_ok", "G", "give_back", name="Đạt"),
             flow("G_ko", "G", "receive", name="Không đạt")]
    xml = linear('<bpmn:exclusiveGateway id="G" />', check_flows=flows)
    assert steps_of(xml)["check"]["actions"] == {"forward": "give_back", "return": "receive"}


def test_keys_are_normalised_and_unique():
    lanes = [lane("A", "Bộ phận một cửa", "Nhận-Hồ-Sơ", "2nd", "give_back"),
             lane("B", "Chuyên viên", "Check.Task", "check_task", "X" * 60)]
    xml = bpmn(
        START, END, task("Nhận-Hồ-Sơ", "Tiếp nhận"), task("Check.Task", "Thẩm định"),
        task("check_task", "Thẩm định lại"), task("X" * 60, "Dài"), task("2nd", "Số"),
        task("give_back", "Trả"),
        flow("F1", "Start", "Nhận-Hồ-Sơ"), flow("F2", "Nhận-Hồ-Sơ", "Check.Task"),
        flow("F3", "Check.Task", "check_task"), flow("F4", "check_task", "X" * 60),
        flow("F5", "X" * 60, "2nd"), flow("F6", "2nd", "give_back"), flow("F7", "give_back", "End"),
        lanes=lanes,
    )
    keys = [s["key"] for s in bpmn_to_definition(xml, procedure="1.000001")["steps"]]
    assert keys == ["nhan_ho_so", "check_task", "check_task_2", "x" * 40, "step_2nd", "give_back"]


def test_process_options():
    xml = linear(process_attrs=' motcua:agencyKind="commune_pc"')
    result = bpmn_to_definition(xml, procedure="1.000001", name="Tên khác")
    assert (result["name"], result["agency_kind"]) == ("Tên khác", "commune_pc")


def test_the_first_executable_pool_of_a_collaboration():
    collaboration = (
        '<bpmn:collaboration id="C"><bpmn:participant id="P0" name="Dân" />'
        '<bpmn:participant id="P1" processRef="Other" />'
        '<bpmn:participant id="P2" processRef="Process_1" /></bpmn:collaboration>'
        '<bpmn:process id="Other" isExecutable="false" />'
    )
    xml = linear(extra=collaboration)
    assert steps_of(xml)["receive"]["actions"] == {"forward": "check"}
    none_executable = xml.replace(b'isExecutable="true"', b'isExecutable="false"')
    assert "none is executable" in problems_of(none_executable)[0]
    no_collaboration = linear(extra='<bpmn:process id="Other" isExecutable="true" />')
    assert "the file has 2 processes ('Process_1', 'Other'); exactly one is supported" in (
        problems_of(no_collaboration)[0])


# --- refused elements and structures ------------------------------------------------------------


@pytest.mark.parametrize("kind", [
    "serviceTask", "scriptTask", "sendTask", "receiveTask", "manualTask", "businessRuleTask",
    "inclusiveGateway", "eventBasedGateway", "complexGateway", "callActivity",
    "intermediateCatchEvent", "intermediateThrowEvent", "transaction",
])
def test_elements_outside_the_subset_are_refused(kind):
    flows = [flow("F3", "check", "Odd"), flow("F3b", "Odd", "give_back")]
    problems = problems_of(linear(f'<bpmn:{kind} id="Odd" name="Lạ" />', check_flows=flows))
    assert len(problems) == 1
    assert problems[0].startswith(f"{kind} 'Odd' (\"Lạ\"): ")
    assert "not supported" in problems[0]


def test_boundary_events_and_typed_events_are_refused():
    boundary = ('<bpmn:boundaryEvent id="Timer" attachedToRef="check"><bpmn:timerEventDefinition '
                'id="T1" /></bpmn:boundaryEvent>')
    assert problems_of(linear(boundary))[0].startswith("boundaryEvent 'Timer': ")
    timer_start = linear().replace(
        START.encode(), b'<bpmn:startEvent id="Start"><bpmn:timerEventDefinition id="T" />'
                        b"</bpmn:startEvent>")
    assert problems_of(timer_start) == [
        "startEvent 'Start': a timerEventDefinition is not supported (only a plain startEvent)"]
    loop = linear().replace(
        task("check", "Thẩm định").encode(),
        b'<bpmn:userTask id="check" name="T" motcua:hours="1">'
        b'<bpmn:multiInstanceLoopCharacteristics /></bpmn:userTask>')
    assert "multiInstanceLoopCharacteristics" in problems_of(loop)[0]


def test_structural_problems_are_all_reported():
    xml = bpmn(
        START, '<bpmn:startEvent id="Start2" />', END,
        task("receive", "Tiếp nhận"), task("check", None),
        '<bpmn:exclusiveGateway id="G" />',
        flow("F1", "Start", "receive"), flow("F2", "receive", "check"),
        flow("F3", "check", "End"), flow("F_g", "G", "check"),
        flow("F_x", "check", "Nowhere"), flow("F_y", "Ghost", "End"),
        lanes=LANES,
    )
    problems = problems_of(xml)
    assert "userTask 'check': a name is required (it is the step's name)" in problems
    assert "sequenceFlow 'F_x': targetRef 'Nowhere' is not an element of the process" in problems
    assert "sequenceFlow 'F_y': sourceRef 'Ghost' is not an element of the process" in problems
    assert ("exclusiveGateway 'G': has no incoming flow and a single outgoing flow"
            in problems)
    assert ("the process has 2 startEvents ('Start', 'Start2'); exactly one is supported"
            in problems)


def test_no_start_no_task_and_unreachable_tasks():
    assert problems_of(bpmn(START, END, flow("F1", "Start", "End"))) == [
        "process 'Process_1' has no userTask (at least one task done by an officer is needed)",
        "startEvent 'Start': must lead to one task, the first step (not to a branching gateway "
        "or an end)",
    ]
    no_start = linear().replace(START.encode(), b"").replace(
        flow("F1", "Start", "receive").encode(), b"")
    assert "the process has no startEvent" in problems_of(no_start)
    island = linear(task("verify", "Xác minh"), flow("F9", "verify", "give_back"))
    assert problems_of(island) == [
        "userTask 'verify' (\"Xác minh\"): cannot be reached from the startEvent"]


@pytest.mark.parametrize("flows,message", [
    ([flow("F3", "check", "give_back", condition="${form_data.x}")],
     "sequenceFlow 'F3': a condition is only supported on a flow leaving an exclusiveGateway"),
    ([flow("F3", "check", "G"), flow("G_a", "G", "give_back"), flow("G_b", "G", "verify")],
     "userTask 'check' (\"Thẩm định\"): its forward flows lead to 2 different steps"),
    ([flow("F3", "check", "G"), flow("G_a", "G", "give_back", condition="${a}"),
      flow("G_b", "G", "G2", condition="${b}"), flow("G2_a", "G2", "verify", condition="${c}"),
      flow("G2_b", "G2", "give_back")],
     "sequenceFlow 'G_b': a conditional flow into another branching gateway"),
    ([flow("F3", "check", "G"), flow("G_a", "G", "give_back", condition="${a}")],
     "sequenceFlow 'G_a': the only flow out of exclusiveGateway 'G' cannot have a condition"),
    ([flow("F3", "check", "G"), flow("G_a", "G", "give_back"), flow("G_b", "G", "verify")],
     "2 default flows ('G_a', 'G_b')"),
])
def test_gateway_problems(flows, message):
    xml = linear('<bpmn:exclusiveGateway id="G" />', '<bpmn:exclusiveGateway id="G2" />',
                 task("verify", "Xác minh"), flow("F5", "verify", "give_back"), check_flows=flows)
    assert any(message in p for p in problems_of(xml)), problems_of(xml)


def test_definition_problems_are_reported_with_the_task():
    # check -> receive is a back edge (return) and nothing ends the process
    xml = bpmn(START, task("receive", "Tiếp nhận"), task("check", "Thẩm định"),
               flow("F1", "Start", "receive"), flow("F2", "receive", "check"),
               flow("F3", "check", "receive"), lanes=LANES)
    problems = problems_of(xml)
    assert ("userTask 'check' (\"Thẩm định\") (step check): no way from here to an end "
            "(approve, sign, finish)") in problems
    assert problems_of(linear(), procedure="") == ["procedure: the national code is required"]
    forward_loop = linear(check_flows=[flow("F3", "check", "give_back"),
                                       flow("F_f", "check", "receive", motcua__action="forward")])
    assert any("form a loop" in p for p in problems_of(forward_loop))


def test_bpmn_error_is_a_definition_error():
    with pytest.raises(definition.DefinitionError):
        bpmn_to_definition(b"<nope/>", procedure="1.000001")


def test_oversized_or_intricate_graphs_are_refused_quickly():
    began = time.perf_counter()
    many = [task(f"t{i}", "T") for i in range(1001)]
    assert problems_of(bpmn(START, *many)) == [
        "the process has more than 1000 elements; it is too large"]
    # 30 layers of two gateways, each wired to both of the next: 2**30 paths
    elements = [START, END, task("a", "A"), task("b", "B"), flow("F0", "Start", "a")]
    previous = ["a"]
    for i in range(30):
        elements += [f'<bpmn:exclusiveGateway id="G{i}x" />',
                     f'<bpmn:exclusiveGateway id="G{i}y" />']
        for p in previous:
            elements += [flow(f"F{p}_{i}x", p, f"G{i}x"), flow(f"F{p}_{i}y", p, f"G{i}y")]
        previous = [f"G{i}x", f"G{i}y"]
    elements += [flow(f"F{p}_b", p, "b") for p in previous] + [flow("Fb", "b", "End")]
    problems = problems_of(bpmn(*elements, lanes=[lane("L", "Chuyên viên", "a", "b")]))
    assert "too many or too intricate" in problems[-1]
    assert time.perf_counter() - began < 2
