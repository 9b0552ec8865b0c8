"""Prevention reminders on APScheduler 3.x; imports nothing from skill, speaks through a callback."""
