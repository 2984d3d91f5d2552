"""Linear probes of each model's representation: how well a logistic regression reads the digit.

Run by the workflow's `probe_experiment` rule, which passes the preset values it uses as --settings.
"""

from __future__ import annotations

import json

from ..experiments import probes
from .common import reports_errors
from .experiments import experiment_parser, run_experiment


@reports_errors
def main(argv=None) -> None:
    args = experiment_parser(__doc__, evaluator=False).parse_args(argv)
    record = run_experiment(args, "probes", probes.run)
    print(json.dumps({name: p["few_labels"]["test_accuracy"] for name, p in record["probes"].items()}))


if __name__ == "__main__":
    main()
