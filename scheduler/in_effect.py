"""InEffect: the reminder settings in effect and what follows from them, swapped whole on apply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from scheduler.catalog import ReminderCatalog
from scheduler.definitions import DefinitionStore
from scheduler.settings import ReminderSettings


@dataclass(frozen=True)
class InEffect:
    """Read through one getter by every part of the service, so a new config (admin page)
    reaches them all at once and no part keeps a stale copy."""

    catalog: ReminderCatalog
    zone: tzinfo
    """settings.zone(), looked up once (the system zone costs a tzlocal call)."""

    @classmethod
    def of(cls, settings: ReminderSettings, store: DefinitionStore) -> InEffect:
        return cls(ReminderCatalog(settings, store), settings.zone())

    @property
    def settings(self) -> ReminderSettings:
        return self.catalog.settings

    @property
    def store(self) -> DefinitionStore:
        return self.catalog.store
