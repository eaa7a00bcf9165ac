"""Line items of a quote, bill of materials or purchase order checked against brands, model numbers and rules."""
