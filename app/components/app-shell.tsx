import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import type { User } from "../../db/schema";
import { hasRole, type Role } from "../../server/auth/roles";
import { logout } from "../actions/session";
import { LanguageSelect } from "./language-select";

const LINKS: Array<{ href: string; key: "desk" | "callbacks" | "calls" | "reports" | "board" | "users" | "queues" | "pauseReasons" | "shifts" | "testCall" | "organisation" | "scripts" | "answers" | "directory" | "outbound" | "hours"; role: Role }> = [
  { href: "/desk", key: "desk", role: "operator" },
  { href: "/callbacks", key: "callbacks", role: "operator" },
  { href: "/calls", key: "calls", role: "operator" },
  { href: "/reports", key: "reports", role: "supervisor" },
  { href: "/board", key: "board", role: "supervisor" },
  { href: "/admin/users", key: "users", role: "admin" },
  { href: "/admin/queues", key: "queues", role: "admin" },
  { href: "/admin/pause-reasons", key: "pauseReasons", role: "admin" },
  { href: "/admin/shifts", key: "shifts", role: "admin" },
  { href: "/admin/hours", key: "hours", role: "admin" }, // hours (issue 11)
  { href: "/admin/test-call", key: "testCall", role: "admin" },
  { href: "/admin/organisation", key: "organisation", role: "admin" },
  { href: "/admin/scripts", key: "scripts", role: "admin" },
  { href: "/admin/answers", key: "answers", role: "supervisor" },
  { href: "/admin/directory", key: "directory", role: "admin" },
  { href: "/admin/outbound", key: "outbound", role: "admin" },
];

/** The frame of every signed-in page: navigation the user's role allows, language, logout. */
export async function AppShell({ user, active, children }: { user: User; active: string; children: ReactNode }) {
  const t = await getTranslations();
  return (
    <>
      <a href="#content" className="sr-only focus:not-sr-only focus:absolute focus:start-2 focus:top-2 focus:bg-white focus:p-2">
        {t("nav.skip")}
      </a>
      <header className="border-b border-slate-200 bg-white print:hidden">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-4 px-4 py-2">
          <span className="font-semibold text-brand-700">{t("app.name")}</span>
          <nav aria-label={t("nav.main")} className="flex flex-wrap gap-1">
            {LINKS.filter((link) => hasRole(user.role, link.role)).map((link) => (
              <Link
                key={link.href}
                href={link.href}
                data-testid={`nav-${link.key}`}
                aria-current={active === link.key ? "page" : undefined}
                className="rounded px-3 py-1.5 text-sm hover:bg-slate-100 aria-[current=page]:bg-brand-50 aria-[current=page]:font-medium aria-[current=page]:text-brand-700"
              >
                {t(`nav.${link.key}`)}
              </Link>
            ))}
          </nav>
          <div className="ms-auto flex items-center gap-3">
            <span className="text-sm text-slate-600" data-testid="signed-in-as">
              {t("nav.signedInAs", { name: user.displayName, role: t(`roles.${user.role}`) })}
            </span>
            <LanguageSelect />
            <form action={logout}>
              <button type="submit" data-testid="logout" className="rounded px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100">
                {t("nav.logout")}
              </button>
            </form>
          </div>
        </div>
      </header>
      <main id="content" className="mx-auto max-w-6xl px-4 py-6">
        {children}
      </main>
    </>
  );
}
