"""Demo project "llm-router": an ML experiment with accuracy before and after.

Day 0: a difficulty score sends hard prompts to the math expert (GSM8K 73.0% -> 76.8%),
with a failing test on the way, merged from a feature branch. Day 2: only a
version bump and a typo fix. Day 3: two negative results (curriculum data, longer
training) and a trainer bug that ignored --steps.
"""

from __future__ import annotations

from social_publisher.demo.planted import FAKE_API_KEY
from social_publisher.demo.script import (
    Bash, Chores, Commit, Edit, Merge, Project, Prompt, Read, Say, Session, Switch, Task, Think, Write,
)

README = """\
# llm-router

Routes each prompt to one of three fine-tuned experts (general, math, code) built on
Qwen2.5-3B, and measures what routing buys on GSM8K. The router recieves a prompt,
scores it and hands it to one expert; no ensembling.

## Layout

- `router/` - the routing policy and the expert registry
- `eval/` - GSM8K evaluation on a fixed 500-question dev split
- `train/` - LoRA fine-tuning of one expert
- `configs/` - expert checkpoints and training settings

## Running the eval

    python -m eval.gsm8k_eval --split dev --n 500

## Results (GSM8K dev, 500 questions)

| router | accuracy | oracle gap |
|---|---|---|
| keyword heuristic | 73.0% | 6.6 pts |
"""

PYPROJECT = """\
[project]
name = "llm-router"
version = "0.2.0"
requires-python = ">=3.11"
dependencies = ["pyyaml>=6", "transformers>=4.44", "peft>=0.12"]

[tool.pytest.ini_options]
testpaths = ["tests"]
"""

EXPERTS_YAML = """\
base_model: Qwen/Qwen2.5-3B
experts:
  general:
    checkpoint: checkpoints/general-500
    max_new_tokens: 512
  math:
    checkpoint: checkpoints/math-500
    max_new_tokens: 768
  code:
    checkpoint: checkpoints/code-500
    max_new_tokens: 1024
training:
  max_steps: 500
  learning_rate: 2.0e-5
  batch_size: 16
"""

ROUTE_PY = '''\
"""Pick an expert for a prompt."""

CODE_WORDS = ("def ", "class ", "import ", "traceback", "compile", "function")
MATH_WORDS = ("solve", "equation", "integral", "derivative", "prove")


def route(prompt: str) -> str:
    text = prompt.lower()
    if any(word in text for word in CODE_WORDS):
        return "code"
    if any(word in text for word in MATH_WORDS):
        return "math"
    return "general"
'''

EXPERTS_PY = '''\
"""The expert registry: which checkpoint serves which domain."""

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Expert:
    name: str
    checkpoint: str
    max_new_tokens: int


def load_experts(path: Path = Path("configs/experts.yaml")) -> dict[str, Expert]:
    raw = yaml.safe_load(path.read_text())
    return {name: Expert(name=name, **spec) for name, spec in raw["experts"].items()}
'''

EVAL_PY = '''\
"""GSM8K accuracy of the routed system on a fixed dev split."""

import argparse
import json
from collections import Counter
from pathlib import Path

from router.route import route

DEV_SPLIT = Path("data/gsm8k_dev_500.jsonl")


def extract_answer(completion: str) -> str:
    """The number after the last '####', as GSM8K writes its answers."""
    tail = completion.rsplit("####", 1)[-1]
    return tail.strip().replace(",", "").rstrip(".")


def evaluate(generate, n: int = 500) -> dict:
    rows = [json.loads(line) for line in DEV_SPLIT.read_text().splitlines()[:n]]
    routed = Counter()
    correct = 0
    for row in rows:
        expert = route(row["question"])
        routed[expert] += 1
        correct += extract_answer(generate(expert, row["question"])) == row["answer"]
    return {"accuracy": correct / len(rows), "correct": correct, "n": len(rows), "routed": dict(routed)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="dev")
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--grader", choices=["exact", "claude"], default="exact")
    args = parser.parse_args()
    from eval.backends import local_generate

    result = evaluate(local_generate, args.n)
    print(f"accuracy: {result['accuracy']:.1%} ({result['correct']}/{result['n']})")
    print("routed: " + ", ".join(f"{k} {v}" for k, v in sorted(result["routed"].items())))


if __name__ == "__main__":
    main()
'''

