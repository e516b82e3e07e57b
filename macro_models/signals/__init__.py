"""From many strategy signals to one target exposure per instrument, and a monitor of changes."""
