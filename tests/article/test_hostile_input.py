"""Hostile or unusual articles: NUL bytes late in the file, CJK sentence ends, a declared
Latin-1 charset, and a server that drips its answer one byte at a time."""

from __future__ import annotations

import http.server
import threading
import time

import pytest

from reviewtools.article import importing
from reviewtools.article.importing import fetch_article, is_heading_line, load_article
from reviewtools.errors import ArticleImportError
from reviewtools.settings import Settings

PARAGRAPH = "Foot massage is pleasant, and some people say it helps them sleep. " * 3


def test_nul_byte_after_the_first_8_kib_is_refused(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"Title\n" + (PARAGRAPH.encode() + b"\n") * 60 + b"bad \x00 byte.\n")
    assert path.stat().st_size > 8192
    with pytest.raises(ArticleImportError, match="NUL byte"):
        load_article(str(path))


def test_line_ending_in_a_cjk_full_stop_is_a_paragraph(tmp_path):
    assert not is_heading_line("足のマッサージは睡眠を改善すると言われています。")
    path = tmp_path / "ja.txt"
    path.write_text("足のマッサージ\n足のマッサージは睡眠を改善すると言われています。\n",
                    encoding="utf-8")
    article = load_article(str(path))
    assert [b.kind for b, _, _ in article.blocks] == ["title", "paragraph"]


def test_html_declaring_latin1_is_decoded(tmp_path):
    html = ("<html><head><meta charset=\"iso-8859-1\"><title>Fußmassage</title></head><body>"
            "<p>Eine Fußmassage soll den Schlaf verbessern, sagen viele Leute.</p></body></html>")
    path = tmp_path / "de.html"
    path.write_bytes(html.encode("latin-1"))
    article = load_article(str(path))
    assert "Fußmassage" in article.text and article.original == path.read_bytes()


def test_undeclared_latin1_is_still_refused(tmp_path):
    path = tmp_path / "de.txt"
    path.write_bytes("Eine Fußmassage soll helfen.\n".encode("latin-1"))
    with pytest.raises(ArticleImportError, match="not UTF-8"):
        load_article(str(path))


class _Handler(http.server.BaseHTTPRequestHandler):
    body = ("<html><body><p>" + PARAGRAPH + "</p></body></html>").encode()
    headers_sent = "text/html; charset=utf-8"
    drip = 0.0

    def do_GET(self):  # noqa: N802 - http.server API
        self.send_response(200)
        self.send_header("Content-Type", self.headers_sent)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        try:
            if not self.drip:
                self.wfile.write(self.body)
                return
            for i in range(len(self.body)):
                self.wfile.write(self.body[i:i + 1])
                self.wfile.flush()
                time.sleep(self.drip)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def serve():
    servers = []

    def start(**attrs):
        handler = type("H", (_Handler,), attrs)
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        srv.daemon_threads = True
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
        return f"http://127.0.0.1:{srv.server_address[1]}/article.html"
    yield start
    for srv in servers:
        srv.shutdown()
        srv.server_close()


def test_dripping_server_hits_the_overall_deadline(serve, tmp_path):
    url = serve(drip=0.05)  # ~20 bytes/s, each well inside the read timeout
    with pytest.raises(ArticleImportError, match="longer than 0.5 s"):
        fetch_article(url, Settings.from_env(root=tmp_path), deadline=0.5)


def test_default_deadline_applies_to_load_article(serve, tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "URL_DEADLINE", 0.3)
    url = serve(drip=0.05)
    with pytest.raises(ArticleImportError, match="to download"):
        load_article(url, Settings.from_env(root=tmp_path))


def test_fast_server_and_latin1_header(serve, tmp_path):
    text = ("<html><body><p>Eine Fußmassage soll den Schlaf verbessern, sagen viele.</p>"
            "</body></html>")
    url = serve(body=text.encode("latin-1"), headers_sent="text/html; charset=ISO-8859-1")
    article = load_article(url, Settings.from_env(root=tmp_path))
    assert "Fußmassage" in article.text
