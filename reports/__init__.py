"""Excel returns in and out, district merge, and the command line. Never imports Qt."""
