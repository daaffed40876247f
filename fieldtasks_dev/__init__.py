"""Tools for developing fieldtasks, not for running it: synthetic label photos and scenes, the OCR evaluation,
and the demo phone. They need requirements-dev.txt; nothing under `fieldtasks/` imports them."""
