"""The second, independent reader: a pre-trained neural text detector and recognizer (pure).

RapidOCR runs PaddleOCR's PP-OCRv6 detection and recognition networks on onnxruntime; both networks
ship inside the `rapidocr` wheel and are opened from there by path, so nothing is downloaded, ever.
The engine is built once per process (`engine()`, called by the worker before it forks) and runs on
one thread: workers run in parallel instead. It knows nothing of prices: it returns the lines of text
it sees, with their boxes and scores, and `fieldtasks.ocr.readings` makes prices of them.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from fieldtasks.ocr.readings import drops_characters
from fieldtasks.ocr.types import Box, TextLine

MAX_SIDE = 960  # the detector sees the photo at most this large (a label crop is seen as it is)
_MODELS = ("PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx")
PLACE_HEIGHT = 48  # a place is read at the recognizer's own input height
PLACE_MARGIN = 0.05  # of its height, around a place: the other reader's box is already around the print
# The recognizer's CTC output has one step per 4 columns, and a repeated digit needs a step between its
# copies, or 2220 comes out as 220: a place is read again this much wider, and the wider reading is kept
# only when it is the first with a dropped digit restored.
PLACE_STRETCH = 1.5


@functools.cache
def engine():
    """The RapidOCR engine of this process, on the models of its wheel (no download, no hub)."""
    import rapidocr  # imported here: onnxruntime and the networks load in about a second

    models = Path(rapidocr.__file__).parent / "models"
    detector, recognizer = (models / name for name in _MODELS)
    for model in (detector, recognizer):
        if not model.is_file():
            raise RuntimeError(f"the rapidocr wheel has no {model.name}; reinstall requirements.txt")
    return rapidocr.RapidOCR(
        params={
            "Global.log_level": "error",
            "Global.use_cls": False,  # a label is photographed upright; EXIF orientation is applied before
            "Global.text_score": 0.3,  # weak lines are kept: the readings decide what a score is worth
            "Det.model_path": str(detector),
            "Det.limit_type": "max",
            "Det.limit_side_len": MAX_SIDE,
            "Rec.model_path": str(recognizer),
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
    )


def read_text_lines(gray: Image.Image, photo_scale: float) -> tuple[TextLine, ...]:
    """Every line of text the networks find on `gray` (its pixels are `photo_scale` photo pixels),
    tallest first, with its box in photo pixels and the recognizer's score (0 to 1)."""
    pixels = np.asarray(gray.convert("RGB"))[:, :, ::-1]  # the networks take BGR
    # The flags are given on every call: RapidOCR keeps those of the last call as its own.
    found = engine()(pixels, use_det=True, use_cls=False, use_rec=True)
    if getattr(found, "boxes", None) is None or getattr(found, "txts", None) is None:
        return ()  # nothing detected: RapidOCR then answers with another type
    lines = []
    for quad, text, score in zip(found.boxes, found.txts, found.scores, strict=True):
        left, top = quad.min(axis=0) / photo_scale
        right, bottom = quad.max(axis=0) / photo_scale
        box = Box(round(left), round(top), max(1, round(right - left)), max(1, round(bottom - top)))
        lines.append(TextLine(text.strip(), box, round(float(score), 4)))
    return tuple(sorted(lines, key=lambda line: -line.box.height))


def read_place(gray: Image.Image, box: Box, photo_scale: float) -> TextLine | None:
    """The recognizer alone on one place of the photo (a box in photo pixels, found by another reader),
    cut out with a thin margin, contrast stretched, brought to its input height: one line, or None."""
    left, top, right, bottom = box.around(PLACE_MARGIN, photo_scale, gray.size)
    if right - left < 8 or bottom - top < 8:
        return None
    crop = ImageOps.autocontrast(gray.crop((left, top, right, bottom)))
    read = _recognize(crop, 1.0)
    if read is None:
        return None
    wider = _recognize(crop, PLACE_STRETCH)
    text, score = wider if wider and drops_characters(read[0], wider[0]) else read
    return TextLine(text, box, score)


def _recognize(crop: Image.Image, stretch: float) -> tuple[str, float] | None:
    width = round(crop.width * stretch * PLACE_HEIGHT / crop.height)
    pixels = np.asarray(crop.resize((max(1, width), PLACE_HEIGHT), Image.LANCZOS).convert("RGB"))[:, :, ::-1]
    found = engine()(pixels, use_det=False, use_cls=False, use_rec=True)
    texts, scores = getattr(found, "txts", None), getattr(found, "scores", None)
    if not texts or not texts[0].strip():
        return None
    return texts[0].strip(), round(float(scores[0]), 4)
