"""Wyoming protocol service so Home Assistant satellites can use the skill."""
