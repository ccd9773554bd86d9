"""Every command walked through hostile input: never an internal error, always one line, a non-zero exit and not
one byte changed in the data directory.

Hostile files (module files, judge files, base snapshots, pending sync records, journal intents), hostile arguments
(ids, URLs, paths, settings) and hostile API answers (HTML, empty, truncated, ``{}``, wrong types, numbers out of
range, served by a tiny HTTP server that answers the same body to every request).
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_emulator import Emulator, EmulatorServer, serve_http
from sheets_sync.cli import main

pytestmark = pytest.mark.http
SAMPLE = Path(__file__).resolve().parents[1] / "data"
SHEET = "1HostileHostileHostileHostileHostile_demo"
DEEP = b"[" * 100_000 + b"]" * 100_000

HOSTILE_JSON: dict[str, bytes] = {
    "100,000 deep": DEEP,
    "deep object": b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    "not UTF-8": b'{"module_id": "\xff\xfe"}',
    "NaN": b'{"module_id": NaN}',
    "empty": b"",
    "truncated": b'{"module_id": "m01", "experiments": [',
    "HTML": b"<html><body>502 Bad Gateway</body></html>",
    "a list": b"[1, 2, 3]",
    "a string": b'"m01"',
    "null": b"null",
    "an empty object": b"{}",
    "UTF-16": '{"module_id": "m01"}'.encode("utf-16"),
    "huge number": b'{"module_id": "m01", "experiments": [], "x": 1e999}',
}


def files(data: Path) -> dict[str, bytes]:
    return {
        p.relative_to(data).as_posix(): p.read_bytes()
        for p in sorted(data.rglob("*"))
        if p.is_file() and not p.is_symlink() and p.name != ".sheets-sync.lock"
    }


@dataclass
class Walk:
    data: Path
    server: EmulatorServer
    tmp: Path

    def sync(self, command: str, *extra: str) -> list[str]:
        return [
            command,
            "--data-dir",
            str(self.data),
            "--endpoint",
            self.server.url,
            "--spreadsheet",
            SHEET,
            *extra,
        ]

    def commands(self) -> list[list[str]]:
        """Every command that reads the data directory, as a user would run it."""
        d = str(self.data)
        return [
            ["validate", "--data-dir", d],
            ["index", "--data-dir", d],
            ["show", "m01", "--data-dir", d],
            ["suggest", "m01", "--data-dir", d, "--version", "v1", "--rubric", "M01_brand_extracted",
             "--issue", "i", "--suggestion", "s"],
            ["import", "--data-dir", d, str(self.data / "judge_results" / "m01_v1_gpt-5_20260120.json")],
            ["dashboard", "--data-dir", d, "--out", str(self.tmp / "site")],
            self.sync("push"),
            self.sync("pull"),
            self.sync("status"),
        ]  # fmt: skip


def run(args: list[str], cwd: Path | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.stdout, result.stderr


def refused(args: list[str], data: Path) -> str:
    """Run ``args``: it must fail with one line (no internal error) and leave the data directory's bytes alone."""
    before = files(data)
    code, out, err = run(args)
    assert code != 0, (args[:3], out, err)
    assert "internal error" not in err and "Traceback" not in err, (args[:3], err)
    lines = err.strip().splitlines()
    if code == 2:  # click's usage errors: "Usage: ...", "Try ...", "Error: ..."
        assert lines[-1].startswith("Error: "), err
    else:
        assert len(lines) == 1 and lines[0].startswith("error: "), (args[:3], err)
    assert files(data) == before, args[:3]
    return lines[-1]


@pytest.fixture
def walk(tmp_path: Path) -> Iterator[Walk]:
    emulator = Emulator()
    emulator.create_spreadsheet(SHEET, title="Evals")
    server = serve_http(emulator)
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data, ignore=shutil.ignore_patterns("*.lock", ".sync"))
    for path in (data / "modules").glob("*.json"):
        if path.stem not in ("m01", "m02"):
            path.unlink()
    assert run(["index", "--data-dir", str(data)])[0] == 0
    assert run(["push", "--data-dir", str(data), "--endpoint", server.url, "--spreadsheet", SHEET])[0] == 0
    try:
        yield Walk(data, server, tmp_path)
    finally:
        server.close()


