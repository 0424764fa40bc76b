"""The Docker image's install and start steps, performed on the host (no Docker engine
runs on these machines): Python 3.12, a fresh virtual environment, the Dockerfile's own
pip commands on the files .dockerignore lets through, the code read-only, the entry
point run as an unprivileged user with only the data folder writable, against the fake
Bot API; the image's HEALTHCHECK command must report healthy."""

import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import require_services
from tests.fakeapi import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"
NOBODY = 65534


def python312() -> str | None:
    """The real Python 3.12 interpreter (not a pyenv shim or a venv's link to it)."""
    candidates = [shutil.which("python3.12"), *map(str, sorted(Path("/root/.pyenv/versions").glob("3.12*/bin/python3.12")))]
    for found in filter(None, candidates):
        try:
            out = subprocess.run([found, "-c", "import sys; print(sys.version_info[:2] == (3, 12), sys.base_prefix)"],
                                 capture_output=True, text=True, timeout=60)
        except OSError:
            continue
        ok, _, prefix = out.stdout.strip().partition(" ")
        if out.returncode == 0 and ok == "True" and (Path(prefix) / "bin" / "python3.12").exists():
            return str(Path(prefix) / "bin" / "python3.12")
    return None


def dockerfile_steps() -> tuple[str, str, dict[str, str]]:
    """(dependency-layer command, code-install command, ENV) as the Dockerfile has them."""
    text = (ROOT / "Dockerfile").read_text()
    joined = re.sub(r"\\\n\s*", " ", text)
    runs = [line[4:].strip() for line in joined.splitlines() if line.startswith("RUN ")]
    deps = runs[0]
    code = " && ".join(p.strip() for p in runs[1].split("&&") if "pip install" in p)
    env: dict[str, str] = {}
    for line in joined.splitlines():
        if line.startswith("ENV "):
            for part in shlex.split(line[4:]):
                key, _, value = part.partition("=")
                env[key] = value
    return deps, code, env


def context_copy(dest: Path) -> None:
    """The build context as .dockerignore admits it."""
    allowed = [line[1:].rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.startswith("!")]
    for name in allowed:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(src, dest / name)


@pytest.fixture
def py312():
    found = python312()
    if found is None:
        if require_services():
            pytest.fail("python3.12 (the image's Python) is required in CI but not found")
        pytest.skip("python3.12 not installed here")
    return found


def test_image_steps_on_the_host(py312):
    if os.geteuid() != 0:
        pytest.skip("needs root to run the bot as an unprivileged user, as the image does")
    deps_cmd, code_cmd, image_env = dockerfile_steps()
    assert "pip install" in deps_cmd and "--no-deps ." in code_cmd
    base = Path(tempfile.mkdtemp(prefix="carpool-image-", dir="/tmp"))
    os.chmod(base, 0o755)
    try:
        app, venv, data, logs = base / "app", base / "venv", base / "data", base / "logs"
        for d in (app, data, logs):
            d.mkdir()
        # The image's python:3.12 is readable by its user; pyenv's lives under /root (0700 here),
        # so the interpreter is copied (stdlib only) where the unprivileged user can run it.
        interpreter = base / "python"
        home = Path(py312).parent.parent  # sys.base_prefix of the real interpreter
        shutil.copytree(home, interpreter, symlinks=True, ignore=shutil.ignore_patterns(
            "test", "tests", "site-packages", "__pycache__", "idlelib", "turtledemo", "*.a"))
        (interpreter / "lib" / "python3.12" / "site-packages").mkdir(exist_ok=True)
        lib_env = dict(os.environ, LD_LIBRARY_PATH=str(interpreter / "lib"))
        subprocess.run([str(interpreter / "bin" / "python3.12"), "-m", "venv", str(venv)], check=True,
                       timeout=120, env=lib_env)
        env = dict(lib_env, PATH=f"{venv}/bin:{os.environ['PATH']}", PIP_DISABLE_PIP_VERSION_CHECK="1",
                   VIRTUAL_ENV=str(venv))
        env.pop("PYTHONPATH", None)
        # layer 1: dependencies only, from pyproject.toml (as in the Dockerfile)
        shutil.copy(ROOT / "pyproject.toml", app)
        shutil.copy(ROOT / "README.md", app)
        subprocess.run(["sh", "-c", deps_cmd], cwd=app, env=env, check=True, timeout=600,
                       capture_output=True)
        # layer 2: the code
        context_copy(app)
        subprocess.run(["sh", "-c", code_cmd], cwd=app, env=env, check=True, timeout=300, capture_output=True)
        shutil.rmtree(app)  # the image deletes the source after installing it
        subprocess.run(["chmod", "-R", "a-w", str(venv)], check=True)  # code read-only
        os.chown(data, NOBODY, NOBODY)
        os.chown(logs, NOBODY, NOBODY)

        with FakeTelegram(token=TOKEN) as tg:
            run_env = {k: v for k, v in env.items() if not k.startswith(("TELEGRAM_", "DATABASE_", "LOG_"))}
            run_env.update(image_env)
            run_env.update(
                HOME=str(data), TELEGRAM_TOKEN=TOKEN, TELEGRAM_API_URL=tg.base_url,
                DATABASE_URL=f"sqlite:///{data}/carpool.sqlite3", LOG_DIR=str(logs),
                HEARTBEAT_FILE=f"{data}/heartbeat",
            )
            as_nobody = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
            proc = subprocess.Popen(as_nobody + [f"{venv}/bin/carpool-bot", "run"], cwd=str(data), env=run_env,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            try:
                try:
                    tg.wait_polling(timeout=60)
                except AssertionError:
                    proc.kill()
                    raise AssertionError(proc.stdout.read().decode(errors="replace")) from None
                ann = tg.user(5, "Ann")
                ann.send("/start")
                ann.wait_screen("Welcome")
                health = None
                for _ in range(50):
                    health = subprocess.run(as_nobody + [f"{venv}/bin/python", "-m", "bot.health"],
                                            env=run_env, capture_output=True, text=True, cwd=str(data))
                    if health.returncode == 0:
                        break
                    time.sleep(0.2)
                assert health.returncode == 0, health.stderr
                proc.send_signal(signal.SIGTERM)
                assert proc.wait(timeout=20) == 0
            finally:
                if proc.poll() is None:
                    proc.kill()
                output = proc.stdout.read().decode(errors="replace")
            assert "Traceback" not in output, output
            assert (data / "carpool.sqlite3").exists()
            assert oct((data / "carpool.sqlite3").stat().st_mode & 0o777) == "0o600"
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(base)], check=False)
        shutil.rmtree(base, ignore_errors=True)
