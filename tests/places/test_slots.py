from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pytest

from places.confidence import Evidence
from places.model import Mention
from places.recognize import Candidate
from places.slots import filler


@dataclass(frozen=True, slots=True)
class _Pair:
    a: int
    b: str = "b"
    c: tuple = ()


def _same(made, filled) -> None:
    assert type(filled) is type(made) and filled == made and hash(filled) == hash(made) and repr(filled) == repr(made)


def test_a_filled_object_is_the_one_init_makes_with_the_defaults_of_the_fields_not_given():
    make = filler(_Pair)
    assert make is not _Pair
    _same(_Pair(a=1), make(a=1))
    _same(_Pair(a=1, b="x", c=(2,)), make(a=1, b="x", c=(2,)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        make(a=1).a = 2  # still frozen


def test_a_wrong_call_fails_as_init_fails():
    make = filler(_Pair)
    with pytest.raises(TypeError):
        make(b="no a")
    with pytest.raises(TypeError):
        make(a=1, d=4)


def test_classes_that_init_does_more_for_are_made_by_init():
    @dataclass(frozen=True, slots=True)
    class Checked:
        a: int

        def __post_init__(self) -> None:
            if self.a < 0:
                raise ValueError(self.a)

    @dataclass(frozen=True, slots=True)
    class Factory:
        a: list = field(default_factory=list)

    @dataclass(frozen=True)
    class NoSlots:
        a: int

    assert filler(Checked) is Checked and filler(Factory) is Factory and filler(NoSlots) is NoSlots


def test_the_pipeline_records_are_filled_from_c():
    """Candidate, Evidence and Mention take the fast path (else the speed it was made for is gone)."""
    for cls in (Candidate, Evidence, Mention):
        assert filler(cls) is not cls
    values = {f.name: f.default for f in dataclasses.fields(Candidate) if f.default is not dataclasses.MISSING}
    values.update(start=3, end=9, text="Moscow", key="moscow", indices=(5, 7), weak=True)
    _same(Candidate(**values), filler(Candidate)(**values))


def test_a_texts_evidences_are_the_ones_init_makes():
    from places.resolve import resolve
    from places.recognize import recognize
    from tests.support.gazetteer import shared_gazetteer

    gaz = shared_gazetteer()
    text = "Officials in Paris, Texas, and Paris said Moscow and Washington talked; Moscow said no."
    evidences = [r.evidence for r in resolve(recognize(text, gaz), gaz)]
    assert len(evidences) >= 5 and any(e.repeat for e in evidences)
    for e in evidences:
        _same(Evidence(**{f.name: getattr(e, f.name) for f in dataclasses.fields(Evidence)}), e)
