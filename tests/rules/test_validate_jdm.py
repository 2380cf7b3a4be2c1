"""``validate_jdm``: a file that is not a loadable JDM decision graph is refused with a
message saying why; a good one comes back as the document."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tongban.rules import services
from tongban.rules.demo_data import DEMO_RULES

from .conftest import as_bytes, expression, graph

IN = {"id": "in", "type": "inputNode", "name": "in", "position": {"x": 0, "y": 0}}
OUT = {"id": "out", "type": "outputNode", "name": "out", "position": {"x": 0, "y": 0}}


@pytest.mark.parametrize(
    ("raw", "code", "says"),
    [
        (b"", "jdm_json", "empty"),
        (b"\xff\xfe\x00garbage", "jdm_json", "UTF-8"),
        (b"not json", "jdm_json", "not JSON"),
        (b"[1, 2]", "jdm_graph", "nodes"),
        (b'{"a": 1}', "jdm_graph", "nodes"),
        (b'{"nodes": {}}', "jdm_graph", "nodes"),
        (b'{"nodes": []}', "jdm_nodes", "input node"),
        (as_bytes({"nodes": [IN], "edges": []}), "jdm_nodes", "output node"),
        (as_bytes({"nodes": [IN, OUT], "edges": "x"}), "jdm_graph", "edges"),
        (as_bytes({"nodes": [IN, OUT, {"type": "x"}], "edges": []}), "jdm_graph", "id"),
        (
            as_bytes(
                {"nodes": [IN, OUT], "edges": [{"id": "e", "sourceId": "in", "targetId": "zz"}]}
            ),
            "jdm_graph",
            "zz",
        ),
        (
            as_bytes(
                graph(expression(a="1"), edges=[("in", "expr"), ("expr", "expr"), ("expr", "out")])
            ),
            "jdm_graph",
            "cycle",
        ),
        (
            as_bytes(
                graph({"id": "x", "type": "fooNode", "name": "x", "position": {"x": 0, "y": 0}})
            ),
            "jdm_engine",
            "fooNode",
        ),
        (
            as_bytes(graph({"id": "t", "type": "decisionTableNode", "name": "t", "position": {}})),
            "jdm_engine",
            "content",
        ),
    ],
)
def test_a_bad_file_is_refused_with_a_reason(raw, code, says):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.validate_jdm(raw)
    assert refused.value.code == code
    assert says in refused.value.messages[0]
    assert "Stack backtrace" not in refused.value.messages[0]


@pytest.mark.parametrize("key", list(DEMO_RULES))
def test_the_demo_files_are_valid(key):
    raw = DEMO_RULES[key].raw
    assert services.validate_jdm(raw) == json.loads(raw)


def test_a_byte_order_mark_and_text_input_are_accepted():
    raw = DEMO_RULES["elderly_card"].raw
    assert services.validate_jdm(b"\xef\xbb\xbf" + raw)["nodes"]
    assert services.validate_jdm(raw.decode())["nodes"]