FINETUNE_PY = '''\
"""Fine-tune one expert (LoRA on Qwen2.5-3B) on its domain's solutions."""

import argparse
from pathlib import Path

import yaml

MAX_STEPS = 500


def build_trainer_args(expert: str, output_dir: Path) -> dict:
    return {
        "output_dir": str(output_dir / expert),
        "max_steps": 500,
        "learning_rate": 2e-5,
        "per_device_train_batch_size": 16,
        "logging_steps": 50,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--expert", required=True)
    parser.add_argument("--config", type=Path, default=Path("configs/experts.yaml"))
    parser.add_argument("--steps", type=int, default=MAX_STEPS)
    args = parser.parse_args()
    config = yaml.safe_load(args.config.read_text())
    trainer_args = build_trainer_args(args.expert, Path("checkpoints"))
    print(f"training {args.expert} on {config['base_model']} for {trainer_args['max_steps']} steps")


if __name__ == "__main__":
    main()
'''

DIFFICULTY_PY = '''\
"""A cheap difficulty score: how much multi-step arithmetic a prompt asks for."""

import re

NUMBER = re.compile(r"\\d+(?:[.,]\\d+)?")
STEP_WORDS = ("each", "total", "per", "left", "remaining", "twice", "half", "percent", "more than", "less than")
MATH_THRESHOLD = 0.6


def difficulty(prompt: str) -> float:
    """0.0 for chit-chat, towards 1.0 for word problems with several quantities and steps."""
    text = prompt.lower()
    numbers = len(NUMBER.findall(text))
    steps = sum(text.count(word) for word in STEP_WORDS)
    return min(1.0, 0.15 * numbers + 0.1 * steps)
'''

TEST_DIFFICULTY_PY = '''\
from router.difficulty import MATH_THRESHOLD, difficulty


def test_chit_chat_scores_zero():
    assert difficulty("Write a short poem about autumn") == 0.0


def test_word_problem_is_hard():
    prompt = "A baker sells 24 muffins each day at 3 dollars per muffin. How much does he earn in 5 days?"
    assert difficulty(prompt) >= MATH_THRESHOLD


def test_short_arithmetic_is_hard_enough():
    assert difficulty("Tom has 3 apples and buys 4 more. How many apples does he have now?") >= MATH_THRESHOLD


def test_difficulty_is_bounded():
    assert 0.0 <= difficulty("1 2 3 4 5 6 7 8 9 10 each per total") <= 1.0
'''

TEST_ROUTE_PY = '''\
from router.route import route


def test_code_prompt_goes_to_code_expert():
    assert route("Why does this function raise a traceback?") == "code"


def test_chit_chat_stays_general():
    assert route("Write a short poem about autumn") == "general"


def test_word_problem_goes_to_math_expert():
    assert route("Tom has 3 apples and buys 4 more. How many apples does he have now?") == "math"
'''

CURRICULUM_YAML = """\
# Math expert with borderline solutions added: 89 answers sampled at temperature 0.9
# that reach the right number by a shaky path.
base_model: Qwen/Qwen2.5-3B
expert: math
data:
  - data/math_solutions_1200.jsonl
  - data/borderline_t09_89.jsonl
training:
  max_steps: 500
  learning_rate: 2.0e-5
  batch_size: 16
"""

_SHORT = "Tom has 3 apples and buys 4 more. How many apples does he have now?"
PYTEST_FAIL = f"""\
============================= test session starts ==============================
platform linux -- Python 3.11.9, pytest-8.3.3, pluggy-1.5.0
rootdir: {{cwd}}
configfile: pyproject.toml
collected 4 items

tests/test_difficulty.py ..F.                                            [100%]

=================================== FAILURES ===================================
_____________________ test_short_arithmetic_is_hard_enough _____________________

    def test_short_arithmetic_is_hard_enough():
>       assert difficulty("{_SHORT}") >= MATH_THRESHOLD
E       AssertionError: assert 0.3 >= 0.6
E        +  where 0.3 = difficulty('{_SHORT}')

tests/test_difficulty.py:14: AssertionError
=========================== short test summary info ============================
FAILED tests/test_difficulty.py::test_short_arithmetic_is_hard_enough - AssertionError: assert 0.3 >= 0.6
========================= 1 failed, 3 passed in 0.06s =========================="""


