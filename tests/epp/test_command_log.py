"""The per-command log lines written in batches (`kzreg.epp.command_log`, installed by `kzreg epp serve`)."""

from __future__ import annotations

import io
import logging

import pytest

from kzreg.epp import command_log


@pytest.fixture
def stream_handler():
    """A stream handler on `kzreg.epp` (an ancestor the commands logger propagates to), with a format."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    parent = logging.getLogger("kzreg.epp")
    parent.addHandler(handler)
    yield stream, handler
    parent.removeHandler(handler)


def test_lines_are_written_in_order_formatted_by_the_handlers_they_would_have_reached(stream_handler):
    stream, _ = stream_handler
    logger = logging.getLogger(command_log.LOGGER)
    batched = command_log.install(interval=60)  # only the flushes below write
    assert batched is not None
    try:
        assert logger.handlers == [batched] and logger.propagate is False
        for i in range(3):
            logger.info("svTRID=%s %s → %s", f"KZ-{i}", "check", 1000)
        assert stream.getvalue() == ""  # queued, not written
        batched.flush()
        assert stream.getvalue().splitlines() == [
            f"INFO kzreg.epp.commands: svTRID=KZ-{i} check → 1000" for i in range(3)
        ]
        logger.info("svTRID=KZ-3 logout → 1500")
    finally:
        command_log.uninstall(batched)  # writes what is left and gives the logger back its handlers
    assert stream.getvalue().splitlines()[-1] == "INFO kzreg.epp.commands: svTRID=KZ-3 logout → 1500"
    assert batched not in logger.handlers and logger.propagate is True
    assert not batched.writer.is_alive()


def test_the_writer_thread_writes_without_being_asked(stream_handler):
    stream, _ = stream_handler
    batched = command_log.install(interval=0.01)
    try:
        logging.getLogger(command_log.LOGGER).info("svTRID=KZ-9 hello")
        batched.writer.join(timeout=0.2)  # still running: only waits a few intervals
        assert "svTRID=KZ-9 hello" in stream.getvalue()
    finally:
        command_log.uninstall(batched)


def test_a_handler_level_and_other_kinds_of_handler_are_respected(stream_handler):
    stream, handler = stream_handler
    handler.setLevel(logging.WARNING)
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    keep = Keep()
    logging.getLogger("kzreg.epp").addHandler(keep)
    batched = command_log.install(interval=60)
    try:
        logger = logging.getLogger(command_log.LOGGER)
        logger.info("quiet")
        logger.warning("loud")
        batched.flush()
    finally:
        command_log.uninstall(batched)
        logging.getLogger("kzreg.epp").removeHandler(keep)
    assert stream.getvalue() == "WARNING kzreg.epp.commands: loud\n"
    assert [r.getMessage() for r in records] == ["quiet", "loud"]


def test_zero_leaves_the_logger_as_it_is(stream_handler):
    logger = logging.getLogger(command_log.LOGGER)
    handlers = list(logger.handlers)
    assert command_log.install(interval=0) is None
    assert logger.handlers == handlers and logger.propagate is True
    command_log.uninstall(None)
