"""Decision-rule evaluation (秒批): µs per evaluation of each demo rule on its shipped
tests, with the trace (as recorded on a case) and without, beside the engine's bare
``evaluate`` call as the baseline. Needs no database: rules are built unsaved.

Target: instant approval runs ~300 submissions/s, so an evaluation must stay well under
1 ms; the compiled decision is cached per JDM document and reused.

Run alone: ``python -m bench.rules_evaluate``.
"""

import datetime as dt
import statistics
import time

ROUNDS = 2_000


def _rule(key: str):
    from tongban.rules.demo_data import DEMO_RULES
    from tongban.rules.models import DecisionRule, Mode, jdm_sha256

    spec = DEMO_RULES[key]
    jdm = spec.jdm
    return DecisionRule(
        revision=1,
        name=spec.name,
        jdm=jdm,
        jdm_sha256=jdm_sha256(jdm),
        sources=list(spec.sources),
        effective_from=dt.date(2026, 1, 1),
        mode=Mode.ACTIVE,
    )


def _per_call_us(call, inputs: list[dict]) -> float:
    started = time.perf_counter()
    for n in range(ROUNDS):
        call(inputs[n % len(inputs)])
    return (time.perf_counter() - started) / ROUNDS * 1e6


def run() -> None:
    from tongban.rules import services
    from tongban.rules.demo_data import DEMO_RULES

    with_trace, without_trace, bare = [], [], []
    for key, spec in DEMO_RULES.items():
        rule = _rule(key)
        inputs = [t["inputs"] for t in spec.tests]
        services.evaluate(rule, inputs[0])  # compile once
        decision = services._decision(rule)
        bare.append(_per_call_us(lambda i, d=decision: d.evaluate(i), inputs))
        without_trace.append(
            _per_call_us(lambda i, r=rule: services.evaluate(r, i, trace=False), inputs)
        )
        with_trace.append(_per_call_us(lambda i, r=rule: services.evaluate(r, i), inputs))
    print(f"rules_evaluate_engine_baseline: {statistics.mean(bare):.0f} us")
    print(f"rules_evaluate_no_trace: {statistics.mean(without_trace):.0f} us")
    print(f"rules_evaluate_with_trace: {statistics.mean(with_trace):.0f} us")
    print(f"rules_evaluate_with_trace_max_rule: {max(with_trace):.0f} us")


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    django.setup()
    run()
