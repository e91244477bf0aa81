"""A stand-in for `python3 -m streamlit run app.py ...` in tests of scripts/serve.sh's failure
paths: it starts at once and answers `/_stcore/health` on the port given by `--server.port`, so
that a test does not wait seconds for a real worker whose work it does not look at."""

import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")


if __name__ == "__main__":
    port = int(sys.argv[sys.argv.index("--server.port") + 1])
    HTTPServer(("127.0.0.1", port), Health).serve_forever()
