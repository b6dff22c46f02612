"""Management commands of the clinic platform."""
