"""CI runs exactly the test command the README gives, and the README opens with the commands a
newcomer needs: run the bot, run the tests, try it without Telegram."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    head = text[: text.index("\n## ")]  # the part before the first section
    return re.findall(r"```sh\n(.+?)\n```", head, flags=re.S)


def test_readme_opens_with_run_test_and_try_commands():
    run, test, playground = readme_commands()
    assert "carpool-bot" in run and "pip install" in run
    assert "pytest" in test and "pip install" in test
    assert "carpool-bot playground" in playground and "pip install" in playground


def test_ci_runs_the_readme_test_command_verbatim():
    _, test, _ = readme_commands()
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert test.strip() in lines


def test_ci_runs_the_readme_command_in_a_fresh_clone_with_nothing_beside_it():
    """A newcomer's clone has nothing beside it and no old .venv: CI runs the README command in a
    fresh clone of the checkout alone in an empty temporary folder (issue #17, item 10)."""
    _, test, _ = readme_commands()
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    before = lines[: lines.index(test.strip())]
    clone = next(line for line in before if line.startswith("git clone"))
    target = clone.split()[-1]
    assert 'clone_parent="$(mktemp -d)"' in before and target.startswith('"$clone_parent/')
    assert [line for line in before if line.startswith("cd ")][-1] == f"cd {target}"
    assert '[ "$(ls -A ..)" = carpool-bot ]' in before and target == '"$clone_parent/carpool-bot"'


def test_each_xdist_worker_has_its_own_redis_database():
    """Redis tests flush their database: two workers on one database would empty each other's."""
    from tests.conftest import _redis_test_url

    base = "redis://127.0.0.1:6379/15"
    assert _redis_test_url(base, None) == base
    urls = {_redis_test_url(base, f"gw{n}") for n in range(4)}
    assert urls == {f"redis://127.0.0.1:6379/{n}" for n in (15, 14, 13, 12)}


def test_the_whole_suite_runs_on_xdist_workers_and_chosen_tests_in_one_process():
    """The README's plain `pytest` spreads over the cores; `pytest tests/test_x.py`, `-n N`,
    `-p no:xdist` (no such option then) and --pdb are left alone."""
    from types import SimpleNamespace

    import pytest

    from tests.conftest import pytest_cmdline_main

    def run(source=pytest.Config.ArgsSource.TESTPATHS, **option):
        option = {"numprocesses": None, "dist": "no", "usepdb": False, **option}
        config = SimpleNamespace(args_source=source, option=SimpleNamespace(**option))
        pytest_cmdline_main(config)
        return config.option.__dict__

    assert run() == {"numprocesses": "auto", "dist": "worksteal", "usepdb": False}
    assert run(dist="loadfile")["dist"] == "loadfile"
    assert run(pytest.Config.ArgsSource.ARGS)["numprocesses"] is None
    assert run(numprocesses=0)["numprocesses"] == 0
    assert run(usepdb=True)["numprocesses"] is None
    without_xdist = SimpleNamespace(args_source=pytest.Config.ArgsSource.TESTPATHS, option=SimpleNamespace(usepdb=False))
    pytest_cmdline_main(without_xdist)
    assert not hasattr(without_xdist.option, "numprocesses")


def test_on_xdist_workers_tests_that_run_programs_go_first():
    from types import ModuleType, SimpleNamespace

    from tests.conftest import pytest_collection_modifyitems

    quick, slow = ModuleType("quick"), ModuleType("slow")
    slow.BotProcess = object
    items = [SimpleNamespace(module=quick, name="a"), SimpleNamespace(module=slow, name="b"),
             SimpleNamespace(module=quick, name="c"), SimpleNamespace(module=slow, name="d")]
    serial = list(items)
    pytest_collection_modifyitems(SimpleNamespace(), serial)
    assert [i.name for i in serial] == ["a", "b", "c", "d"]  # a plain run keeps file order
    pytest_collection_modifyitems(SimpleNamespace(workerinput={}), items)
    assert [i.name for i in items] == ["b", "d", "a", "c"]