def _pytest_pass(files: list[tuple[str, int]], seconds: str) -> str:
    count = sum(n for _, n in files)
    rows = "".join(f"{name} {'.' * n}".ljust(73) + "[100%]\n" for name, n in files)
    return ("============================= test session starts ==============================\n"
            "platform linux -- Python 3.11.9, pytest-8.3.3, pluggy-1.5.0\nrootdir: {cwd}\n"
            f"configfile: pyproject.toml\ncollected {count} items\n\n{rows}\n"
            f"============================== {count} passed in {seconds}s ===============================")


SESSION_ROUTING = Session(day=0, at="10:05", summary="Route hard GSM8K prompts to the math expert", steps=(
    Prompt("The keyword router sends most GSM8K questions to the general expert. First measure the baseline "
           "on the 500-question dev split, then let's route hard prompts to the math expert using a difficulty "
           "score. Work on a feature branch.", secs=30),
    Think("Start with the numbers: the baseline accuracy and how many questions reach the math expert now. "
          "Then a difficulty score that needs no model call, so routing stays cheap."),
    Switch("feature/math-expert", create=True),
    Read("router/route.py"),
    Bash("python -m eval.gsm8k_eval --split dev --n 500 --oracle",
         "accuracy: 73.0% (365/500)\nrouted: code 27, general 412, math 61\n"
         "oracle accuracy: 79.6% (best expert per question)\noracle gap: 6.6 pts",
         description="Baseline GSM8K eval on the dev split", secs=540),
    Say("Baseline on the 500-question dev split: 73.0% (365/500). Only 61 of the 500 questions reach the math "
        "expert; an oracle that picks the best expert per question scores 79.6%, so the router leaves 6.6 "
        "points on the table. Keyword matching misses word problems, which rarely say \"solve\" or "
        "\"equation\". We'll score difficulty from the numbers and step words in the prompt."),
    Write("router/difficulty.py", DIFFICULTY_PY),
    Write("tests/test_difficulty.py", TEST_DIFFICULTY_PY, secs=60),
    Bash("python -m pytest tests/test_difficulty.py", PYTEST_FAIL, exit_code=1,
         description="Run the difficulty tests"),
    Think("Short problems have two numbers (0.30) and \"more\" is only counted as \"more than\". Count plain "
          "more/less and the question words, and lower the threshold; check chit-chat still scores 0."),
    Say("One test fails: a two-number word problem scores 0.30, under the 0.6 threshold, so it would stay on the "
        "general expert. The step words only matched \"more than\", and 0.6 was picked for long problems."),
    Edit("router/difficulty.py",
         'STEP_WORDS = ("each", "total", "per", "left", "remaining", "twice", "half", "percent", '
         '"more than", "less than")\nMATH_THRESHOLD = 0.6\n',
         'STEP_WORDS = ("each", "total", "per", "left", "remaining", "twice", "half", "percent", "more", '
         '"less",\n              "how many", "how much")\n'
         '# 0.45 keeps two-number word problems on the math expert; chit-chat stays at 0.\n'
         'MATH_THRESHOLD = 0.45\n'),
    Bash("python -m pytest tests/test_difficulty.py", _pytest_pass([("tests/test_difficulty.py", 4)], "0.05"),
         description="Run the difficulty tests"),
    Commit("Add a difficulty score for incoming prompts\n\n"
           "Counts numbers and step words (each, per, how many, ...), scaled to 0..1.\n"
           "Threshold 0.45: a two-number word problem scores 0.50, chit-chat 0."),
    Edit("router/route.py", '"""Pick an expert for a prompt."""\n',
         '"""Pick an expert for a prompt."""\n\nfrom router.difficulty import MATH_THRESHOLD, difficulty\n'),
    Edit("router/route.py", '    if any(word in text for word in MATH_WORDS):\n',
         '    if any(word in text for word in MATH_WORDS) or difficulty(prompt) >= MATH_THRESHOLD:\n'),
    Write("tests/test_route.py", TEST_ROUTE_PY),
    Bash("python -m pytest", _pytest_pass([("tests/test_difficulty.py", 4), ("tests/test_route.py", 3)], "0.06"),
         description="Run all tests"),
    Say("All 7 tests pass: the difficulty score is committed and the router now sends prompts scoring 0.45 or "
        "more to the math expert. Next the dev eval to see whether it pays."),
    Prompt("Good. Run the dev eval again with the Claude grader and commit if it beats the baseline.", secs=240),
    Bash(f"ANTHROPIC_API_KEY={FAKE_API_KEY} python -m eval.gsm8k_eval --split dev --n 500 --oracle "
         "--grader claude",
         "accuracy: 76.8% (384/500)\nrouted: code 26, general 298, math 176\n"
         "oracle accuracy: 79.6% (best expert per question)\noracle gap: 2.8 pts",
         description="GSM8K eval with difficulty routing", secs=600),
    Say("With difficulty routing GSM8K dev accuracy goes from 73.0% to 76.8% (384/500). The math expert now "
        "gets 176 questions instead of 61, and the oracle gap shrinks from 6.6 to 2.8 points. Committing and "
        "merging the branch."),
    Edit("README.md", "| keyword heuristic | 73.0% | 6.6 pts |\n",
         "| keyword heuristic | 73.0% | 6.6 pts |\n| + difficulty score (0.45) | 76.8% | 2.8 pts |\n"),
    Commit("Route hard prompts to the math expert\n\n"
           "GSM8K accuracy 73.0% -> 76.8% on the 500-question dev split.\n"
           "The math expert now gets 176 of 500 questions (was 61); oracle gap 6.6 -> 2.8 points."),
    Switch("main"),
    Merge("feature/math-expert"),
    Say("Merged into main. Summary: 73.0% -> 76.8% on GSM8K dev, oracle gap 6.6 -> 2.8 points, 7 tests "
        "passing. The remaining 2.8 points are questions where the math expert itself answers wrong, not "
        "routing mistakes."),
))

