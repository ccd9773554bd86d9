"""What one request costs the emulator, over HTTP and in-process, for workbooks of 10, 100 and 1,000 tabs.

Each tab looks like a sheets-sync module tab: 60 rows x 20 columns of text and numbers, a dropdown column,
a note and a developer-metadata entry on every row. Measured per size, median of many runs:

* a one-cell ``values.update`` (what a PM-edit write costs) and a one-cell ``values.get``, over HTTP with
  keep-alive (``requests.Session``, as gspread uses) and in-process (no socket);
* a small ``spreadsheets.batchUpdate`` (one updateCells on one tab).

Run from the repository root::

    .venv/bin/python bench/bench_emulator.py              # 10, 100, 1000 tabs
    .venv/bin/python bench/bench_emulator.py 10 300       # other sizes

Figures are printed as a Markdown table (the one in the README comes from here).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import requests

from sheets_emulator import Emulator, serve_http

SHEET = "bench-emulator"
ROWS, COLUMNS = 60, 20


def build(tabs: int) -> Emulator:
    emulator = Emulator()
    emulator.create_spreadsheet(SHEET)
    session = emulator.session()
    base = f"https://sheets.googleapis.com/v4/spreadsheets/{SHEET}"
    add = [
        {
            "addSheet": {
                "properties": {
                    "sheetId": 100 + i,
                    "title": f"m{i:04d}",
                    "gridProperties": {"rowCount": 100, "columnCount": 26},
                }
            }
        }
        for i in range(tabs)
    ]
    session.post(f"{base}:batchUpdate", json={"requests": add}).raise_for_status()
    for start in range(0, tabs, 50):
        data = [
            {
                "range": f"m{i:04d}!A1",
                "values": [[f"r{r}c{c}" if c % 3 else r * c for c in range(COLUMNS)] for r in range(ROWS)],
            }
            for i in range(start, min(tabs, start + 50))
        ]
        session.post(
            f"{base}/values:batchUpdate", json={"valueInputOption": "RAW", "data": data}
        ).raise_for_status()
        extras: list[dict[str, Any]] = []
        for i in range(start, min(tabs, start + 50)):
            sheet_id = 100 + i
            extras.append(
                {
                    "setDataValidation": {
                        "range": {
                            "sheetId": sheet_id,
                            "startRowIndex": 1,
                            "endRowIndex": ROWS,
                            "startColumnIndex": 5,
                            "endColumnIndex": 6,
                        },
                        "rule": {
                            "condition": {
                                "type": "ONE_OF_LIST",
                                "values": [{"userEnteredValue": "low"}, {"userEnteredValue": "high"}],
                            }
                        },
                    }
                }
            )
            for row in range(ROWS):
                extras.append(
                    {
                        "createDeveloperMetadata": {
                            "developerMetadata": {
                                "metadataKey": "row",
                                "metadataValue": f"{i}-{row}",
                                "location": {
                                    "dimensionRange": {
                                        "sheetId": sheet_id,
                                        "dimension": "ROWS",
                                        "startIndex": row,
                                        "endIndex": row + 1,
                                    }
                                },
                                "visibility": "DOCUMENT",
                            }
                        }
                    }
                )
        session.post(f"{base}:batchUpdate", json={"requests": extras}).raise_for_status()
    return emulator


def median_ms(action: Callable[[], Any], runs: int) -> float:
    action()  # warm up (connection, caches)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def figures(tabs: int, runs: int) -> dict[str, float]:
    emulator = build(tabs)
    middle = f"m{tabs // 2:04d}"
    update_url = f"/v4/spreadsheets/{SHEET}/values/{middle}!B7?valueInputOption=RAW"
    get_url = f"/v4/spreadsheets/{SHEET}/values/{middle}!B7"
    batch_body = {
        "requests": [
            {
                "updateCells": {
                    "start": {"sheetId": 100 + tabs // 2, "rowIndex": 7, "columnIndex": 2},
                    "rows": [{"values": [{"userEnteredValue": {"stringValue": "x"}}]}],
                    "fields": "userEnteredValue",
                }
            }
        ]
    }
    out: dict[str, float] = {}
    out["in-process write"] = median_ms(
        lambda: emulator.handle("PUT", update_url, b'{"values": [["edited"]]}'), runs
    )
    with serve_http(emulator) as server, requests.Session() as session:
        session.trust_env = False
        url = server.url
        out["HTTP write"] = median_ms(
            lambda: session.put(url + update_url, json={"values": [["edited"]]}).raise_for_status(), runs
        )
        out["HTTP read"] = median_ms(lambda: session.get(url + get_url).raise_for_status(), runs)
        out["HTTP batchUpdate"] = median_ms(
            lambda: session.post(
                f"{url}/v4/spreadsheets/{SHEET}:batchUpdate", json=batch_body
            ).raise_for_status(),
            runs,
        )
    return out


def main(sizes: list[int], runs: int) -> None:
    print(
        "| tabs | one-cell write, in-process | one-cell write, HTTP | one-cell read, HTTP | one-cell batchUpdate, HTTP |"
    )
    print("| ---: | ---: | ---: | ---: | ---: |")
    for tabs in sizes:
        row = figures(tabs, runs)
        print(
            f"| {tabs:,} | {row['in-process write']:.2f} ms | {row['HTTP write']:.2f} ms | "
            f"{row['HTTP read']:.2f} ms | {row['HTTP batchUpdate']:.2f} ms |"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "sizes", nargs="*", type=int, default=[10, 100, 1000], help="tab counts (default 10 100 1000)"
    )
    parser.add_argument("--runs", type=int, default=200, help="requests per figure (default 200)")
    arguments = parser.parse_args()
    main(arguments.sizes, arguments.runs)
