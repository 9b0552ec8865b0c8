"""Prevention reminders on APScheduler 3.x; imports nothing from skill, speaks via a callback."""

from scheduler.catalog import Reminder, ReminderCatalog, ReminderInputError
from scheduler.definitions import DefinitionStore, ReminderStoreError
from scheduler.due import DueReminder
from scheduler.lock import ServiceLockedError
from scheduler.service import ReminderService
from scheduler.settings import ReminderSettings

__all__ = [
    "DefinitionStore",
    "DueReminder",
    "Reminder",
    "ReminderCatalog",
    "ReminderInputError",
    "ReminderService",
    "ReminderSettings",
    "ReminderStoreError",
    "ServiceLockedError",
]
