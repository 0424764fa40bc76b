"""The Docker image's install and start steps, performed on the host (no Docker engine
runs on these machines): Python 3.12, a fresh virtual environment, the Dockerfile's own
pip commands on the files .dockerignore lets through, the code read-only, the entry
point run as an unprivileged user with only the data folder writable, against the fake
Bot API; the image's HEALTHCHECK command must report healthy."""

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import pytest

from tests.conftest import require_services
from bot.devtools.fakeapi import FakeTelegram

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


# Layer 1 (the dependencies) is cached much as Docker caches it: keyed on what it is built from
# (the dependencies in pyproject.toml, the Dockerfile's command, the interpreter), so unchanged
# dependencies cost no ~35 s of pip. CARPOOL_IMAGE_CACHE=off builds it afresh; =DIR keeps caches in DIR (default: the
# system's temporary folder). Bump CACHE_FORMAT when the way the layer is built here changes.
CACHE_FORMAT = 2
CACHE_PREFIX = "carpool-image-"
CACHE_UNUSED_FOR = 2 * 86400  # a cache of another key goes when unused this long (two checkouts may alternate)


def deps_layer_key(py312: str, deps_cmd: str, pyproject_text: str | None = None) -> str:
    """What layer 1 installs depends on the build system, the project's own metadata and
    dependencies, and the extras the command names: other extras (test, preview) and tool settings
    in pyproject.toml change often and install nothing there. README.md is copied only because
    pyproject.toml names it: its text changes nothing either."""
    pyproject = tomllib.loads(pyproject_text or (ROOT / "pyproject.toml").read_text())
    project = dict(pyproject["project"])
    extras = set(re.findall(r"\.\[([\w,-]+)\]", deps_cmd)[0].split(",")) if ".[" in deps_cmd else set()
    project["optional-dependencies"] = {k: v for k, v in project.get("optional-dependencies", {}).items()
                                        if k in extras}
    installed = json.dumps([pyproject.get("build-system"), project], sort_keys=True)
    digest = hashlib.sha256()
    for part in (str(CACHE_FORMAT), py312, sys.platform, deps_cmd, installed):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()[:16]


def _writable(path: Path) -> None:
    if path.exists():
        subprocess.run(["chmod", "-R", "u+w", str(path)], check=False)


