"""The connection slots alone (issue 9 §4): whom a new connection sheds, without sockets."""

from __future__ import annotations

from kzreg.whois.slots import Slots


class Conn:
    """Stands in for a WhoisProtocol: what Slots reads and calls."""

    def __init__(self, key: str):
        self.key = key
        self.counted = False
        self.was_shed = False
        self.transport = None

    def shed(self) -> None:
        self.was_shed = True


def admit(slots: Slots, key: str) -> Conn:
    conn = Conn(key)
    assert slots.admit(conn)
    return conn


def test_at_the_total_cap_the_oldest_idle_of_the_network_holding_most_goes():
    slots = Slots(max_total=5, max_per_network=10)
    a = [admit(slots, "A") for _ in range(2)]
    b = [admit(slots, "B") for _ in range(3)]
    newcomer = admit(slots, "C")
    assert b[0].was_shed and not any(c.was_shed for c in a + b[1:])
    assert slots.total == 5 and slots.by_network == {"A": 2, "B": 2, "C": 1} and slots.shed_count == 1
    assert newcomer.counted and not b[0].counted


def test_answering_connections_are_never_shed_and_when_all_answer_the_newcomer_is_refused():
    slots = Slots(max_total=2, max_per_network=10)
    first, second = admit(slots, "A"), admit(slots, "B")
    slots.answering(first)
    third = admit(slots, "C")  # sheds `second`, the only idle one, though `first` is older
    assert second.was_shed and not first.was_shed
    slots.answering(third)
    refused = Conn("D")
    assert not slots.admit(refused)  # nothing to shed: refused, but it holds its slot until released
    assert slots.total == 3 and refused in slots.sheddable
    slots.release(refused)
    slots.release(refused)  # once only
    assert slots.total == 2 and slots.by_network == {"A": 1, "C": 1}


def test_a_network_at_its_cap_sheds_its_own_oldest_not_another_network():
    slots = Slots(max_total=100, max_per_network=2)
    mine = [admit(slots, "A") for _ in range(2)]
    other = admit(slots, "B")
    admit(slots, "A")
    assert mine[0].was_shed and not mine[1].was_shed and not other.was_shed


def test_a_persistent_flooder_is_found_among_many_small_networks():
    slots = Slots(max_total=200, max_per_network=200)
    flooder = [admit(slots, "flood") for _ in range(50)]
    for i in range(150):  # a botnet's worth of networks with one idle connection each, after it
        admit(slots, f"n{i}")
    admit(slots, "honest")
    assert flooder[0].was_shed and slots.by_network["flood"] == 49


def test_lingering_refusals_are_cut_oldest_first_up_to_the_time_given():
    slots = Slots(max_total=10, max_per_network=10)
    conns = [admit(slots, "A") for _ in range(3)]
    for at, conn in zip((1.0, 2.0, 3.0), conns, strict=True):
        slots.linger(conn, at)
    slots.cut_lingering(2.0)
    assert list(slots.lingering) == [conns[2]]
    slots.release(conns[2])
    assert not slots.lingering and slots.total == 3 - 1  # the cut ones are released when their socket closes


def test_a_connection_refused_anyway_sheds_no_one():
    slots = Slots(max_total=2, max_per_network=10)
    idle = [admit(slots, "A"), admit(slots, "B")]
    limited = Conn("C")
    assert not slots.admit(limited, shed=False)  # e.g. rate-limited: it is refused with its notice
    slots.linger(limited, 0.0)  # as the server's refusal does
    assert not any(c.was_shed for c in idle) and slots.total == 3
    assert admit(slots, "D")  # at the server's cap a refused connection goes before any idle one
    assert limited.was_shed and not any(c.was_shed for c in idle) and slots.total == 3
