import gc

import pytest

from marketplace.core.memory import gc_paused


def test_gc_paused_turns_collection_off_and_back_on_even_after_an_error():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("the import failed")
    assert gc.isenabled()


def test_gc_paused_leaves_collection_off_when_it_was_off():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_import_planning_and_applying_run_with_collection_paused(monkeypatch):
    from catalog_import import planning

    seen = []
    monkeypatch.setattr(planning, "read_files", lambda *a, **k: seen.append(gc.isenabled()) or ([], []))
    planning.build_plan([])
    assert seen == [False] and gc.isenabled()