@contextlib.contextmanager
def cache_dir(key: str):
    """The cache folder for ``key``, held under an exclusive lock (another pytest run on this
    machine waits); caches of other keys unused for two days are removed."""
    setting = os.environ.get("CARPOOL_IMAGE_CACHE", "")
    if setting.lower() in ("0", "off", "no"):
        base = Path(tempfile.mkdtemp(prefix=CACHE_PREFIX))
        os.chmod(base, 0o755)
        try:
            yield base
        finally:
            _writable(base)
            shutil.rmtree(base, ignore_errors=True)
        return
    root = Path(setting or tempfile.gettempdir())
    with open(root / f"{CACHE_PREFIX}{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        os.utime(lock.name)  # used now
        for other in root.glob(f"{CACHE_PREFIX}*.lock"):
            if other.stem != f"{CACHE_PREFIX}{key}" and time.time() - other.stat().st_mtime > CACHE_UNUSED_FOR:
                with open(other, "w") as stale:
                    try:
                        fcntl.flock(stale, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        continue
                    _writable(root / other.stem)
                    shutil.rmtree(root / other.stem, ignore_errors=True)
                    other.unlink(missing_ok=True)
        base = root / f"{CACHE_PREFIX}{key}"
        base.mkdir(exist_ok=True)
        os.chmod(base, 0o755)
        yield base


def build_env(base: Path) -> dict[str, str]:
    venv = base / "venv"
    env = dict(os.environ, LD_LIBRARY_PATH=str(base / "python" / "lib"), PATH=f"{venv}/bin:{os.environ['PATH']}",
               PIP_DISABLE_PIP_VERSION_CHECK="1", VIRTUAL_ENV=str(venv))
    env.pop("PYTHONPATH", None)
    return env


def build_deps_layer(base: Path, py312: str, deps_cmd: str) -> None:
    """``base/python`` (the interpreter) and ``base/venv.layer1`` (a venv after layer 1), once."""
    done = base / "layer1.done"
    if done.exists():
        return
    for leftover in ("python", "venv", "venv.layer1", "app"):  # an interrupted build
        _writable(base / leftover)
        shutil.rmtree(base / leftover, ignore_errors=True)
    # The image's python:3.12 is readable by its user; pyenv's lives under /root (0700 here),
    # so the interpreter is copied (stdlib only, compiled as in the image) where the unprivileged
    # user can run it.
    interpreter = base / "python"
    home = Path(py312).parent.parent  # sys.base_prefix of the real interpreter
    shutil.copytree(home, interpreter, symlinks=True, ignore=shutil.ignore_patterns(
        "test", "tests", "site-packages", "idlelib", "turtledemo", "*.a"))
    (interpreter / "lib" / "python3.12" / "site-packages").mkdir(exist_ok=True)
    env = build_env(base)
    subprocess.run([str(interpreter / "bin" / "python3.12"), "-m", "venv", str(base / "venv")], check=True,
                   timeout=120, env=env)
    # layer 1: dependencies only, from pyproject.toml (as in the Dockerfile)
    app = base / "app"
    app.mkdir()
    shutil.copy(ROOT / "pyproject.toml", app)
    shutil.copy(ROOT / "README.md", app)
    subprocess.run(["sh", "-c", deps_cmd], cwd=app, env=env, check=True, timeout=600, capture_output=True)
    shutil.rmtree(app)
    subprocess.run(["cp", "-a", str(base / "venv"), str(base / "venv.layer1")], check=True)
    done.touch()


def test_image_steps_on_the_host(py312):
    if os.geteuid() != 0:
        pytest.skip("needs root to run the bot as an unprivileged user, as the image does")
    deps_cmd, code_cmd, image_env = dockerfile_steps()
    assert "pip install" in deps_cmd and "--no-deps ." in code_cmd
    with cache_dir(deps_layer_key(py312, deps_cmd)) as base:
        build_deps_layer(base, py312, deps_cmd)
        # the venv at the path it was built at, as layer 1 left it (venvs are not relocatable)
        venv = base / "venv"
        _writable(venv)
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run(["cp", "-a", str(base / "venv.layer1"), str(venv)], check=True)
        run = Path(tempfile.mkdtemp(prefix="run-", dir=base))
        os.chmod(run, 0o755)
        try:
            run_image(base, run, code_cmd, image_env)
        finally:
            _writable(venv)
            _writable(run)
            shutil.rmtree(run, ignore_errors=True)


def run_image(base: Path, run: Path, code_cmd: str, image_env: dict[str, str]) -> None:
    venv, app, data, logs = base / "venv", run / "app", run / "data", run / "logs"
    for d in (app, data, logs):
        d.mkdir()
    env = build_env(base)
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


def test_deps_layer_cache_is_keyed_like_docker_and_old_ones_go(tmp_path, monkeypatch):
    """Layer 1 is reused while what it is built from is unchanged, like Docker's layer cache;
    a cache of another key (older dependencies) goes once unused for two days."""
    key = deps_layer_key("/usr/bin/python3.12", "pip install .")
    assert key == deps_layer_key("/usr/bin/python3.12", "pip install .")
    assert key != deps_layer_key("/usr/bin/python3.12", "pip install '.[postgres]'")
    assert key != deps_layer_key("/opt/python3.12", "pip install .")
    image_cmd = 'pip install ".[postgres,redis]"'
    image = deps_layer_key("/usr/bin/python3.12", image_cmd)
    pyproject = (ROOT / "pyproject.toml").read_text()
    for old, new, counts in (('test = [\n', 'test = [\n    "extra-test-tool>=1",\n', False),
                             ('addopts = "', 'addopts = "-x ', False),
                             ('dependencies = [\n', 'dependencies = [\n    "new-dependency>=1",\n', True),
                             ('redis = [', 'redis = [\n    "hiredis>=2",', True)):
        changed = pyproject.replace(old, new, 1)
        assert changed != pyproject, old
        assert (deps_layer_key("/usr/bin/python3.12", image_cmd, changed) != image) is counts, new
    monkeypatch.setenv("CARPOOL_IMAGE_CACHE", str(tmp_path))
    stale, recent = tmp_path / f"{CACHE_PREFIX}0123456789abcdef", tmp_path / f"{CACHE_PREFIX}fedcba9876543210"
    for other in (stale, recent):
        (other / "venv").mkdir(parents=True)
        (tmp_path / f"{other.name}.lock").touch()
    os.utime(tmp_path / f"{stale.name}.lock", (time.time() - 3 * 86400,) * 2)
    with cache_dir(key) as base:
        assert base == tmp_path / f"{CACHE_PREFIX}{key}" and base.is_dir()
        (base / "layer1.done").touch()
        assert not stale.exists() and not (tmp_path / f"{stale.name}.lock").exists()
        assert recent.exists()  # another checkout used it lately: it stays
    with cache_dir(key) as again:
        assert (again / "layer1.done").exists()  # kept for the next run
    monkeypatch.setenv("CARPOOL_IMAGE_CACHE", "off")
    with cache_dir(key) as fresh:
        assert not (fresh / "layer1.done").exists()
    assert not fresh.exists()