SESSION_CURRICULUM = Session(day=3, at="08:35", summary="Curriculum data and 1000-step training for the math expert",
                             steps=(
    Prompt("Try the curriculum idea: add the 89 borderline solutions sampled at temperature 0.9 to the math "
           "expert's training data, train 500 steps as before and compare with the 76.8% we have now.", secs=20),
    Read("configs/experts.yaml"),
    Write("configs/curriculum.yaml", CURRICULUM_YAML),
    Bash("python -m train.finetune --expert math --config configs/curriculum.yaml",
         "training math on Qwen/Qwen2.5-3B for 500 steps\nstep 500/500  loss 0.412  eval_ppl 2.16\n"
         "saved checkpoints/math", description="Fine-tune the math expert with curriculum data", secs=1900),
    Bash("python -m eval.gsm8k_eval --split dev --n 500",
         "accuracy: 73.4% (367/500)\nrouted: code 26, general 298, math 176",
         description="GSM8K eval with the curriculum checkpoint", secs=600),
    Say("The curriculum data makes the math expert worse: GSM8K dev accuracy falls from 76.8% to 73.4%, and eval "
        "perplexity rises from 1.60 to 2.16. Solutions sampled at temperature 0.9 reach the right number by "
        "shaky reasoning, so the model learns noise with a correct label. We should drop them."),
    Prompt("Agreed, we drop them. Keep the config and the result in the README as a negative result, then "
           "try the plain data with 1000 steps instead of 500.", secs=300),
    Edit("README.md", "| + difficulty score (0.45) | 76.8% | 2.8 pts |\n",
         "| + difficulty score (0.45) | 76.8% | 2.8 pts |\n"
         "| + 89 borderline solutions (T=0.9) | 73.4% | - |\n"),
    Commit("Record the curriculum run as a negative result\n\n"
           "89 borderline solutions sampled at T=0.9 added to the math expert's data:\n"
           "GSM8K dev accuracy 76.8% -> 73.4%, eval perplexity 1.60 -> 2.16.\n"
           "The config stays for reference; the default data is unchanged."),
    Bash("python -m train.finetune --expert math --steps 1000",
         "training math on Qwen/Qwen2.5-3B for 500 steps\nstep 500/500  loss 0.051  eval_ppl 1.60\n"
         "saved checkpoints/math", description="Fine-tune the math expert for 1000 steps", secs=1900),
    Think("It printed 500 steps although --steps 1000 was passed. build_trainer_args never receives args.steps."),
    Say("The run trained 500 steps, not 1000: `--steps` is parsed but never used. Checking where else the step "
        "count is fixed before changing it."),
    Task("Find hard-coded step counts",
         "Search the repository for places that fix the number of training steps (max_steps, 500) and list "
         "each with file and line.",
         "Three places fix the step count:\n- train/finetune.py:8 MAX_STEPS = 500 (default of --steps)\n"
         "- train/finetune.py:14 \"max_steps\": 500 inside build_trainer_args (ignores --steps)\n"
         "- configs/experts.yaml:13 training.max_steps: 500 (never read by the trainer)"),
    Edit("train/finetune.py", "def build_trainer_args(expert: str, output_dir: Path) -> dict:\n"
                              "    return {\n        \"output_dir\": str(output_dir / expert),\n"
                              "        \"max_steps\": 500,\n",
         "def build_trainer_args(expert: str, output_dir: Path, max_steps: int) -> dict:\n"
         "    return {\n        \"output_dir\": str(output_dir / expert),\n"
         "        \"max_steps\": max_steps,\n"),
    Edit("train/finetune.py", "    trainer_args = build_trainer_args(args.expert, Path(\"checkpoints\"))\n",
         "    trainer_args = build_trainer_args(args.expert, Path(\"checkpoints\"), args.steps)\n"),
    Commit("Pass --steps through to the trainer\n\n"
           "build_trainer_args hard-coded max_steps=500, so a 1000-step run\n"
           "silently trained 500 steps and wasted 32 minutes of GPU time."),
    Bash("python -m train.finetune --expert math --steps 1000",
         "training math on Qwen/Qwen2.5-3B for 1000 steps\nstep 1000/1000  loss 0.004  eval_ppl 1.58\n"
         "saved checkpoints/math", description="Fine-tune the math expert for 1000 steps", secs=3700),
    Bash("python -m eval.gsm8k_eval --split dev --n 500",
         "accuracy: 75.2% (376/500)\nrouted: code 26, general 298, math 176",
         description="GSM8K eval with the 1000-step checkpoint", secs=600),
    Say("With 1000 steps the training loss drops to 0.004, yet GSM8K dev accuracy is 75.2%, 1.6 points below "
        "the 500-step run. Near-zero loss on 1,200 solutions means memorising, not learning to reason. 500 "
        "steps stays the best setting; 76.8% looks like a narrow optimum rather than a base to build on."),
    Prompt("Add the 1000-step run to the README table too and commit it.", secs=180),
    Edit("README.md", "| + 89 borderline solutions (T=0.9) | 73.4% | - |\n",
         "| + 89 borderline solutions (T=0.9) | 73.4% | - |\n"
         "| math expert trained 1000 steps | 75.2% | - |\n"),
    Commit("Record the 1000-step run as a negative result\n\n"
           "Math expert trained 1000 steps on the original data: train loss 0.004,\n"
           "GSM8K dev accuracy 75.2% against 76.8% at 500 steps. Keep 500 steps."),
    Say("Both negative results are in the README table and committed. Next candidates: task-aligned chain-of-thought data "
        "for the math expert instead of more of the same data or more steps."),
))

