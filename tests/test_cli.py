"""main.py as a user runs it: a subprocess, its exit code, its stdout and stderr."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO_ROOT, shared_path
from tests.data.bad_files import BAD_FILES, BAD_LESSONS, MALFORMED_LESSONS, ODD_FILES

MAIN = str(REPO_ROOT / "main.py")


def gazette(*args: str, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, MAIN, *args], input=stdin, capture_output=True, text=True, timeout=timeout,
        cwd=REPO_ROOT, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )  # fmt: skip


@pytest.fixture(scope="module", autouse=True)
def built_index():
    """Build the place index first, so that its one-off progress lines are not in what tests read."""
    gazette("geoparse", "--jsonl", "-", stdin='{"id": "warm-up", "text": "Kyiv"}\n', timeout=300)


@pytest.mark.parametrize("case", BAD_FILES + BAD_LESSONS, ids=lambda c: c.name)
@pytest.mark.parametrize("command", ["geoparse", "export"])
def test_bad_file_is_one_message_and_exit_2(tmp_path, case, command):
    path = case.make(tmp_path)
    args = [command, str(path)] + (["-o", str(tmp_path / "out.html")] if command == "export" else [])
    result = gazette(*args, timeout=60)  # a FIFO or device read would never end
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    if case in BAD_FILES:
        assert lines[0].startswith(f"gazette: Cannot open {path}")
    else:
        assert lines[0].startswith(("gazette: Cannot open lesson ", "gazette: Lesson ", f"gazette: Cannot open {path}")) and str(path) in lines[0]
    assert re.search(case.message, lines[0]), lines[0]
    assert result.stdout == ""
    assert not (tmp_path / "out.html").exists()


@pytest.mark.parametrize("case", MALFORMED_LESSONS, ids=lambda c: c.name)
@pytest.mark.parametrize("command", ["geoparse", "export"])
def test_every_lesson_refusal_is_one_line_naming_file_line_and_field_and_exit_2(tmp_path, case, command):
    path = case.make(tmp_path)
    args = [command, str(path)] + (["-o", str(tmp_path / "out.html")] if command == "export" else [])
    result = gazette(*args, timeout=60)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"gazette: Lesson {path}"), lines[0]
    assert re.search(case.message, lines[0]), lines[0]
    assert result.stdout == "" and not (tmp_path / "out.html").exists()
    assert "Private notes" not in result.stderr  # nothing outside the lesson's folder was read into the message


@pytest.mark.parametrize("case", ODD_FILES, ids=lambda c: c.name)
@pytest.mark.parametrize("command", ["geoparse", "export"])
def test_odd_but_readable_files_are_read(tmp_path, case, command):
    path = case.make(tmp_path)
    out = tmp_path / "out.geojson"
    args = [command, str(path)] + (["-o", str(out)] if command == "export" else [])
    result = gazette(*args, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and result.stderr == ""
    if command == "geoparse":
        (doc,) = json.loads(result.stdout)
        assert [p["text"] for p in doc["places"]] == list(case.places)
        assert not re.search("[\\ud800-\\udfff]", result.stdout)
    else:
        names = {f["properties"]["name"] for f in json.loads(out.read_text(encoding="utf-8"))["features"]}
        assert set(case.places) <= names


def test_jsonl_lone_surrogates_are_replaced_not_fatal():
    line = '{"id": "a\\ud800b", "title": "T\\udc00", "text": "Ships left \\ud800 Odesa for Istanbul."}\n'
    result = gazette("geoparse", "--jsonl", "-", stdin=line)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["id"] == "a\ufffdb"
    text = "Ships left \ufffd Odesa for Istanbul."  # one character for one: the offsets still hold
    assert [(p["text"], text[p["start"] : p["end"]]) for p in out["places"]] == [("Odesa", "Odesa"), ("Istanbul", "Istanbul")]


def test_jsonl_from_a_fifo_is_refused_up_front(tmp_path):
    fifo = tmp_path / "in.jsonl"
    os.mkfifo(fifo)
    result = gazette("geoparse", "--jsonl", str(fifo), timeout=30)
    assert result.returncode == 2
    assert result.stderr == f"gazette: Cannot open {fifo}: it is not a regular file.\n"


@pytest.mark.parametrize(
    "args",
    [["geoparse"], ["export", "a.txt"], ["export", "a.txt", "-o", "x.png", "--size", "big"],
     ["export", "a.txt", "-o", "x.png", "--size", "10x10"], ["--basemap", "google"], ["geoparse", "--bogus"]],
)  # fmt: skip
def test_usage_errors_exit_2_without_traceback(args):
    result = gazette(*args)
    assert result.returncode == 2
    assert "usage:" in result.stderr and "Traceback" not in result.stderr


def test_export_format_must_be_known(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Ships left Odesa.", encoding="utf-8")
    result = gazette("export", str(article), "-o", str(tmp_path / "map.docx"))
    assert result.returncode == 2
    assert "cannot tell the format from 'map.docx'; give --format" in result.stderr


def test_missing_lesson_is_one_message(tmp_path):
    result = gazette("geoparse", str(tmp_path / "class.yaml"))
    assert result.returncode == 2
    assert result.stderr == f"gazette: Cannot open lesson {tmp_path / 'class.yaml'}: there is no such file.\n"


def test_bad_jsonl_line_is_named():
    result = gazette("geoparse", "--jsonl", "-", stdin='{"id": "a", "text": \n')
    assert result.returncode == 2
    assert result.stderr.startswith("gazette: standard input, line 1: not valid JSON (")
    result = gazette("geoparse", "--jsonl", "-", stdin='\n["not", "an", "object"]\n')
    assert result.returncode == 2
    assert result.stderr == 'gazette: standard input, line 2: expected an object with "id" and a "text" string.\n'


def test_missing_jsonl_file(tmp_path):
    result = gazette("geoparse", "--jsonl", str(tmp_path / "in.jsonl"))
    assert result.returncode == 2
    assert result.stderr == f"gazette: Cannot open {tmp_path / 'in.jsonl'}: No such file or directory.\n"


def test_interrupt_exits_130_quietly():
    proc = subprocess.Popen(
        [sys.executable, MAIN, "geoparse", "--jsonl", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT,
    )  # fmt: skip
    try:
        time.sleep(1.5)  # let it reach the blocking read of standard input
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert "Traceback" not in err


def test_geoparse_does_not_import_qt(tmp_path):
    code = (
        "import sys, main\n"
        f"rc = main.main(['geoparse', {str(tmp_path / 'nope.txt')!r}])\n"
        "assert rc == 2, rc\n"
        "assert not any(m.startswith(('PySide6', 'viewer')) for m in sys.modules), sorted(sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60)
    assert result.returncode == 0, result.stderr


# --- with the geoparser -------------------------------------------------------------------


def test_geoparse_seed_article_prints_places_as_json():
    path = shared_path("articles", "putin-kim-vostochny.txt")
    result = gazette("geoparse", str(path))
    assert result.returncode == 0, result.stderr
    (doc,) = json.loads(result.stdout)
    assert doc["title"].startswith("Vladimir Putin")
    text = path.read_text(encoding="utf-8")
    names = {p["text"] for p in doc["places"]}
    assert {"North Korea", "Vostochny"} & names or any("Vostochny" in n for n in names)
    for place in doc["places"]:
        assert set(place) == {"start", "end", "text", "name", "lat", "lon", "kind", "country", "confidence"}
        assert text.strip("\n")[place["start"] : place["end"]] == place["text"]
        assert -90 <= place["lat"] <= 90 and -180 <= place["lon"] <= 180


def test_no_places_is_said_not_an_error(tmp_path):
    path = tmp_path / "weather.txt"
    path.write_text("It rained all day and nobody went out.\n", encoding="utf-8")
    result = gazette("geoparse", str(path))
    assert result.returncode == 0
    assert result.stderr == "No places found in It rained all day and nobody went out.\n"
    assert json.loads(result.stdout)[0]["places"] == []


def test_jsonl_round_trip_scored_by_the_real_scorer(tmp_path):
    gold = shared_path("articles", "putin-kim-vostochny.gold.jsonl")
    scorer = shared_path("tools", "geoparse_score.py")
    result = gazette("geoparse", "--jsonl", str(gold))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    gold_ids = [json.loads(line)["id"] for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert [json.loads(line)["id"] for line in lines] == gold_ids
    pred = tmp_path / "pred.jsonl"
    pred.write_text(result.stdout, encoding="utf-8")
    scored = subprocess.run([sys.executable, str(scorer), str(gold), str(pred)], capture_output=True, text=True, check=True)
    figures = json.loads(scored.stdout)
    assert figures["docs_missing_in_pred"] == 0
    assert figures["pred"] > 0
    assert figures["F1_161"] >= 0.5, figures


def test_jsonl_streams_line_by_line():
    """An answer comes out for each line while standard input is still open."""
    proc = subprocess.Popen(
        [sys.executable, MAIN, "geoparse", "--jsonl", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT, encoding="utf-8",
    )  # fmt: skip
    try:
        assert proc.stdin and proc.stdout
        proc.stdin.write(json.dumps({"id": 7, "text": "Ships left Odesa for Istanbul.", "places": []}) + "\n")
        proc.stdin.flush()
        first = json.loads(proc.stdout.readline())  # would block forever without a flush per line
        assert first["id"] == 7
        assert [p["text"] for p in first["places"]] == ["Odesa", "Istanbul"]
        proc.stdin.write(json.dumps({"id": "b", "text": "Nothing here."}) + "\n")
        proc.stdin.close()
        assert json.loads(proc.stdout.readline()) == {"id": "b", "places": []}
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()


def test_jsonl_offsets_refer_to_the_text_as_given():
    text = "Odesa\r\n\x00Istanbul"  # no normalising: the corpus offsets must stay valid
    result = gazette("geoparse", "--jsonl", "-", stdin=json.dumps({"id": "x", "text": text}) + "\n")
    assert result.returncode == 0, result.stderr
    for place in json.loads(result.stdout)["places"]:
        assert text[place["start"] : place["end"]] == place["text"]


def test_bundled_sample_is_there_and_loads():
    from main import SAMPLE_ARTICLE
    from places.articles import load_article

    article = load_article(SAMPLE_ARTICLE)
    assert 400 <= len(article.text.split()) <= 600
    assert article.text.endswith("Sample text written for Gazette; not a real news report.")


def test_geoparse_a_lesson(tmp_path):
    for name, text in [("a.txt", "Ships left Odesa."), ("b.md", "# Varna\n\nPatrols off Varna.")]:
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "lesson.yaml").write_text("title: Ports\narticles: [a.txt, {path: b.md, title: Patrols}]\n", encoding="utf-8")
    result = gazette("geoparse", str(tmp_path / "lesson.yaml"))
    assert result.returncode == 0, result.stderr
    docs = json.loads(result.stdout)
    assert [d["title"] for d in docs] == ["Ships left Odesa.", "Patrols"]
    assert [p["text"] for p in docs[0]["places"]] == ["Odesa"]


def test_geoparse_relative_paths_are_taken_from_the_callers_folder(tmp_path):
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "a.txt").write_text("Ships left Odesa.", encoding="utf-8")
    (tmp_path / "class" / "lesson.yaml").write_text(
        "title: Ports\narticles: [{path: a.txt, title: Grain, published: 2023-08-16}]\n", encoding="utf-8"
    )
    (tmp_path / "README.md").write_text("# Not the repo's README\n\nPatrols off Varna.", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, MAIN, "geoparse", "README.md", "class/lesson.yaml"], capture_output=True, text=True,
        timeout=120, cwd=tmp_path, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    docs = json.loads(result.stdout)
    assert [d["source"] for d in docs] == [str(tmp_path / "README.md"), str(tmp_path / "class" / "a.txt")]
    assert [d["title"] for d in docs] == ["Not the repo's README", "Grain"]
    assert [p["text"] for d in docs for p in d["places"]] == ["Varna", "Odesa"]


def test_export_geojson_of_the_sample(tmp_path):
    from main import SAMPLE_ARTICLE

    out = tmp_path / "corridor.geojson"
    result = gazette("export", str(SAMPLE_ARTICLE), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Wrote {out} (geojson): ")
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert len(features) >= 15


@pytest.mark.parametrize("mode", ["closed", "error500", "drip"])
def test_online_without_a_service_says_so_once_and_falls_back(tmp_path, mode):
    import socket

    from tests.support.nominatim_server import running_server

    path = tmp_path / "names.txt"
    path.write_text("Rockets left Kvorthal Spaceport, then Zarvesk Cosmodrome, then Quorl Airfield, for Odesa.\n",
                    encoding="utf-8")

    def run(domain: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PYTHONIOENCODING": "utf-8", "GAZETTE_NOMINATIM": f"http://{domain}"}
        return subprocess.run([sys.executable, MAIN, "geoparse", "--online", str(path)], capture_output=True,
                              text=True, timeout=60, cwd=REPO_ROOT, env=env)

    if mode == "closed":
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        result = run(f"127.0.0.1:{port}")
    else:
        with running_server(mode=mode, drip_seconds=0.5) as srv:
            result = run(srv.domain)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "gazette: online look-ups unavailable, using the offline gazetteer\n"
    assert [p["text"] for p in json.loads(result.stdout)[0]["places"]] == ["Odesa"]


# --- export targets ---------------------------------------------------------------------------


def _article(tmp_path, name="article.html"):
    path = tmp_path / name
    path.write_text("<html><body><p>Ships left Odesa for Istanbul and Varna.</p></body></html>", encoding="utf-8")
    return path


def test_export_refuses_to_overwrite_its_own_input(tmp_path):
    article = _article(tmp_path)
    before = article.read_bytes()
    for target in (article, tmp_path / "alias.html"):
        if target != article:
            target.symlink_to(article.name)
        result = gazette("export", str(article), "-o", str(target))
        assert result.returncode == 2
        assert result.stderr == f"gazette: Cannot export to {target}: it is one of the files being mapped; choose another name.\n"
    assert article.read_bytes() == before
    (tmp_path / "lesson.yaml").write_text("title: L\narticles: [article.html]\n", encoding="utf-8")
    result = gazette("export", str(tmp_path / "lesson.yaml"), "-o", str(tmp_path / "lesson.yaml"), "--format", "html")
    assert result.returncode == 2 and "one of the files being mapped" in result.stderr


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_export_refuses_non_regular_targets(tmp_path, kind):
    article = _article(tmp_path)
    if kind == "fifo":
        target = tmp_path / "map.csv"
        os.mkfifo(target)
    elif kind == "device":
        target = "/dev/null"
    else:
        target = tmp_path / "out.kml"
        target.mkdir()
    result = gazette("export", str(article), "-o", str(target), "--format", "csv" if kind != "folder" else "kml", timeout=30)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "not a regular file" in lines[0] and "Traceback" not in result.stderr


def test_export_through_a_symlink_writes_the_file_it_points_to(tmp_path):
    article = _article(tmp_path)
    (tmp_path / "maps").mkdir()
    link = tmp_path / "latest.geojson"
    link.symlink_to(tmp_path / "maps" / "odesa.geojson")
    result = gazette("export", str(article), "-o", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    assert json.loads((tmp_path / "maps" / "odesa.geojson").read_text(encoding="utf-8"))["features"]


def test_a_format_that_contradicts_the_suffix_is_refused(tmp_path):
    article = _article(tmp_path)
    result = gazette("export", str(article), "-o", str(tmp_path / "x.csv"), "--format", "kml")
    assert result.returncode == 2
    assert result.stderr == f"gazette: Cannot export kml to {tmp_path / 'x.csv'}: its name says csv; give a .kml name or leave out --format.\n"
    assert not (tmp_path / "x.csv").exists()
    ok = gazette("export", str(article), "-o", str(tmp_path / "places.txt"), "--format", "csv")  # a suffix naming no format
    assert ok.returncode == 0, ok.stderr


def test_exports_never_carry_the_authors_folders(tmp_path):
    folder = tmp_path / "home-of-the-author" / "articles"
    folder.mkdir(parents=True)
    article = _article(folder, "odesa-report.html")
    lesson = folder / "unit.yaml"
    lesson.write_text("title: Ports\narticles: [odesa-report.html]\n", encoding="utf-8")
    for source in (article, lesson):
        for suffix in (".html", ".geojson", ".kml", ".csv"):
            out = tmp_path / f"out-{source.suffix[1:]}{suffix}"
            result = gazette("export", str(source), "-o", str(out))
            assert result.returncode == 0, result.stderr
            data = out.read_text(encoding="utf-8")
            assert str(tmp_path) not in data and "home-of-the-author" not in data, (source, suffix)
            if suffix in (".html", ".kml"):
                assert "odesa-report.html" in data or "Ships left Odesa" in data


def test_window_without_a_display_says_so_and_exits_2():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    started = time.monotonic()
    result = subprocess.run([sys.executable, MAIN], capture_output=True, text=True, timeout=60, cwd=REPO_ROOT, env=env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "No display" in result.stderr and "--screenshot" in result.stderr
    assert time.monotonic() - started < 30


def test_window_without_a_display_still_takes_a_screenshot(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    shot = tmp_path / "shot.png"
    result = subprocess.run([sys.executable, MAIN, "--screenshot", str(shot)], capture_output=True, text=True,
                            timeout=240, cwd=REPO_ROOT, env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.stat().st_size > 10_000


@pytest.mark.parametrize(("word", "hint"), [("exprot", "gazette export"), ("geoprase", "gazette geoparse"), ("nonesuch.txt", None)])
def test_unknown_first_word_is_a_missing_file_with_a_hint(word, hint):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, MAIN, word, "file.txt"], capture_output=True, text=True, timeout=60,
                            cwd=REPO_ROOT, env=env)  # fmt: skip
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [lines[0]] and lines[0].startswith(f"gazette: Cannot open {word}: there is no such file.")
    assert (hint in lines[0]) if hint else ("Did you mean" not in lines[0])


def test_a_missing_file_after_the_first_is_named_without_opening_a_window(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Kyiv and Odesa.", encoding="utf-8")
    result = gazette(str(article), str(tmp_path / "missing.txt"), timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == f"gazette: Cannot open {tmp_path / 'missing.txt'}: there is no such file."


# --- folders, feeds, many files, the pool ---------------------------------------------------


def _week(tmp_path):
    folder = tmp_path / "week"
    (folder / "tuesday").mkdir(parents=True)
    (folder / "a.txt").write_text("Ships left Odesa for Istanbul.", encoding="utf-8")
    (folder / "tuesday" / "b.md").write_text("---\ntitle: Patrols\ndate: 2024-03-05T09:00:00+02:00\n---\nPatrols near Varna.", encoding="utf-8")
    (folder / "tuesday" / "c.html").write_text(
        '<html><head><meta property="og:site_name" content="Port News"><meta name="author" content="Jane Roe">'
        '<link rel="canonical" href="https://example.org/c"></head><body><p>Talks in Geneva.</p></body></html>', encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "scan.txt").write_bytes(b"%PDF-1.7\n")
    return folder


def test_geoparse_a_folder_reports_unreadable_files_in_one_line(tmp_path):
    folder = _week(tmp_path)
    result = gazette("geoparse", str(folder))
    assert result.returncode == 0, result.stderr
    assert result.stderr == (f"gazette: 2 of 5 files could not be read: {folder / 'empty.txt'} (empty), "
                             f"{folder / 'scan.txt'} (a PDF document).\n")  # fmt: skip
    docs = json.loads(result.stdout)
    assert [d["title"] for d in docs] == ["Ships left Odesa for Istanbul.", "Patrols", "Talks in Geneva."]
    assert docs[1]["published"] == "2024-03-05T09:00:00+02:00"
    assert (docs[2]["site_name"], docs[2]["author"], docs[2]["url"]) == ("Port News", "Jane Roe", "https://example.org/c")
    assert [p["text"] for p in docs[0]["places"]] == ["Odesa", "Istanbul"]


def test_export_a_folder(tmp_path):
    folder = _week(tmp_path)
    out = tmp_path / "week.geojson"
    result = gazette("export", str(folder), "-o", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Wrote {out} (geojson): ") and "from 3 articles" in result.stdout
    assert "could not be read" in result.stderr


def test_geoparse_jobs_gives_the_same_json(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for n, town in enumerate(["Odesa", "Varna", "Kyiv", "Lviv", "Istanbul", "Burgas", "Geneva", "Paris", "Berlin", "Rome"]):
        (folder / f"{n:02}.txt").write_text(f"Officials met in {town} on Monday.", encoding="utf-8")
    one, two = gazette("geoparse", "--jobs", "1", str(folder)), gazette("geoparse", "--jobs", "2", str(folder))
    assert one.returncode == two.returncode == 0, two.stderr
    assert one.stdout == two.stdout and len(json.loads(one.stdout)) == 10
    assert "Kyiv" in one.stdout


def test_jobs_must_be_a_positive_number():
    result = gazette("geoparse", "--jobs", "0", "x.txt")
    assert result.returncode == 2 and "expected a number of processes" in result.stderr


def test_export_of_a_lesson_is_a_tour_that_carries_the_lesson(tmp_path):
    import shutil

    from places.sources import embedded_lesson, lesson_of

    for name in ("black-sea.gazette.yaml", "black-sea-grain-corridor.md"):
        shutil.copy(REPO_ROOT / "assets" / "sample" / name, tmp_path / name)
    out = tmp_path / "tour.html"
    result = gazette("export", str(tmp_path / "black-sea.gazette.yaml"), "-o", str(out))
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert '"tour":[' in page and "The strait every ship must pass" in page
    lesson, back = lesson_of(tmp_path / "black-sea.gazette.yaml"), embedded_lesson(out)
    assert back is not None and (back.title, back.corrections, back.tour) == (lesson.title, lesson.corrections, lesson.tour)
    # The exported tour is a source again: geoparsed as the lesson's articles, not as a web page.
    again = gazette("geoparse", str(out))
    assert again.returncode == 0, again.stderr
    assert [a["title"] for a in json.loads(again.stdout)] == [a.title for a in lesson.articles]
