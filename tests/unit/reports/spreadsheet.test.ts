import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { neutraliseFormula, sheetOf, writeCsv, writeXlsx, type Column } from "../../../server/reports/spreadsheet";

interface Row {
  name: string;
  at: Date;
  waitMs: number;
}

const columns: Array<Column<Row>> = [
  { header: "Name", width: 20, kind: "text", value: (r) => r.name },
  { header: "At", width: 20, kind: "datetime", value: (r) => r.at },
  { header: "Wait", width: 10, kind: "duration", value: (r) => r.waitMs },
];
const HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"];
const rows: Row[] = [...HOSTILE, "سامي", "Zoé"].map((name, i) => ({ name, at: new Date(Date.UTC(2026, 10, 3, 9, 30, i)), waitMs: 65_000 + i * 1000 }));

async function collect(write: (stream: PassThrough) => Promise<void>): Promise<Buffer> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => stream.on("end", resolve));
  await write(stream);
  await ended;
  return Buffer.concat(chunks);
}

describe("spreadsheet export", () => {
  it("neutralises cells a spreadsheet would read as a formula, and only those", () => {
    for (const text of HOSTILE) expect(neutraliseFormula(text)).toBe(`'${text}`);
    for (const text of ["Hello", "0612", "a=b", " =1", "", "سامي"]) expect(neutraliseFormula(text)).toBe(text);
  });

  it("writes CSV with a BOM, a header row, neutralised text, local times and h:mm:ss durations", async () => {
    const csv = (await collect((stream) => writeCsv(stream, sheetOf({ name: "x", columns, rows: [rows.slice(0, 3), [], rows.slice(3)] }), "Europe/Paris"))).toString("utf8");
    expect(csv.startsWith("\uFEFFName,At,Wait\r\n")).toBe(true);
    const lines = csv.slice(1).trimEnd().split("\r\n");
    expect(lines).toHaveLength(1 + rows.length);
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://x"",""y"")",2026-11-03 10:30:00,0:01:05`);
    expect(lines[2]).toBe("'+1+1,2026-11-03 10:30:01,0:01:06");
    expect(lines[7]).toBe("سامي,2026-11-03 10:30:06,0:01:11");
  });

  it("writes XLSX with typed cells (local date, time value), a frozen bold header and widths", async () => {
    const xlsx = await collect((stream) => writeXlsx(stream, [sheetOf({ name: "Calls", columns, rows: [rows] })], "Europe/Paris"));
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx as unknown as ArrayBuffer);
    const sheet = book.getWorksheet("Calls")!;
    expect(sheet.rowCount).toBe(1 + rows.length);
    expect(sheet.getRow(1).values).toEqual([undefined, "Name", "At", "Wait"]);
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(sheet.getColumn(1).width).toBe(20);
    expect(sheet.getCell("A2").value).toBe(`'${HOSTILE[0]}`);
    // 09:30 UTC is 10:30 in Paris: Excel dates carry the wall-clock time.
    expect(sheet.getCell("B2").value).toEqual(new Date(Date.UTC(2026, 10, 3, 10, 30, 0)));
    expect(sheet.getCell("B2").numFmt).toBe("yyyy-mm-dd hh:mm:ss");
    // A time value: 65 s is 65/86400 of a day, which exceljs reads back as that offset from Excel's epoch (1899-12-30).
    expect(sheet.getCell("C2").value).toEqual(new Date(Date.UTC(1899, 11, 30, 0, 1, 5)));
    expect(sheet.getCell("C2").numFmt).toBe("[h]:mm:ss");
    expect(sheet.getCell("A8").value).toBe("سامي");
  });
});