PROJECT = Project(name="llm-router", utc_offset_hours=3, blocks=(
    Chores(day=0, at="09:20", commits=(
        Commit("Initial router skeleton\n\n"
               "Three experts (general, math, code) on Qwen2.5-3B, a keyword router\n"
               "and the GSM8K dev-split eval.",
               files={"README.md": README, "pyproject.toml": PYPROJECT, "configs/experts.yaml": EXPERTS_YAML,
                      "router/__init__.py": '__version__ = "0.2.0"\n', "router/route.py": ROUTE_PY,
                      "router/experts.py": EXPERTS_PY, "eval/__init__.py": "", "eval/gsm8k_eval.py": EVAL_PY,
                      "train/__init__.py": "", "train/finetune.py": FINETUNE_PY,
                      ".gitignore": "checkpoints/\ndata/*.jsonl\n__pycache__/\n"}),
    )),
    SESSION_ROUTING,
    Chores(day=2, at="11:40", gap_minutes=7, commits=(
        Commit("bump version to 0.2.1", edits=(
            ("pyproject.toml", 'version = "0.2.0"', 'version = "0.2.1"'),
            ("router/__init__.py", '"0.2.0"', '"0.2.1"'))),
        Commit("fix typo in README", edits=(("README.md", "recieves", "receives"),)),
    )),
    SESSION_CURRICULUM,
))
