"""Files the demo seeds from."""