def _replace(path: Path, content: bytes) -> Callable[[], None]:
    old = path.read_bytes() if path.exists() else None

    def restore() -> None:
        if old is None:
            path.unlink()
        else:
            path.write_bytes(old)

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return restore


@pytest.mark.parametrize("kind", list(HOSTILE_JSON))
def test_a_hostile_module_file_is_refused_by_every_command(walk: Walk, kind: str) -> None:
    path = walk.data / "modules" / "m01.json"
    _replace(path, HOSTILE_JSON[kind])
    for args in walk.commands():
        line = refused(args, walk.data)
        if args[0] != "validate":
            assert "m01.json" in line, (args[0], line)


def test_a_module_file_with_a_key_given_twice_is_refused_naming_the_key(walk: Walk) -> None:
    """Two "suggestions" lists: the last would win, and the next write would drop the first."""
    path = walk.data / "modules" / "m01.json"
    text = path.read_text()
    module = json.loads(text)
    doubled = text.rstrip().removesuffix("}") + ', "suggestions": []\n}\n'
    assert json.loads(doubled)["suggestions"] == [] and module["suggestions"]
    _replace(path, doubled.encode())
    for args in walk.commands():
        line = refused(args, walk.data)
        assert "'suggestions' appears twice" in (line if args[0] != "validate" else run(args)[1]), line


@pytest.mark.parametrize("kind", list(HOSTILE_JSON))
def test_hostile_sync_records_are_refused(walk: Walk, kind: str) -> None:
    base = walk.data / ".sync" / f"{SHEET}.json"
    for path in (base, walk.data / ".sync" / "pending" / f"{SHEET}.json"):
        restore = _replace(path, HOSTILE_JSON[kind])
        for args in walk.commands()[3:4] + walk.commands()[6:]:  # suggest reads them too (ids never reused)
            line = refused(args, walk.data)
            assert path.name in line, (args[0], line)
        refused(walk.commands()[0], walk.data)  # validate lists it
        assert str(path) in run(walk.commands()[0])[1]
        restore()


@pytest.mark.parametrize("kind", ["100,000 deep", "not UTF-8", "NaN", "HTML", "an empty object"])
def test_a_hostile_judge_file_is_refused(walk: Walk, kind: str) -> None:
    path = walk.tmp / "inbox" / "m01_v9_gpt-5_20260301.json"
    _replace(path, HOSTILE_JSON[kind])
    line = refused(["import", "--data-dir", str(walk.data), str(path)], walk.data)
    assert str(path) in line


def test_a_judge_file_with_a_key_given_twice_is_refused(walk: Walk) -> None:
    source = walk.data / "judge_results" / "m01_v1_gpt-5_20260120.json"
    text = source.read_text().rstrip().removesuffix("}") + ', "model": "other"\n}\n'
    path = walk.tmp / "inbox" / source.name
    _replace(path, text.encode())
    line = refused(["import", "--data-dir", str(walk.data), str(path)], walk.data)
    assert "'model' appears twice" in line


def test_a_damaged_journal_intent_is_refused_not_guessed_at(walk: Walk) -> None:
    intent = walk.data / ".sheets-sync-tmp" / "import-0123456789ab" / "journal.json"
    for content in (HOSTILE_JSON["100,000 deep"], b'{"version": 99}', b"{"):
        _replace(intent, content)
        for args in walk.commands()[1:2] + walk.commands()[3:5]:
            assert "journal.json" in refused(args, walk.data)


