"""Taking turns at the CPU: a fair counting semaphore (pages/_turns.py)."""

import threading
import time

import pytest

from pages._turns import Turns


def test_at_most_n_hold_a_turn_at_once():
    turns, holding, most = Turns(2), [0], [0]
    lock = threading.Lock()

    def work():
        for _ in range(20):
            with turns.turn():
                with lock:
                    holding[0] += 1
                    most[0] = max(most[0], holding[0])
                time.sleep(0.001)
                with lock:
                    holding[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert most[0] == 2 and holding[0] == 0 and turns.waiting == 0


def test_turns_go_in_order_of_arrival_and_nobody_takes_two_in_a_row_while_others_wait():
    turns, order = Turns(1), []
    started = threading.Barrier(4)

    def work(name):
        started.wait()
        for _ in range(5):
            with turns.turn():
                order.append(name)
                time.sleep(0.002)

    threads = [threading.Thread(target=work, args=(n,)) for n in "abcd"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(order) == sorted("abcd" * 5)
    # a thread that gives up its turn while others wait goes to the back of the queue
    repeats = sum(1 for x, y in zip(order, order[1:], strict=False) if x == y)
    assert repeats <= 2, order


def test_a_failing_holder_passes_its_turn_on():
    turns = Turns(1)
    with pytest.raises(RuntimeError), turns.turn():
        raise RuntimeError("boom")
    with turns.turn():  # not stuck
        pass
    with pytest.raises(ValueError, match="at least one place"):
        Turns(0)
