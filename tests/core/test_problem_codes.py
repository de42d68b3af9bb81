"""Each app declares its own problem codes (DESIGN: per-app codes) through `register_codes`."""

import pytest

from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import ProblemCode, register_codes

TEXTS = {"kk": "қате {value}", "ru": "ошибка {value}", "en": "wrong {value}"}


class SampleCode(ProblemCode):
    SAMPLE_WRONG = "test_sample_wrong"


register_codes(SampleCode, {SampleCode.SAMPLE_WRONG: TEXTS}, epp={SampleCode.SAMPLE_WRONG: 2104})


def test_an_apps_code_renders_in_each_language_with_its_epp_code():
    problem = Problem("amount", SampleCode.SAMPLE_WRONG, {"value": 5})
    assert problem.render("kk") == "amount: қате 5"
    assert problem.render("ru") == "amount: ошибка 5"
    assert OperationFailed([problem]).epp_code == 2104
    assert problem.http_status == 400  # not mapped: the default


def test_a_code_without_all_three_languages_is_refused():
    class Incomplete(ProblemCode):
        HALF = "test_half_translated"

    with pytest.raises(RuntimeError, match="test_half_translated"):
        register_codes(Incomplete, {Incomplete.HALF: {"en": "half"}})


def test_a_value_another_app_declared_is_refused():
    class Clash(ProblemCode):
        REQUIRED = "required"  # the core's

    with pytest.raises(RuntimeError, match="already declared"):
        register_codes(Clash, {Clash.REQUIRED: TEXTS})
