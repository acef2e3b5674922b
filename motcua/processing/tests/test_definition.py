import copy

import pytest

from motcua.processing.definition import DefinitionError, budget_hours, parse

BIRTH = {
    "procedure": "1.001193",
    "name": "Đăng ký khai sinh",
    "steps": [
        {"key": "check", "name": "Thẩm định", "role": "specialist", "agency": "competent",
         "hours": 3, "actions": {
             "forward": [{"to": "verify", "when": {"field": "form_data.late", "equals": True}},
                         {"to": "sign"}],
             "request_supplement": None, "refuse": None}},
        {"key": "verify", "name": "Xác minh", "role": "specialist", "agency": "competent",
         "hours": 2, "actions": {"forward": "sign", "return": "check"}},
        {"key": "sign", "name": "Ký duyệt", "role": "leader", "agency": "competent",
         "hours": 2, "actions": {"sign": "give_back", "return": "check"}},
        {"key": "give_back", "name": "Trả kết quả", "role": "one_stop_officer",
         "agency": "receiving", "hours": 1, "actions": {"finish": None}},
    ],
}


def broken(**changes):
    raw = copy.deepcopy(BIRTH)
    for path, value in changes.items():
        index, key = path.split("__")
        raw["steps"][int(index)][key] = value
    return raw


def test_a_valid_process_with_a_branch():
    process = parse(BIRTH, budget_hours=8)
    assert process.start.key == "check"
    assert process.total_hours == 8  # check 3 + verify 2 + sign 2 + give_back 1
    check = process.step("check")
    assert check.next_step("forward", {"form_data": {"late": True}}) == "verify"
    assert check.next_step("forward", {"form_data": {}}) == "sign"
    assert process.step("sign").next_step("sign", {}) == "give_back"


def test_allotments_must_fit_the_statutory_duration():
    with pytest.raises(DefinitionError) as error:
        parse(BIRTH, budget_hours=7)
    assert "exceed the statutory duration (7 working hours)" in str(error.value)


@pytest.mark.parametrize(
    "raw,message",
    [
        (broken(**{"0__role": "janitor"}), "unknown role 'janitor'"),
        (broken(**{"0__hours": 0}), "hours must be a positive number"),
        (broken(**{"0__agency": "mars"}), "agency 'mars'"),
        (broken(**{"1__actions": {"forward": "nowhere"}}), "unknown step 'nowhere'"),
        (broken(**{"1__actions": {"teleport": "sign"}}), "unknown action 'teleport'"),
        (broken(**{"3__actions": {"finish": "check"}}), "finish ends the step"),
        ({"procedure": "1.001193", "steps": [
            {"key": "a", "name": "A", "role": "specialist", "agency": "competent", "hours": 1,
             "actions": {"forward": "b"}},
            {"key": "b", "name": "B", "role": "head", "agency": "competent", "hours": 1,
             "actions": {"return": "a"}}]}, "no way from here to an end"),
        (broken(**{"1__key": "Bad Key"}), "must be lower-case"),
        (broken(**{"0__actions": {"forward": [{"to": "sign", "when": {"field": "x",
                                                                      "equals": 1}}]}}),
         "needs a last branch without 'when'"),
        (broken(**{"2__actions": {"forward": "check", "sign": "give_back"}}),
         "form a loop"),
        ({"procedure": "1.001193", "steps": []}, "at least one step"),
        ("not a mapping", "must be a mapping"),
    ],
)
def test_invalid_definitions_are_refused_with_the_reason(raw, message):
    with pytest.raises(DefinitionError) as error:
        parse(raw)
    assert message in str(error.value)


def test_unreachable_steps_are_refused():
    raw = copy.deepcopy(BIRTH)
    raw["steps"].append({"key": "orphan", "name": "Bỏ quên", "role": "head",
                         "agency": "competent", "hours": 1, "actions": {"finish": None}})
    with pytest.raises(DefinitionError) as error:
        parse(raw)
    assert error.value.problems == ["step orphan: cannot be reached from the start step"]


@pytest.mark.parametrize(
    "value,unit,hours",
    [(3, "working_days", 24), (4, "working_hours", 4), (1, "same_day", 8),
     (15, "calendar_days", 80), (1, "calendar_days", 8), (None, "working_days", None),
     (3, "", None)],
)
def test_budget_in_working_hours(value, unit, hours):
    assert budget_hours(value, unit, 8) == hours