def test_hostile_data_directories_are_refused(walk: Walk) -> None:
    modules = walk.data / "modules"
    cases: list[Callable[[], Callable[[], None]]] = []

    def dangling() -> Callable[[], None]:
        (modules / "m09.json").symlink_to(modules / "gone.json")
        return (modules / "m09.json").unlink

    def outside() -> Callable[[], None]:
        (walk.tmp / "out.json").write_bytes((modules / "m02.json").read_bytes())
        (modules / "m02.json").rename(walk.tmp / "m02.saved")
        (modules / "m02.json").symlink_to(walk.tmp / "out.json")

        def undo() -> None:
            (modules / "m02.json").unlink()
            (walk.tmp / "m02.saved").rename(modules / "m02.json")

        return undo

    def folder() -> Callable[[], None]:
        (modules / "m09.json").mkdir()
        return (modules / "m09.json").rmdir

    def misnamed() -> Callable[[], None]:
        return _replace(modules / "m09.json", (modules / "m02.json").read_bytes())

    cases = [dangling, outside, folder, misnamed]
    for make in cases:
        undo = make()
        for args in walk.commands():
            if args[0] == "show" or args[0] == "dashboard" and make is misnamed:
                continue  # show m01 reads one module; a misnamed file is for validate and writers
            refused(args, walk.data)
        undo()


def test_hostile_arguments_are_one_line_each(walk: Walk) -> None:
    d = str(walk.data)
    a_file = walk.tmp / "a-file"
    a_file.write_text("x")
    config = walk.tmp / "sheets-sync.toml"
    long = "x" * 5_000
    cases = [
        walk.sync("push")[:-2] + ["--spreadsheet", long],
        walk.sync("pull")[:-2]
        + ["--spreadsheet", "https://docs.google.com/spreadsheets/d/" + long + "/edit"],
        ["push", "--data-dir", d, "--spreadsheet", SHEET, "--endpoint", "http://127.0.0.1:99999"],
        ["push", "--data-dir", d, "--spreadsheet", SHEET, "--endpoint", "http://[::1"],
        ["push", "--data-dir", d, "--spreadsheet", SHEET, "--endpoint", "http://"],
        ["push", "--data-dir", d, "--spreadsheet", SHEET, "--endpoint", "ftp://example.com"],
        ["push", "--data-dir", d, "--spreadsheet", SHEET, "--endpoint", "http://exa mple.com"],
        ["status", "--data-dir", d, "--spreadsheet", SHEET, "--credentials", str(walk.tmp)],
        ["status", "--data-dir", d, "--spreadsheet", SHEET, "--credentials", str(a_file)],
        walk.sync("status") + ["--deadline", "nan"],
        walk.sync("status") + ["--deadline", "inf"],
        ["index", "--data-dir", long],
        ["import", "--data-dir", long, str(walk.data / "judge_results")],
        ["import", "--data-dir", str(a_file), str(walk.data / "judge_results")],
        ["import", "--data-dir", str(a_file / "below"), str(walk.data / "judge_results")],
        ["import", "--data-dir", d, long],
        ["schema", "--out", str(a_file / "schemas")],
        ["dashboard", "--data-dir", d, "--out", str(a_file / "site")],
        ["import", "--data-dir", d, "/dev/zero"],
        ["show", long, "--data-dir", d],
        ["show", "../../etc/passwd", "--data-dir", d],
        ["validate", "--data-dir", str(a_file)],
    ]
    for args in cases:
        refused(args, walk.data)
    for text, words in (
        ('spreadsheet_idd = "x"\n', "did you mean 'spreadsheet_id'"),
        ("endpoint = \n", "not a readable TOML file"),
        (b"\xff".decode("latin-1"), "not a readable TOML file"),
    ):
        config.write_text(text, encoding="utf-8")
        line = refused(walk.sync("status") + ["--config", str(config)], walk.data)
        assert words in line, line


