/**
 * Right-to-left tables (Arabic): a cell with `dir="ltr"` is laid out left to right inside the RTL table, so its
 * content hugs the left edge, against the next column's start ("54%0:49" on the board). Numbers, clocks and
 * addresses are isolated inside the cell instead (`<bdi dir="ltr">`), which keeps the cell's alignment.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const APP = path.resolve(__dirname, "../../../app");
/** Forms another change owns (admin forms): fixed there. */

function pages(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? pages(full) : name.endsWith(".tsx") ? [full] : [];
  });
}

describe("table cells in right-to-left pages", () => {
  it("never set dir=ltr on a cell, a row or a table: the value is isolated inside the cell", () => {
    const offenders = pages(APP)
      .map((file) => path.relative(APP, file))
      .flatMap((file) => [...readFileSync(path.join(APP, file), "utf8").matchAll(/<(td|th|tr|table)\b[^>]*\bdir="ltr"/g)].map((m) => `${file}: <${m[1]} dir="ltr">`));
    expect(offenders).toEqual([]);
  });
});
