"""viewer.imagesize: the size dialog of File › Export › Image…"""

from __future__ import annotations

import pytest

from viewer.imagesize import ImageSizeDialog


def test_image_size_dialog_choices(qtbot):
    dialog = ImageSizeDialog(current=(900, 700))
    qtbot.addWidget(dialog)
    texts = [dialog.preset.itemText(i) for i in range(dialog.preset.count())]
    assert texts[0] == "Current view (900 × 700)" and texts[-1] == "Custom…"
    assert {"1280 × 800", "1920 × 1080"} <= set(texts)
    assert dialog.chosen_size() is None  # the current view is the default
    assert (dialog.width_box.value(), dialog.height_box.value()) == (900, 700)
    assert not dialog.width_box.isEnabled() and not dialog.height_box.isEnabled()
    dialog.select((1920, 1080))
    assert dialog.chosen_size() == (1920, 1080)
    assert (dialog.width_box.value(), dialog.height_box.value()) == (1920, 1080)
    assert not dialog.width_box.isEnabled()
    dialog.preset.setCurrentIndex(dialog.preset.count() - 1)  # Custom… keeps the shown numbers
    assert dialog.width_box.isEnabled() and dialog.height_box.isEnabled()
    assert dialog.chosen_size() == (1920, 1080)
    dialog.width_box.setValue(5)
    dialog.height_box.setValue(99999)
    assert dialog.chosen_size() == (100, 10000)  # clamped to what the renderer accepts
    dialog.set_custom(640, 400)
    assert dialog.chosen_size() == (640, 400)
    with pytest.raises(ValueError):
        dialog.select((1, 1))