class _FixedAnswer(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


def _good_answer(walk: Walk) -> dict[str, object]:
    import requests

    fields = "spreadsheetId,sheets(properties,data(rowData(values(userEnteredValue)))),developerMetadata"
    url = f"{walk.server.url}/v4/spreadsheets/{SHEET}"
    return requests.get(url, params={"includeGridData": "true", "fields": fields}, timeout=10).json()


def _wrong_answers(good: dict[str, object]) -> dict[str, bytes]:
    def changed(edit: Callable[[dict], None]) -> bytes:
        copy = json.loads(json.dumps(good))
        edit(copy)
        return json.dumps(copy).encode()

    return {
        "HTML": b"<!DOCTYPE html><html><body>Sign in</body></html>",
        "empty": b"",
        "truncated": json.dumps(good).encode()[:200],
        "{}": b"{}",
        "a list": b"[]",
        "no tabs": changed(lambda a: a.update(sheets=[])),
        "sheets not a list": changed(lambda a: a.update(sheets="Heatmap")),
        "title a number": changed(lambda a: a["sheets"][0]["properties"].update(title=7)),
        "sheetId a string": changed(lambda a: a["sheets"][0]["properties"].update(sheetId="1")),
        "sheetId out of range": changed(lambda a: a["sheets"][0]["properties"].update(sheetId=2**40)),
        "rowCount negative": changed(
            lambda a: a["sheets"][0]["properties"].update(gridProperties={"rowCount": -1})
        ),
        "another spreadsheet": changed(lambda a: a.update(spreadsheetId="1Other")),
        "metadataId a string": changed(
            lambda a: a.update(developerMetadata=[{"metadataId": "x", "metadataKey": "k"}])
        ),
    }


def test_answers_google_does_not_send_are_one_line_naming_the_endpoint(walk: Walk) -> None:
    good = _good_answer(walk)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _FixedAnswer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    endpoint = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        for kind, body in _wrong_answers(good).items():
            _FixedAnswer.body = body
            for command in ("push", "pull", "status"):
                args = [command, "--data-dir", str(walk.data), "--endpoint", endpoint, "--spreadsheet", SHEET]
                line = refused(args + ["--deadline", "1"], walk.data)
                assert endpoint in line and "spreadsheets.get" in line, (kind, line)
    finally:
        httpd.shutdown()


class _Corrupting(BaseHTTPRequestHandler):
    """Forwards to the emulator, but answers ``body`` to every ``spreadsheets.getByDataFilter`` (the check after a
    write reads the written tabs that way)."""

    upstream = ""
    body = b""
    corrupted = 0

    def _forward(self, method: str) -> None:
        import requests

        length = int(self.headers.get("Content-Length") or 0)
        sent = self.rfile.read(length) if length else None
        if ":getByDataFilter" in self.path:
            type(self).corrupted += 1
            status, answer = 200, self.body
        else:
            headers = {"Content-Type": self.headers.get("Content-Type", "application/json")}
            reply = requests.request(
                method, self.upstream + self.path, data=sent, headers=headers, timeout=30
            )
            status, answer = reply.status_code, reply.content
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def do_GET(self) -> None:
        self._forward("GET")

    def do_POST(self) -> None:
        self._forward("POST")

    def log_message(self, *args: object) -> None:
        pass


def test_a_wrong_answer_to_the_check_after_a_write_is_one_line_and_saves_nothing(walk: Walk) -> None:
    """The check after a push's write reads the written tabs by getByDataFilter (narrowed field mask, parsed from
    the answer's bytes tab by tab): an answer Google does not send is one line naming the endpoint and that method,
    exit 1, and neither a module file nor the base snapshot is saved (the pending record of what was written stays:
    the next run converges from it)."""
    good = _good_answer(walk)
    wrong = {
        "HTML": b"<html><body>502 Bad Gateway</body></html>",
        "empty": b"",
        "truncated": json.dumps(good).encode()[:200],
        "{}": b"{}",
        "not UTF-8": b'{"spreadsheetId": "\xff"}',
        "title a number": json.dumps(
            {**good, "sheets": [{"properties": {"sheetId": 1, "title": 7}}]}
        ).encode(),
        "deep": b'{"spreadsheetId": ' + DEEP + b"}",
    }
    _Corrupting.upstream = walk.server.url
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Corrupting)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    endpoint = f"http://127.0.0.1:{httpd.server_address[1]}"
    path = walk.data / "modules" / "m01.json"
    try:
        for number, (kind, body) in enumerate(wrong.items()):
            module = json.loads(path.read_text())
            module["description"] = f"edited before push {number}"
            path.write_text(json.dumps(module, indent=2, ensure_ascii=False) + "\n")
            _Corrupting.body, _Corrupting.corrupted = body, 0
            kept = {k: v for k, v in files(walk.data).items() if "pending" not in k}
            args = ["push", "--data-dir", str(walk.data), "--endpoint", endpoint, "--spreadsheet", SHEET]
            code, _, err = run([*args, "--deadline", "1"])
            assert code == 1 and _Corrupting.corrupted, (kind, err)
            lines = err.strip().splitlines()
            assert len(lines) == 1 and "internal error" not in err, (kind, err)
            assert endpoint in lines[0] and "spreadsheets.getByDataFilter" in lines[0], (kind, lines[0])
            assert {k: v for k, v in files(walk.data).items() if "pending" not in k} == kept, kind
            # the sheet was written: the next push against the real answers converges, no conflict
            code, _, err = run(walk.sync("push"))
            assert code == 0, (kind, err)
    finally:
        httpd.shutdown()


