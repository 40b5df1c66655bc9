"""A loopback SMS gateway for the tests: an HTTP server on 127.0.0.1 that records what it is sent and can be told
to fail the next calls (as a cloud gateway does when it is down)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Loopback:
    def __init__(self):
        self.received: list[dict] = []
        self.fail_next = 0
        self.lock = threading.Lock()


@pytest.fixture
def gateway(settings):
    state = Loopback()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server API
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with state.lock:
                failing = state.fail_next > 0
                if failing:
                    state.fail_next -= 1
                else:
                    state.received.append(body)
                    number = len(state.received)
            if failing:
                self.send_response(503)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"id": f"r{number}"}).encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_GATEWAY = "loopback"
    settings.SMS_LOOPBACK_URL = f"http://127.0.0.1:{server.server_address[1]}/sms"
    yield state
    server.shutdown()
    server.server_close()
