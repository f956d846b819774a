"""The transport floor: the very requests of an apiwatch refresh, replayed by a bare aiohttp
client with the same connection limit, TLS CA and bearer token, bodies read and dropped.

GETs are replayed from the emulator's request log as logged (path and query, nextLinks
included: the log holds every page's URL). Resource Graph POSTs carry their paging in the body,
so they are replayed as a chain: each page's `$skipToken` from the answer before."""

from __future__ import annotations

import asyncio
import ssl
from collections import Counter
from dataclasses import dataclass

import aiohttp
from common import MAX_CONNECTIONS, Timer
from emulator_proc import EmulatorProcess
from yarl import URL

from apiwatch.azure.graph import ENDPOINTS_QUERY, GRAPH_API_VERSION, PAGE_ROWS, SUBSCRIPTION_BATCH
from apiwatch.emulator import RequestRecord


@dataclass
class FloorRun:
    timer: Timer
    sent: int
    statuses: Counter[int]
    mismatched: int  # replies whose status differs from the logged one


async def _replay(handle: EmulatorProcess, records: list[RequestRecord],
                  readable: list[str]) -> tuple[Timer, int, Counter[int], int]:
    context = ssl.create_default_context(cafile=str(handle.ca_path))
    connector = aiohttp.TCPConnector(ssl=context, limit=MAX_CONNECTIONS)
    headers = {"Authorization": f"Bearer {handle.token}"}
    gate = asyncio.Semaphore(MAX_CONNECTIONS)
    statuses: Counter[int] = Counter()
    mismatched = 0
    sent = 0
    gets = [r for r in records if r.method == "GET"]
    graph_pages = sum(1 for r in records
                      if r.method == "POST" and "resourcegraph" in r.path.lower())

    async with aiohttp.ClientSession(connector=connector, headers=headers) as http:

        async def get(record: RequestRecord) -> None:
            nonlocal mismatched, sent
            url = URL(handle.url + record.path + (f"?{record.query}" if record.query else ""))
            async with gate, http.get(url) as response:
                await response.read()
                sent += 1
                statuses[response.status] += 1
                mismatched += response.status != record.status

        async def graph_chain() -> None:
            nonlocal sent
            url = f"{handle.url}/providers/Microsoft.ResourceGraph/resources"
            for start in range(0, len(readable), SUBSCRIPTION_BATCH):
                batch = readable[start:start + SUBSCRIPTION_BATCH]
                token = None
                while True:
                    options: dict[str, object] = {"$top": PAGE_ROWS, "resultFormat": "objectArray"}
                    if token:
                        options["$skipToken"] = token
                    body = {"query": ENDPOINTS_QUERY, "subscriptions": batch, "options": options}
                    async with gate, http.post(url, params={"api-version": GRAPH_API_VERSION},
                                               json=body) as response:
                        data = await response.json()
                        sent += 1
                        statuses[response.status] += 1
                    token = data.get("$skipToken") if isinstance(data, dict) else None
                    if not token:
                        break

        with Timer(handle.cpu_seconds) as timer:
            tasks = [get(r) for r in gets]
            if graph_pages:
                tasks.append(graph_chain())
            await asyncio.gather(*tasks)
    return timer, sent, statuses, mismatched


def transport_floor(handle: EmulatorProcess, records: list[RequestRecord],
                    readable: list[str]) -> FloorRun:
    timer, sent, statuses, mismatched = asyncio.run(_replay(handle, records, readable))
    return FloorRun(timer, sent, statuses, mismatched)