# ------------------------------------------------------------------------------------------------ newer commands

TRACKERS = Path(__file__).resolve().parent / "migrate" / "trackers"


def _migrate(data: Path, *, yaml: Path | None = None, js: Path | None = None) -> list[str]:
    yaml = yaml or TRACKERS / "progress_history.yaml"
    js = js or TRACKERS / "modules_data.js"
    return [
        "migrate",
        "--data-dir",
        str(data),
        "--progress-yaml",
        str(yaml),
        "--modules-js",
        str(js),
        "--apply",
    ]


def _fixed_answer_server(body: bytes) -> tuple[ThreadingHTTPServer, str]:
    _FixedAnswer.body = body
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _FixedAnswer)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


@pytest.mark.parametrize("kind", list(HOSTILE_JSON))
def test_a_hostile_module_file_is_refused_by_migrate_and_export(walk: Walk, kind: str) -> None:
    path = walk.data / "modules" / "m01.json"
    _replace(path, HOSTILE_JSON[kind])
    for args in (
        _migrate(walk.data),
        ["export", "csv", "--data-dir", str(walk.data), "--out", str(walk.tmp / "t.csv")],
    ):
        line = refused(args, walk.data)
        assert "m01.json" in line, (args[0], line)
    assert not (walk.tmp / "t.csv").exists()


@pytest.mark.parametrize("kind", list(HOSTILE_JSON))
def test_hostile_legacy_trackers_are_refused_naming_the_file(walk: Walk, kind: str) -> None:
    for suffix, option in ((".yaml", "yaml"), (".js", "js")):
        tracker = walk.tmp / f"hostile{suffix}"
        tracker.write_bytes(HOSTILE_JSON[kind])
        line = refused(_migrate(walk.data, **{option: tracker}), walk.data)  # type: ignore[arg-type]
        assert tracker.name in line, (kind, line)


def test_hostile_braintrust_answers_are_one_line_naming_the_url(
    walk: Walk, monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies = {
        **HOSTILE_JSON,
        "a key twice": b'{"objects": [], "objects": [{"id": "x"}]}',
        "objects not a list": b'{"objects": "none"}',
    }
    for kind, body in bodies.items():
        httpd, url = _fixed_answer_server(body)
        try:
            monkeypatch.setenv("BRAINTRUST_API_KEY", "sk-hostile-walk")
            monkeypatch.setenv("BRAINTRUST_API_URL", url)
            line = refused(
                ["braintrust", "pull", "--project", "evals", "--data-dir", str(walk.data)], walk.data
            )
            assert url in line and "sk-hostile-walk" not in line, (kind, line)
        finally:
            httpd.shutdown()


def test_hostile_export_destinations_are_one_line(walk: Walk) -> None:
    a_file = walk.tmp / "a-file"
    a_file.write_text("x")
    export = ["export", "csv", "--data-dir", str(walk.data), "--out"]
    for out in (walk.tmp, a_file / "below.csv", walk.tmp / ("x" * 5_000 + ".csv")):
        refused([*export, str(out)], walk.data)
    assert a_file.read_text() == "x"
