"""The size dialog of File › Export › Image…: the current view, a preset, or a custom W × H."""

from __future__ import annotations

__all__ = ["PRESETS", "ImageSizeDialog"]

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

PRESETS: tuple[tuple[int, int], ...] = ((1280, 800), (1600, 1000), (1920, 1080), (2560, 1440))
MIN_SIDE = 100  # as the CLI's --size
MAX_SIDE = 10000  # viewer.snapshot.render_png's limit
CURRENT = "current"
CUSTOM = "custom"


class ImageSizeDialog(QDialog):
    """Pick the image size; :meth:`chosen_size` is ``None`` for the map exactly as shown now."""

    def __init__(self, parent: QWidget | None = None, *, current: tuple[int, int]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export image")
        self.current = current
        self.preset = QComboBox()
        self.preset.addItem(f"Current view ({current[0]} × {current[1]})", CURRENT)
        for width, height in PRESETS:
            self.preset.addItem(f"{width} × {height}", f"{width}x{height}")
        self.preset.addItem("Custom…", CUSTOM)
        self.width_box = self._side_box(current[0])
        self.height_box = self._side_box(current[1])
        sides = QHBoxLayout()
        sides.addWidget(self.width_box)
        sides.addWidget(QLabel("×"))
        sides.addWidget(self.height_box)
        sides.addWidget(QLabel("pixels"))
        sides.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Size:", self.preset)
        form.addRow("", sides)
        form.addRow(self.buttons)
        self.preset.currentIndexChanged.connect(self._on_preset)
        self._on_preset()

    @staticmethod
    def _side_box(value: int) -> QSpinBox:
        box = QSpinBox()
        box.setRange(MIN_SIDE, MAX_SIDE)
        box.setSingleStep(10)
        box.setValue(value)
        return box

    def _on_preset(self, *_args) -> None:
        data = self.preset.currentData()
        custom = data == CUSTOM
        self.width_box.setEnabled(custom)
        self.height_box.setEnabled(custom)
        if not custom:
            width, height = self.current if data == CURRENT else map(int, data.split("x"))
            self.width_box.setValue(width)
            self.height_box.setValue(height)

    def select(self, choice: str | tuple[int, int]) -> None:
        """Choose ``"current"``, ``"custom"`` or a preset ``(width, height)``."""
        key = choice if isinstance(choice, str) else f"{choice[0]}x{choice[1]}"
        index = self.preset.findData(key)
        if index < 0:
            raise ValueError(f"not a choice of this dialog: {choice!r}")
        self.preset.setCurrentIndex(index)

    def set_custom(self, width: int, height: int) -> None:
        self.select(CUSTOM)
        self.width_box.setValue(width)
        self.height_box.setValue(height)

    def chosen_size(self) -> tuple[int, int] | None:
        if self.preset.currentData() == CURRENT:
            return None
        return self.width_box.value(), self.height_box.value()
