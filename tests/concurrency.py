"""Running jobs at the same moment in separate threads (each with its own database connection)."""

import threading

from django.db import connections

from core.errors import DomainError


def race(jobs):
    """Start every job at the same moment in its own thread; return (successes, domain errors, other errors)."""
    barrier = threading.Barrier(len(jobs))
    ok, refused, crashed = [], [], []
    lock = threading.Lock()

    def run(job):
        try:
            barrier.wait(timeout=20)
            result = job()
            with lock:
                ok.append(result)
        except DomainError as exc:
            with lock:
                refused.append(exc)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            with lock:
                crashed.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a racing thread hung"
    return ok, refused, crashed
