/**
 * `npm run bench bundle`: the JavaScript each page costs the browser, as Chromium loads it from the production build
 * (`next build` first). For each page, one JSON line: `{"name":"bundle/<page>","gzipKB":…,"rawKB":…,"scripts":…,
 * "initialGzipKB":…}`. gzipKB sums every script response the page loads until the network is idle (the whole
 * workspace on the desk, lazy panels included), each body compressed with zlib at the default level; initialGzipKB
 * only those the HTML names (what the first paint waits for). The server runs in this process on a free port with
 * an embedded database in a temporary folder and no telephony.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { startHotline } from "../../server/boot";
import { SESSION_COOKIE } from "../../server/auth/session-cookie";
import { parseConfig } from "../../server/config/config";
import { silentLogger } from "../../server/logger";
import { launchTestChromium } from "../../tests/support/chromium";
import { freePort } from "../../tests/support/net";

/** Pages measured, and who opens them (null: signed out). */
const PAGES: Array<{ name: string; path: string; as: "operator" | "admin" | null }> = [
  { name: "login", path: "/login", as: null },
  { name: "desk", path: "/desk", as: "operator" },
  { name: "callbacks", path: "/callbacks", as: "operator" },
  { name: "board", path: "/board", as: "admin" },
  { name: "admin-users", path: "/admin/users", as: "admin" },
  { name: "admin-queues", path: "/admin/queues", as: "admin" },
  { name: "admin-answers", path: "/admin/answers", as: "admin" },
  { name: "admin-directory", path: "/admin/directory", as: "admin" },
];

const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;

export async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "hotline-bundle-"));
  const port = await freePort();
  const config = parseConfig({ PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "error", NODE_ENV: "production" });
  const hotline = await startHotline({ config, web: "next", telephony: false, logger: silentLogger });
  const browser = await launchTestChromium();
  try {
    const { users, auth } = hotline.services;
    const tokens: Record<string, string> = {};
    for (const role of ["operator", "admin"] as const) {
      const username = `bench-${role}`;
      const password = `${role}-password-1`;
      await users.create({ username, role, password });
      const login = await auth.login({ username, password, address: "127.0.0.1" });
      if (!login.ok) throw new Error(`login failed for ${username}`);
      tokens[role] = login.token;
    }
    for (const page of PAGES) {
      const context = await browser.newContext({ baseURL: hotline.url, locale: "en-US" });
      if (page.as) await context.addCookies([{ name: SESSION_COOKIE, value: tokens[page.as]!, url: hotline.url }]);
      const tab = await context.newPage();
      const bodies: Array<{ url: string; body: Buffer }> = [];
      const pending: Promise<void>[] = [];
      tab.on("response", (response) => {
        if (response.request().resourceType() !== "script") return;
        pending.push(
          response.body().then(
            (body) => void bodies.push({ url: new URL(response.url()).pathname, body }),
            () => undefined,
          ),
        );
      });
      const html = await (await tab.goto(page.path, { waitUntil: "networkidle" }))!.text();
      await Promise.all(pending);
      const initial = new Set([...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => new URL(m[1]!, hotline.url).pathname));
      const gzip = (list: typeof bodies) => list.reduce((sum, s) => sum + gzipSync(s.body).length, 0);
      console.log(
        JSON.stringify({
          name: `bundle/${page.name}`,
          gzipKB: kb(gzip(bodies)),
          rawKB: kb(bodies.reduce((sum, s) => sum + s.body.length, 0)),
          scripts: bodies.length,
          initialGzipKB: kb(gzip(bodies.filter((s) => initial.has(s.url)))),
        }),
      );
      await context.close();
    }
  } finally {
    await browser.close();
    await hotline.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
