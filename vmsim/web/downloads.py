"""Exports a served tab offers as downloads, held in bounded number (textual-serve's manager keeps every offer
until its file is fetched, and a tab that presses ``e`` without fetching grew the server without limit).

Imported only by the server (it needs textual-serve)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from textual_serve.download_manager import Download, DownloadManager

MAX_PENDING_PER_TAB = 8  # offers a tab may leave unfetched; the oldest goes when a ninth comes


class BoundedDownloads(DownloadManager):
    """textual-serve's download manager with three bounds: at most ``MAX_PENDING_PER_TAB`` unfetched offers per
    tab (the oldest is dropped), a tab's offers forgotten when it closes, and each offer fetched by one request at
    a time (a second request for a key being sent is told it is not there)."""

    def __init__(self) -> None:
        super().__init__()
        self._sending: set[str] = set()

    def pending(self, app_service_id: str) -> list[str]:
        """The keys of the tab's offers not being sent now, oldest first."""
        return [
            key
            for key, download in self._active_downloads.items()
            if download.app_service.app_service_id == app_service_id and key not in self._sending
        ]

    async def create_download(self, *, app_service: Any, delivery_key: str, **kwargs: Any) -> None:
        waiting = self.pending(app_service.app_service_id)
        for key in waiting[: max(0, len(waiting) - MAX_PENDING_PER_TAB + 1)]:
            del self._active_downloads[key]
        await super().create_download(app_service=app_service, delivery_key=delivery_key, **kwargs)

    async def get_download_metadata(self, delivery_key: str) -> Download:
        if delivery_key in self._sending:
            raise KeyError(delivery_key)  # being sent to another request: the handler answers 404
        return await super().get_download_metadata(delivery_key)

    async def download(self, delivery_key: str) -> AsyncGenerator[bytes, None]:
        self._sending.add(delivery_key)
        try:
            async for chunk in super().download(delivery_key):
                yield chunk
        finally:
            self._sending.discard(delivery_key)
            self._active_downloads.pop(delivery_key, None)

    async def cancel_app_downloads(self, app_service_id: str) -> None:
        await super().cancel_app_downloads(app_service_id)  # ends the ones being sent
        for key in self.pending(app_service_id):
            del self._active_downloads[key]
