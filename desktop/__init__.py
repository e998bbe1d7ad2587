"""The Qt desktop program: a thin layer of screens over the core."""
