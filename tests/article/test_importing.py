"""Article import: formats, URL fetching and bad input."""

from __future__ import annotations

import http.server
import threading
import time
from pathlib import Path

import pytest

from reviewtools.article.importing import load_article
from reviewtools.errors import ArticleImportError
from reviewtools.settings import Settings
from tests.conftest import ARTICLE

MARKDOWN = """# Cold water swimming

Cold water swimming has been shown to boost immunity in adults.
It may also improve mood.

## Risks

Sudden immersion can cause cold shock. See the following section for details.
"""

HTML = """<!doctype html><html><head><title>Ginger tea facts</title>
<script>var tracking = 1;</script><style>p {color: red}</style></head>
<body><nav><a href="/">Home</a> <p>Menu paragraph that is navigation.</p></nav>
<article><h1>Ginger tea facts</h1>
<p>Clinical trials have demonstrated that ginger reduces nausea in pregnancy.</p>
<h2>Digestion</h2><p>Research indicates that ginger speeds <b>gastric</b> emptying.</p>
</article><footer><p>Copyright notice for the whole site here.</p></footer></body></html>
"""


def test_plain_text_snapshot_is_the_article():
    art = load_article(str(ARTICLE))
    assert art.text == ARTICLE.read_text(encoding="utf-8")
    assert art.title.startswith("5 Benefits of Foot Massage")
    kinds = [b.kind for b, _, _ in art.blocks]
    assert kinds.count("heading") == 6 and kinds.count("paragraph") == 7
    for block, start, end in art.blocks:
        assert art.text[start:end] == block.text


def test_markdown_article(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    art = load_article(str(path))
    assert art.media_type == "text/markdown"
    assert art.title == "Cold water swimming"
    assert [b.kind for b, _, _ in art.blocks] == ["title", "paragraph", "heading", "paragraph"]
    assert "It may also improve mood." in art.text


def test_html_article_uses_main_content_only(tmp_path):
    path = tmp_path / "a.html"
    path.write_text(HTML, encoding="utf-8")
    art = load_article(str(path))
    assert art.title == "Ginger tea facts"
    assert "tracking" not in art.text and "Menu paragraph" not in art.text
    assert "Copyright" not in art.text
    assert "Research indicates that ginger speeds gastric emptying." in art.text


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, str, bytes, float]] = {}

    def do_GET(self):  # noqa: N802
        status, ctype, body, delay = self.routes.get(self.path, (404, "text/html",
                                                                 b"<h1>Not found</h1>", 0))
        if delay:
            time.sleep(delay)
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", _Handler.routes
    srv.shutdown()
    _Handler.routes.clear()


def test_url_article(server):
    base, routes = server
    routes["/post"] = (200, "text/html; charset=utf-8", HTML.encode(), 0)
    art = load_article(base + "/post", Settings.from_env())
    assert art.source == base + "/post"
    assert "ginger reduces nausea" in art.text


@pytest.mark.parametrize("route,expected", [
    ((404, "text/html", b"<h1>Not found</h1>", 0), "HTTP 404"),
    ((500, "text/html", b"<html><body>Internal error</body></html>", 0), "HTTP 500"),
    ((200, "application/pdf", b"%PDF-1.4", 0), "not an article"),
    ((200, "text/html", b"<html><body><nav>only nav</nav></body></html>", 0), "no article text"),
])
def test_url_errors(server, route, expected):
    base, routes = server
    routes["/x"] = route
    with pytest.raises(ArticleImportError, match=expected):
        load_article(base + "/x", Settings.from_env())


def test_url_timeout(server, monkeypatch):
    base, routes = server
    routes["/slow"] = (200, "text/html", HTML.encode(), 1.5)
    monkeypatch.setattr("reviewtools.article.importing.URL_TIMEOUT", (0.5, 0.5))
    with pytest.raises(ArticleImportError, match="timed out"):
        load_article(base + "/slow", Settings.from_env())


def test_url_size_cap(server, monkeypatch):
    base, routes = server
    routes["/big"] = (200, "text/plain", b"word " * 3000, 0)
    monkeypatch.setattr("reviewtools.article.importing.MAX_ARTICLE_BYTES", 10_000)
    with pytest.raises(ArticleImportError, match="larger than"):
        load_article(base + "/big", Settings.from_env())


@pytest.mark.parametrize("content,expected", [
    (b"", "empty"),
    (b"   \n\n  ", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"caf\xe9 au lait is good for you.", "not UTF-8"),
])
def test_bad_files(tmp_path, content, expected):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ArticleImportError, match=expected):
        load_article(str(path))


def test_huge_file_is_refused(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(20_000_000)
    with pytest.raises(ArticleImportError, match="20.0 MB"):
        load_article(str(path))


@pytest.mark.parametrize("source", ["file:///etc/passwd", "ftp://example.org/a.txt",
                                    "javascript:alert(1)"])
def test_only_http_urls(source):
    with pytest.raises(ArticleImportError, match="only http and https"):
        load_article(source)


def test_missing_file(tmp_path):
    with pytest.raises(ArticleImportError, match="no such file"):
        load_article(str(Path(tmp_path) / "nope.txt"))
