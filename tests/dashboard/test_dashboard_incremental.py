"""`dashboard --out DIR` over an earlier build re-renders only what changed, and writes what a full build writes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from dashboard_factory import m01, run, sample_modules, write_modules
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_sync import jsonio
from sheets_sync.cli import main
from sheets_sync.dashboard import build as site_build
from sheets_sync.dashboard.build import CHUNK_ROWS, Theme, build_site, build_site_report, output_lock
from sheets_sync.dashboard.manifest import MANIFEST_NAME, read_manifest
from sheets_sync.errors import DataError, LockedError
from sheets_sync.index_file import write_index
from sheets_sync.models import Module
from sheets_sync.store import Store


def files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def assert_same_as_full_build(store: Store, site: Path, tmp: Path, **options: object) -> None:
    """Every file of ``site`` (the manifest too) is what a fresh build of the same data writes, and no more."""
    fresh = tmp / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    build_site(store, fresh, **options)  # type: ignore[arg-type]
    assert files(site) == files(fresh)


def save(store: Store, *modules: Module) -> None:
    with store.lock():
        for module in modules:
            store.save_module(module)
        write_index(store)


def remove(store: Store, module_id: str) -> None:
    with store.lock():
        store.module_path(module_id).unlink()
        write_index(store)


def with_run(module: Module, version: str, passed: int, day: int) -> Module:
    extra = run(module.module_id, version, "gpt-5", passed, day=day)
    return module.model_copy(update={"experiments": [*module.experiments, extra]})


def renamed(module: Module, number: int) -> Module:
    module_id = f"x{number:02d}"
    experiments = [
        run(module_id, e.prompt_version, e.model, e.metrics.passed, day=e.timestamp.day)
        for e in module.experiments
    ]
    return module.model_copy(
        update={
            "module_id": module_id,
            "module_name": f"Copy{number}",
            "experiments": experiments,
            "suggestions": [],
        }
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return write_modules(tmp_path / "data", sample_modules())


def test_an_unchanged_site_writes_nothing(store: Store, tmp_path: Path) -> None:
    site = tmp_path / "site"
    first = build_site_report(store, site)
    assert first.full and "index.html" in first.written and "modules/m01.html" in first.written
    before = {p: (site / p).stat().st_mtime_ns for p in files(site)}
    again = build_site_report(store, site)
    assert (again.full, again.written, again.deleted) == (False, [], [])
    assert {p: (site / p).stat().st_mtime_ns for p in files(site)} == before


def test_one_module_changed_rewrites_its_page_the_heatmap_and_its_data_script(
    store: Store, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    build_site(store, site)
    save(store, with_run(m01(), "v11", 45, day=25))
    report = build_site_report(store, site)
    assert report.written[0].startswith("heatmap/rows-") and len(report.written) == 3
    assert report.written[1:] == ["index.html", "modules/m01.html"]
    assert len(report.deleted) == 1 and report.deleted[0].startswith("heatmap/rows-")
    assert "m01_v11_gpt5_20260125" in (site / "modules/m01.html").read_text()
    assert_same_as_full_build(store, site, tmp_path)


def test_a_module_edit_touches_only_its_own_data_script(tmp_path: Path) -> None:
    modules = [renamed(m01(), n) for n in range(1, CHUNK_ROWS + 3)]  # two data scripts
    store = write_modules(tmp_path / "data", modules)
    site = tmp_path / "site"
    build_site(store, site)
    scripts = sorted((site / "heatmap").iterdir())
    assert len(scripts) == 2
    save(store, with_run(modules[-1], "v10", 45, day=25))  # same versions and models; second script
    report = build_site_report(store, site)
    assert report.written[1:] == ["index.html", f"modules/{modules[-1].module_id}.html"]
    assert len(set(scripts) & set((site / "heatmap").iterdir())) == 1  # the first script was kept
    assert_same_as_full_build(store, site, tmp_path)


def test_a_removed_module_loses_its_page_and_an_added_one_gets_one(store: Store, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(store, site)
    remove(store, "m03")
    report = build_site_report(store, site)
    assert "modules/m03.html" in report.deleted and not (site / "modules/m03.html").exists()
    assert_same_as_full_build(store, site, tmp_path)
    save(store, renamed(m01(), 7))
    report = build_site_report(store, site)
    assert "modules/x07.html" in report.written and "modules/m01.html" not in report.written
    assert_same_as_full_build(store, site, tmp_path)


def test_a_new_stamp_rebuilds_every_page(store: Store, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(store, site)
    report = build_site_report(store, site, stamp="2026-02-03 10:00 UTC")
    assert {"index.html", "modules/m01.html", "modules/m02.html", "modules/m03.html"} <= set(report.written)
    assert "Built 2026-02-03 10:00 UTC" in (site / "modules/m02.html").read_text()
    assert_same_as_full_build(store, site, tmp_path, stamp="2026-02-03 10:00 UTC")
    build_site(store, site)
    assert "Built" not in (site / "index.html").read_text()
    assert_same_as_full_build(store, site, tmp_path)


def copy_theme(tmp_path: Path) -> Theme:
    theme = Theme(templates_dir=tmp_path / "templates", assets_dir=tmp_path / "assets")
    shutil.copytree(site_build.TEMPLATES_DIR, theme.templates_dir)
    shutil.copytree(site_build.ASSETS_DIR, theme.assets_dir)
    return theme


def test_a_changed_template_or_asset_rebuilds_with_it(store: Store, tmp_path: Path) -> None:
    theme = copy_theme(tmp_path / "theme")
    site = tmp_path / "site"
    build_site(store, site, theme=theme)
    base = theme.templates_dir / "base.html"
    base.write_text(base.read_text().replace("· sheets-sync</title>", "· evals</title>"))
    report = build_site_report(store, site, theme=theme)
    assert report.full and "· evals</title>" in (site / "modules/m01.html").read_text()
    assert_same_as_full_build(store, site, tmp_path, theme=theme)
    css = theme.assets_dir / "style.css"
    css.write_text(css.read_text() + "\n/* changed */\n")
    report = build_site_report(store, site, theme=theme)
    assert report.full and (site / "assets/style.css").read_text().endswith("/* changed */\n")
    assert_same_as_full_build(store, site, tmp_path, theme=theme)


@pytest.mark.parametrize(
    "manifest",
    [None, "", "{not json", '{"format": 99}', '{"format": 1, "code": 3}', "a key twice"],
)
def test_a_missing_or_unreadable_manifest_means_a_full_build(
    store: Store, tmp_path: Path, manifest: str | None
) -> None:
    site = tmp_path / "site"
    build_site(store, site)
    save(store, with_run(m01(), "v11", 45, day=25))
    if manifest is None:
        (site / MANIFEST_NAME).unlink()
    elif manifest == "a key twice":  # the real manifest, read strictly: json.loads would take the last "code"
        text = (site / MANIFEST_NAME).read_text()
        (site / MANIFEST_NAME).write_text(text.replace("{", '{"code": "other code", ', 1))
    else:
        (site / MANIFEST_NAME).write_text(manifest)
    report = build_site_report(store, site)
    assert report.full and "modules/m02.html" in report.written
    assert_same_as_full_build(store, site, tmp_path)


def test_an_output_file_deleted_or_cut_short_is_rewritten(store: Store, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(store, site)
    (site / "modules/m02.html").unlink()
    page = site / "modules/m03.html"
    page.write_bytes(page.read_bytes()[:100])
    report = build_site_report(store, site)
    assert report.written == ["modules/m02.html", "modules/m03.html"]
    assert_same_as_full_build(store, site, tmp_path)


def test_a_hand_edited_module_without_a_new_index_is_still_refused(store: Store, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(store, site)
    before = files(site)
    module = m01()
    kept = [e for e in module.experiments if e.prompt_version != "v10"]
    with store.lock():
        store.save_module(module.model_copy(update={"experiments": kept}))
    with pytest.raises(DataError, match=r"unknown experiment m01_v10_gpt4o_20260120"):
        build_site(store, site)
    assert files(site) == before  # nothing written, the manifest kept


def test_an_invalid_module_file_is_refused_and_nothing_is_written(store: Store, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(store, site)
    before = files(site)
    store.module_path("m02").write_text('{"module_id": "m02"', encoding="utf-8")
    with pytest.raises(DataError, match="invalid JSON"):
        build_site(store, site)
    assert files(site) == before


def test_a_build_stopped_halfway_leaves_no_manifest_and_the_next_is_full(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    build_site(store, site)
    save(store, with_run(m01(), "v11", 45, day=25), with_run(sample_modules()[2], "v11", 20, day=26))
    real_render = site_build.render_module

    def stopped(env, module, *args, **kwargs):  # type: ignore[no-untyped-def]
        if module.module_id == "m03":  # after m01's page was replaced
            raise KeyboardInterrupt
        return real_render(env, module, *args, **kwargs)

    monkeypatch.setattr(site_build, "render_module", stopped)
    with pytest.raises(KeyboardInterrupt):
        build_site(store, site)
    assert read_manifest(site) is None
    monkeypatch.setattr(site_build, "render_module", real_render)
    assert build_site_report(store, site).full
    assert_same_as_full_build(store, site, tmp_path)


CHANGES = st.lists(
    st.one_of(
        st.tuples(st.just("edit"), st.sampled_from(["m01", "m02", "m03"]), st.integers(0, 50)),
        st.tuples(st.just("add"), st.integers(1, 4), st.integers(0, 50)),
        st.tuples(st.just("remove"), st.sampled_from(["m01", "m02", "m03", "x01", "x02"]), st.just(0)),
        st.tuples(st.just("stamp"), st.sampled_from([None, "2026-02-03 10:00 UTC"]), st.just(0)),
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=CHANGES)
def test_any_sequence_of_changes_builds_what_a_full_build_builds(
    tmp_path_factory: pytest.TempPathFactory, changes: list[tuple[str, object, int]]
) -> None:
    tmp = tmp_path_factory.mktemp("sequence")
    store = write_modules(tmp / "data", sample_modules())
    site, stamp = tmp / "site", None
    build_site(store, site)
    for day, (kind, target, passed) in enumerate(changes, start=2):
        if kind == "edit" and store.has_module(str(target)):
            save(store, with_run(store.load_module(str(target)), f"v{20 + day}", passed, day=day))
        elif kind == "add":
            save(store, with_run(renamed(m01(), int(target)), "v30", passed, day=day))  # type: ignore[call-overload]
        elif kind == "remove" and store.has_module(str(target)):
            remove(store, str(target))
        elif kind == "stamp":
            stamp = target  # type: ignore[assignment]
        build_site(store, site, stamp=stamp)
        assert_same_as_full_build(store, site, tmp, stamp=stamp)


def test_the_dashboard_command_says_what_it_rendered(store: Store, tmp_path: Path) -> None:
    def dashboard() -> dict[str, object]:
        args = ["dashboard", "--out", str(tmp_path / "site"), "--data-dir", str(store.data_dir), "--json"]
        result = CliRunner(env={"SOURCE_DATE_EPOCH": ""}).invoke(main, args)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)  # type: ignore[no-any-return]

    first = dashboard()
    assert (first["full_build"], first["pages"], first["written"]) == (True, 4, 5)  # + one data script
    save(store, with_run(m01(), "v10", 45, day=25))
    assert {k: v for k, v in dashboard().items() if k != "index_html"} == {
        "pages": 4,
        "full_build": False,
        "written": 3,
        "deleted": 1,
    }


def test_a_second_build_into_the_same_folder_fails_at_once(store: Store, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(store, site)
    before = files(site)
    with output_lock(site), pytest.raises(LockedError, match="another sheets-sync is building"):
        build_site(store, site)
    assert files(site) == before


def test_a_failed_first_build_leaves_no_folder_behind(tmp_path: Path) -> None:
    store = write_modules(tmp_path / "data", [m01()])
    store.index_path.unlink()
    with pytest.raises(DataError, match="run `sheets-sync index` first"):
        build_site(store, tmp_path / "site")
    assert not (tmp_path / "site").exists()


# ------------------------------------------------------------------ the cost of an incremental build: what changed


def chunked_store(tmp_path: Path) -> tuple[Store, list[Module]]:
    """Two heatmap data scripts: CHUNK_ROWS modules, then 3."""
    modules = [renamed(m01(), n) for n in range(1, CHUNK_ROWS + 4)]
    return write_modules(tmp_path / "data", modules), modules


def test_one_changed_module_parses_the_index_lines_of_its_data_script_and_renders_its_row(
    tmp_path: Path,
) -> None:
    store, modules = chunked_store(tmp_path)
    site = tmp_path / "site"
    first = build_site_report(store, site)
    assert (first.parsed_lines, first.rendered_rows) == (len(modules), len(modules))
    unchanged = build_site_report(store, site)
    assert (unchanged.written, unchanged.parsed_lines, unchanged.rendered_rows) == ([], 0, 0)
    save(store, with_run(modules[-1], "v10", 45, day=25))
    report = build_site_report(store, site)
    # its data script's 3 lines and the first row's (the table's tab stop is always rendered again)
    assert (report.parsed_lines, report.rendered_rows) == (4, 2)
    assert_same_as_full_build(store, site, tmp_path)


def test_an_index_line_edited_by_hand_is_read_again(store: Store, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(store, site)
    index = store.index_path.read_text(encoding="utf-8")
    assert index.count('"name":"Validate') == 1
    edited = index.replace('"name":"Validate', '"name":"Edited Validate')
    store.index_path.write_text(edited, encoding="utf-8")
    report = build_site_report(store, site)
    # the three modules share a data script: its lines are parsed, not the module files
    assert report.parsed_lines == 3 and "index.html" in report.written
    assert "Edited Validate" in (site / "index.html").read_text(encoding="utf-8")
    assert_same_as_full_build(store, site, tmp_path)


def test_an_index_line_broken_by_hand_is_the_error_of_the_whole_file(store: Store, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(store, site)
    before = files(site)
    index = store.index_path.read_text(encoding="utf-8")
    store.index_path.write_text(index.replace('"name":"Validate', '"name":Validate', 1), encoding="utf-8")
    with pytest.raises(DataError) as whole:
        jsonio.read_json(store.index_path)
    with pytest.raises(DataError) as built:
        build_site(store, site)
    assert "(line 9, column" in str(whole.value) and str(built.value) == str(whole.value)
    assert files(site) == before


@pytest.mark.parametrize("layout", ["indented", "byte order mark", "module twice"])
def test_an_index_laid_out_otherwise_is_parsed_whole(store: Store, tmp_path: Path, layout: str) -> None:
    canonical = tmp_path / "canonical"
    build_site(store, canonical)
    site = tmp_path / "site"
    build_site(store, site)
    data = store.index_path.read_bytes()
    if layout == "indented":
        store.index_path.write_text(json.dumps(json.loads(data), indent=2), encoding="utf-8")
    elif layout == "byte order mark":
        store.index_path.write_bytes(b"\xef\xbb\xbf" + data)
    else:
        line = next(line for line in data.split(b"\n") if line.startswith(b'"m02":'))  # ends with ","
        store.index_path.write_bytes(data.replace(line, line + b"\n" + line))
        with pytest.raises(DataError, match="key 'm02' appears twice"):
            build_site(store, site)
        return
    report = build_site_report(store, site)
    assert report.parsed_lines == 3
    assert files(site) == files(canonical)  # an entry's digest is that of its line as `index` writes it


def test_rows_are_kept_by_module_whatever_their_text(tmp_path: Path) -> None:
    """A module name with a line break or markup does not confuse where its row of index.html ends."""
    odd = m01().model_copy(update={"module_name": "Two\nlines </tr>\n<tr> & </tbody>"})
    store = write_modules(tmp_path / "data", [odd, *sample_modules()[1:]])
    site = tmp_path / "site"
    build_site(store, site)
    save(store, with_run(store.load_module("m03"), "v10", 20, day=26))
    report = build_site_report(store, site)
    assert report.rendered_rows == 2  # the first row (m01's, the tab stop) and m03's
    assert "Two\nlines &lt;/tr&gt;" in (site / "index.html").read_text(encoding="utf-8")
    assert_same_as_full_build(store, site, tmp_path)


def test_a_new_first_row_or_a_new_version_renders_the_rows_again(tmp_path: Path) -> None:
    modules = [renamed(m01(), n) for n in range(1, 6)]  # the same versions each
    store = write_modules(tmp_path / "data", modules[1:])
    site = tmp_path / "site"
    build_site(store, site)
    save(store, modules[0])  # sorts first: x02's row held the table's tab stop and no longer does
    report = build_site_report(store, site)
    assert report.rendered_rows == 2
    assert_same_as_full_build(store, site, tmp_path)
    save(store, with_run(modules[2], "v99", 20, day=26))  # a column more in every row
    assert build_site_report(store, site).rendered_rows == len(modules)
    assert_same_as_full_build(store, site, tmp_path)


def test_a_heatmap_cut_short_is_rendered_whole(store: Store, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(store, site)
    page = site / "index.html"
    # its rows are not taken from a file the last build did not write
    page.write_bytes(page.read_bytes()[:-200])
    save(store, with_run(store.load_module("m03"), "v10", 20, day=26))
    assert build_site_report(store, site).rendered_rows == 3
    assert_same_as_full_build(store, site, tmp_path)
